import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { uniqueName } from '@s3c/testing';
import { ReliabilityFixture, type ErrorBody, type ImportBody } from './reliability-fixture';

interface Case {
  name: string;
  body: () => Buffer;
  /** The preview: its records (exact), or the code of its error. */
  preview: { records: Record<string, unknown>[] } | { code: string };
  /** The import: succeeded with this many records and rejected rows, or failed with this code. */
  import: { records: number; rejected: number } | { code: string };
}

const text = (value: string) => () => Buffer.from(value, 'utf8');

function gzipBomb(): Buffer {
  const rows = Buffer.alloc(256 * 1024 * 1024, '1,2\n');
  rows.write('a,b\n', 0);
  return gzipSync(rows, { level: 9 });
}

/** The csv-spectrum cases (written out here, not installed), then files made to hurt. */
const CORPUS: Case[] = [
  {
    name: 'comma in quotes',
    body: text('first,last,address,city\nJohn,Doe,120 any st.,"Anytown, WW"\n'),
    preview: { records: [{ first: 'John', last: 'Doe', address: '120 any st.', city: 'Anytown, WW' }] },
    import: { records: 1, rejected: 0 },
  },
  {
    name: 'escaped quotes',
    body: text('a,b\n1,"ha ""ha"" ha"\n3,4\n'),
    preview: {
      records: [
        { a: 1, b: 'ha "ha" ha' },
        { a: 3, b: '4' },
      ],
    },
    import: { records: 2, rejected: 0 },
  },
  {
    name: 'newlines in quotes',
    body: text('a,b,c\n1,2,3\n"Once upon \na time",5,6\n7,8,9\n'),
    preview: {
      records: [
        { a: '1', b: 2, c: 3 },
        { a: 'Once upon \na time', b: 5, c: 6 },
        { a: '7', b: 8, c: 9 },
      ],
    },
    import: { records: 3, rejected: 0 },
  },
  {
    name: 'CRLF',
    body: text('a,b\r\n1,2\r\n3,4\r\n'),
    preview: {
      records: [
        { a: 1, b: 2 },
        { a: 3, b: 4 },
      ],
    },
    import: { records: 2, rejected: 0 },
  },
  {
    name: 'UTF-8 with BOM',
    body: () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,name\n1,Zoë\n')]),
    preview: { records: [{ id: 1, name: 'Zoë' }] },
    import: { records: 1, rejected: 0 },
  },
  {
    name: 'UTF-16LE with BOM',
    body: () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,name\n1,Zoë\n', 'utf16le')]),
    preview: { records: [{ id: 1, name: 'Zoë' }] },
    import: { records: 1, rejected: 0 },
  },
  {
    name: 'mixed line endings',
    body: text('a,b\n1,2\r\n3,4\n5,6\r\n'),
    preview: {
      records: [
        { a: 1, b: 2 },
        { a: 3, b: 4 },
        { a: 5, b: 6 },
      ],
    },
    import: { records: 3, rejected: 0 },
  },
  {
    name: 'no final newline',
    body: text('a,b\n1,2\n3,4'),
    preview: {
      records: [
        { a: 1, b: 2 },
        { a: 3, b: 4 },
      ],
    },
    import: { records: 2, rejected: 0 },
  },
  {
    name: 'unclosed quote',
    body: text('a,b\n1,"never closed\n2,3\n4,5\n'),
    preview: { code: 'UNCLOSED_QUOTE' },
    import: { code: 'UNCLOSED_QUOTE' },
  },
  {
    name: 'ragged rows',
    body: text('a,b\n1,2\n3\n4,5,6\n7,8\n'),
    preview: {
      records: [
        { a: 1, b: 2 },
        { a: 7, b: 8 },
      ],
    },
    import: { code: 'REJECTION_THRESHOLD_EXCEEDED' },
  },
  {
    name: 'NUL bytes',
    body: () => Buffer.from('a,b\n1,x\u0000y\n2,z\n', 'utf8'),
    preview: { code: 'NOT_TEXT' },
    import: { code: 'NOT_TEXT' },
  },
  {
    name: 'invalid UTF-8 bytes',
    body: () => Buffer.concat([Buffer.from('a,b\n1,caf'), Buffer.from([0xe9]), Buffer.from('\n2,ok\n')]),
    preview: {
      records: [
        { a: 1, b: 'café' },
        { a: 2, b: 'ok' },
      ],
    },
    import: { records: 2, rejected: 0 },
  },
  {
    name: '__proto__ and constructor headers',
    body: text('__proto__,constructor,prototype\n1,2,3\n'),
    preview: { records: [{ field_proto: 1, field_constructor: 2, field_prototype: 3 }] },
    import: { records: 1, rejected: 0 },
  },
  {
    name: 'duplicate headers',
    body: text('a,a,a\n1,2,3\n'),
    preview: { records: [{ a: 1, a_2: 2, a_3: 3 }] },
    import: { records: 1, rejected: 0 },
  },
  {
    name: 'empty headers',
    body: text(',,\n1,2,3\n'),
    // Empty labels get positional names (libs/parsing README, "Field names").
    preview: { records: [{ field_1: 1, field_2: 2, field_3: 3 }] },
    import: { records: 1, rejected: 0 },
  },
  { name: 'header only', body: text('a,b\n'), preview: { records: [] }, import: { records: 0, rejected: 0 } },
  {
    name: 'empty file',
    body: () => Buffer.alloc(0),
    preview: { code: 'EMPTY_FILE' },
    import: { code: 'EMPTY_FILE' },
  },
  {
    name: 'only blank lines',
    body: text('\n\n\n\n'),
    preview: { code: 'EMPTY_FILE' },
    import: { code: 'EMPTY_FILE' },
  },
  // The preview reads a bounded prefix: no whole record fits in it, so it shows none; the import names the row.
  {
    name: 'a giant field (20 MB)',
    body: () => Buffer.from(`a,b\n1,"${'x'.repeat(20 * 1024 * 1024)}"\n2,3\n`),
    preview: { records: [] },
    import: { code: 'ROW_TOO_LARGE' },
  },
  {
    name: 'a million empty columns',
    body: () => Buffer.from(`${','.repeat(1_000_000)}\n`),
    // A header of empty cells: trailing empty cells are not columns, one positional field is left, no data row.
    preview: { records: [] },
    import: { records: 0, rejected: 0 },
  },
  // The preview stops at its own small decompression budget and shows the first rows; the import stops at the ratio.
  {
    name: 'a gzip bomb (256 MB of rows)',
    body: gzipBomb,
    preview: { records: Array.from({ length: 20 }, () => ({ a: 1, b: 2 })) },
    import: { code: 'DECOMPRESSION_LIMIT' },
  },
  {
    name: 'truncated gzip',
    body: () =>
      gzipSync(
        Buffer.from(`a,b\n${Array.from({ length: 50_000 }, (_, i) => `${i},${i * 7}`).join('\n')}\n`),
      ).subarray(0, 60_000),
    preview: { code: 'TRUNCATED_GZIP' },
    import: { code: 'TRUNCATED_GZIP' },
  },
  {
    name: 'corrupt gzip',
    body: () =>
      Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]), Buffer.alloc(4096, 0xa5)]),
    preview: { code: 'CORRUPT_GZIP' },
    import: { code: 'CORRUPT_GZIP' },
  },
  {
    name: 'a PNG image',
    body: () =>
      Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex'), Buffer.alloc(2048, 0)]),
    preview: { code: 'NOT_TEXT' },
    import: { code: 'NOT_TEXT' },
  },
  {
    name: 'an executable (node)',
    body: () => readFileSync(process.execPath).subarray(0, 1024 * 1024),
    preview: { code: 'NOT_TEXT' },
    import: { code: 'NOT_TEXT' },
  },
];

