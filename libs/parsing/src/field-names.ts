import { ParsingWarning, ParsingWarningCode } from './parsing.exception';

/** Longest technical name; longer labels are cut (before deduplication suffixes are added). */
export const MAX_FIELD_NAME_LENGTH = 64;

const FIELD_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/**
 * Names that mean something to JavaScript objects or to the tools the records go through.
 * Leading and trailing underscores are already stripped, so `__proto__` and `_id` cannot occur.
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'constructor',
  'prototype',
  'proto',
  'hasownproperty',
  'isprototypeof',
  'propertyisenumerable',
  'tolocalestring',
  'tostring',
  'valueof',
  'definegetter',
  'definesetter',
  'lookupgetter',
  'lookupsetter',
]);

/** Label given to a column of a file without a header row. */
export function defaultLabel(columnIndex: number): string {
  return `Column ${columnIndex + 1}`;
}

/**
 * A technical name for one column, before deduplication: accents removed (`Évaluation` →
 * `evaluation`), lower-case ASCII letters, digits and `_`; never empty (`field_<n>`), never starting
 * with a digit (`2020` → `field_2020`: integer-like keys would also reorder a JS object), never a
 * reserved word (`constructor` → `field_constructor`), never containing `.` or `$`.
 */
export function toFieldName(label: string, columnIndex: number): string {
  const ascii = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[œŒ]/g, 'oe')
    .replace(/[æÆ]/g, 'ae')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_FIELD_NAME_LENGTH)
    .replace(/_+$/, '');
  if (ascii === '') {
    return `field_${columnIndex + 1}`;
  }
  if (/^[0-9]/.test(ascii) || RESERVED_NAMES.has(ascii)) {
    return `field_${ascii}`.slice(0, MAX_FIELD_NAME_LENGTH).replace(/_+$/, '');
  }
  return ascii;
}

/** True for names this library could have produced: safe as a MongoDB key and as a JS property. */
export function isValidFieldName(name: string): boolean {
  return (
    name.length <= MAX_FIELD_NAME_LENGTH + 8 && FIELD_NAME_PATTERN.test(name) && !RESERVED_NAMES.has(name)
  );
}

export interface FieldNamesResult {
  names: string[];
  warnings: ParsingWarning[];
}

/**
 * Technical names for a header row, unique within the row: a repeated name gets `_2`, `_3`, ...
 * (skipping any suffix another column already uses). Empty and duplicate labels are reported.
 */
export function buildFieldNames(labels: readonly string[]): FieldNamesResult {
  const bases = labels.map((label, index) => toFieldName(label, index));
  const taken = new Set<string>();
  const baseCounts = new Map<string, number>();
  for (const base of bases) {
    baseCounts.set(base, (baseCounts.get(base) ?? 0) + 1);
  }
  // Unique bases keep their name; only the repeats are suffixed, so no column is renamed because of a later one.
  for (const [base, count] of baseCounts) {
    if (count === 1) taken.add(base);
  }
  const seen = new Map<string, number>();
  const names = bases.map((base) => {
    if (baseCounts.get(base) === 1) {
      return base;
    }
    const occurrence = (seen.get(base) ?? 0) + 1;
    seen.set(base, occurrence);
    let suffix = occurrence;
    let name = suffix === 1 ? base : `${base}_${suffix}`;
    while (taken.has(name)) {
      suffix++;
      name = `${base}_${suffix}`;
    }
    seen.set(base, suffix);
    taken.add(name);
    return name;
  });

  const warnings: ParsingWarning[] = [];
  const emptyColumns = labels.flatMap((label, index) => (label.trim() === '' ? [index + 1] : []));
  if (emptyColumns.length > 0) {
    warnings.push({
      code: ParsingWarningCode.EMPTY_HEADER_NAMES,
      message: `The header has no name for column(s) ${emptyColumns.join(', ')}; names were generated.`,
      details: { columns: emptyColumns },
    });
  }
  const duplicates = [...baseCounts]
    .filter(([base, count]) => count > 1 && !/^field_\d+$/.test(base))
    .map(([base]) => base);
  if (duplicates.length > 0) {
    warnings.push({
      code: ParsingWarningCode.DUPLICATE_HEADER_NAMES,
      message: `Several columns would be named ${duplicates.join(', ')}; numbered suffixes were added.`,
      details: { names: duplicates },
    });
  }
  return { names, warnings };
}
