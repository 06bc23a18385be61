// A deterministic, realistic open-data CSV: mixed text, integers, decimals, dates, booleans, quoted
// fields holding separators, quotes and line breaks. Same bytes for the same size on every machine.
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';

const HEADER =
  'id,commune,code_postal,population,superficie_km2,date_creation,derniere_mesure,actif,categorie,commentaire';
const COMMUNES = [
  'Saint-Étienne',
  'Évreux',
  'Besançon',
  'Mâcon',
  'Orléans',
  'Nîmes',
  'Sète',
  'Angoulême',
  'Nancy',
  'Béziers',
  'Aix-en-Provence',
  'Le Puy-en-Velay',
];
const CATEGORIES = ['urbaine', 'rurale', 'périurbaine', 'littorale', 'montagne'];

/** xorshift32: fast, seedable, identical everywhere. */
function random(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

function row(index, next) {
  const commune = COMMUNES[Math.floor(next() * COMMUNES.length)];
  const day = String(1 + Math.floor(next() * 28)).padStart(2, '0');
  const month = String(1 + Math.floor(next() * 12)).padStart(2, '0');
  const hour = String(Math.floor(next() * 24)).padStart(2, '0');
  const quoted =
    next() < 0.1
      ? `"Relevé ""${index}"", voir aussi:\nannexe ${index % 97}"`
      : next() < 0.3
        ? `"à vérifier, ${index % 13}"`
        : `ok ${index % 1000}`;
  return `${index},${commune},${String(1000 + Math.floor(next() * 94000)).padStart(5, '0')},${Math.floor(next() * 500000)},${(next() * 1000).toFixed(3)},19${50 + Math.floor(next() * 49)}-${month}-${day},2024-${month}-${day}T${hour}:15:00Z,${next() < 0.5 ? 'true' : 'false'},${CATEGORIES[Math.floor(next() * CATEGORIES.length)]},${quoted}\n`;
}

/** Writes (once, then reuses) a file of about `bytes` bytes in `folder`; returns its path, size and row count. */
export async function openDataCsv(folder, bytes) {
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `open-data-${bytes}.csv`);
  const meta = `${file}.rows`;
  if (existsSync(file) && existsSync(meta)) {
    const { readFileSync } = await import('node:fs');
    return { file, size: statSync(file).size, rows: Number(readFileSync(meta, 'utf8')) };
  }
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { highWaterMark: 1 << 20 });
  const next = random(20261127);
  let written = 0;
  let rows = 0;
  let chunk = `${HEADER}\n`;
  while (written + chunk.length < bytes) {
    const line = row(rows, next);
    rows += 1;
    chunk += line;
    if (chunk.length > 1 << 20) {
      written += Buffer.byteLength(chunk);
      if (!out.write(chunk)) {
        await new Promise((resolve) => out.once('drain', resolve));
      }
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise((resolve, reject) => out.once('finish', resolve).once('error', reject));
  renameSync(partial, file);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(meta, String(rows));
  return { file, size: statSync(file).size, rows };
}