function rssKb(pid: number | undefined): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

describe('hostile and odd CSV files: the right records or a clear code, preview and import agreeing, memory bounded', () => {
  const fixture = new ReliabilityFixture({ IMPORT_CONCURRENCY: '1' });
  let connectionId: string;
  let peakRssKb = 0;
  let sampler: NodeJS.Timeout;

  beforeAll(async () => {
    await fixture.setUp();
    connectionId = await fixture.sigv4Connection();
    sampler = setInterval(() => {
      peakRssKb = Math.max(peakRssKb, rssKb(fixture.importer.pid));
    }, 50);
  }, 180_000);

  afterAll(async () => {
    clearInterval(sampler);
    process.stdout.write(`importer peak RSS over the hostile corpus: ${Math.round(peakRssKb / 1024)} MB\n`);
    await fixture.tearDown();
  });

  it.each(CORPUS.map((entry) => [entry.name, entry]))('should handle %s', async (_name, entry) => {
    const key = `${uniqueName('hostile')}.csv${entry.name.includes('gzip') ? '.gz' : ''}`;
    await fixture.put(key, entry.body());

    const preview = await fixture.datasets.call<{ records?: Record<string, unknown>[] } & ErrorBody>(
      'POST',
      '/api/v1/sources/preview',
      { connection_id: connectionId, location: key },
    );
    const created = await fixture.datasets.call<{ dataset_id: string; import: ImportBody } & ErrorBody>(
      'POST',
      '/api/v1/datasets',
      {
        title: uniqueName('Hostile'),
        source: { connection_id: connectionId, location: key },
      },
    );
    const finished =
      created.status === 201
        ? await fixture.importDone(created.body.dataset_id, created.body.import.import_id)
        : undefined;
    const imported =
      finished?.status === 'succeeded'
        ? await fixture.datasets.call<{ items: Record<string, unknown>[] }>(
            'GET',
            `/api/v1/datasets/${created.body.dataset_id}/records?limit=20`,
          )
        : undefined;

    const previewOutcome =
      preview.status === 200 ? { records: preview.body.records } : { code: preview.body.error?.code };
    const importOutcome =
      finished?.status === 'succeeded'
        ? { records: finished.records, rejected: finished.rejected }
        : { code: finished?.error?.code ?? created.body.error?.code };
    process.stdout.write(
      `${entry.name}: preview ${preview.status} ${JSON.stringify(previewOutcome).slice(0, 300)}; import ${created.status} ${JSON.stringify(importOutcome)}\n`,
    );

    expect({ preview: previewOutcome, import: importOutcome }).toEqual({
      preview: entry.preview,
      import: entry.import,
    });
    expect(preview.status < 500 && created.status < 500).toBe(true);
    if (imported) {
      // Preview and import agree: the import's first records are the preview's.
      expect(imported.body.items).toEqual(preview.body.records);
    }
  });

  it('should keep the importer alive and its memory bounded over the whole corpus', async () => {
    const health = await fetch(`${fixture.importer.baseUrl}/health/ready`);

    expect(health.status).toBe(200);
    expect(peakRssKb > 0 && peakRssKb < 768 * 1024).toBe(true);
  });
});
