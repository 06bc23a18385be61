import { gzipSync } from 'node:zlib';
import { CastRecord, FieldDefinition } from './cast';
import { FieldType } from './infer-types';
import { ParsingErrorCode } from './parsing.exception';
import { readCsvRecords, ReadCsvRecordsOptions, RecordBatch, resumeRangeStart } from './record-stream';
import { RejectedRow } from './record-builder';
import { resolveSourceConfig, SourceConfigOverrides } from './source-config';
import { encodeText } from './text-decoding';

function fieldsOf(...specs: string[]): FieldDefinition[] {
  return specs.map((spec) => {
    const [name, type] = spec.split(':');
    return { name, label: name, type: type as FieldType };
  });
}

async function* chunked(bytes: Buffer, chunkSize: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    yield bytes.subarray(offset, offset + chunkSize);
  }
}

interface ReadRequest extends Partial<Omit<ReadCsvRecordsOptions, 'sourceConfig'>> {
  config?: SourceConfigOverrides;
  chunkSize?: number;
}

async function readBatches(bytes: Buffer, request: ReadRequest = {}): Promise<RecordBatch[]> {
  const { config, chunkSize, fields, ...options } = request;
  const batches: RecordBatch[] = [];
  for await (const batch of readCsvRecords(chunked(bytes, chunkSize ?? 7), {
    sourceConfig: resolveSourceConfig(config),
    fields: fields ?? fieldsOf('id:int', 'name:text'),
    ...options,
  })) {
    batches.push(batch);
  }
  return batches;
}

const records = (batches: RecordBatch[]): CastRecord[] => batches.flatMap((batch) => batch.records);
const rejected = (batches: RecordBatch[]): RejectedRow[] => batches.flatMap((batch) => batch.rejected);

describe('readCsvRecords', () => {
  it('should cast rows by the fields and batch them with checkpoints', async () => {
    const bytes = Buffer.from('id,name\n1,a\n2,b\n3,c\n4,d\n5,e\n');

    const batches = await readBatches(bytes, { batchSize: 2 });

    expect(batches.map((batch) => [batch.records.length, batch.checkpoint, batch.done])).toEqual([
      [2, { byteOffset: 16, linesRead: 3, rowsRead: 2, rejectedRows: 0 }, false],
      [2, { byteOffset: 24, linesRead: 5, rowsRead: 4, rejectedRows: 0 }, false],
      [1, { byteOffset: 28, linesRead: 6, rowsRead: 5, rejectedRows: 0 }, true],
    ]);
    expect(records(batches)[4]).toEqual({ id: 5, name: 'e' });
    expect(batches[2].objectBytesRead).toBe(bytes.length);
  });

  it('should reject ragged rows with their line and raw text and keep rows with trailing empty fields', async () => {
    const bytes = Buffer.from('id,name\n1,a\n2\n3,c,extra\n4,d,,\n');

    const batches = await readBatches(bytes);

    expect(records(batches)).toEqual([
      { id: 1, name: 'a' },
      { id: 4, name: 'd' },
    ]);
    expect(rejected(batches).map((row) => [row.reason, row.line, row.byteOffset, row.raw])).toEqual([
      [ParsingErrorCode.RAGGED_ROW, 3, 12, '2'],
      [ParsingErrorCode.RAGGED_ROW, 4, 14, '3,c,extra'],
    ]);
    expect(batches[batches.length - 1].checkpoint).toMatchObject({ rowsRead: 4, rejectedRows: 2 });
  });

  it('should reject a value that does not fit its field and name the field', async () => {
    const batches = await readBatches(Buffer.from('id,name\nx1,a\n'));

    expect(rejected(batches).map((row) => [row.reason, row.line, row.field, row.value, row.raw])).toEqual([
      [ParsingErrorCode.INVALID_VALUE, 2, 'id', 'x1', 'x1,a'],
    ]);
  });

  it('should reject a row with bytes that are not valid UTF-8 and keep the others', async () => {
    const bytes = Buffer.concat([
      Buffer.from('id,name\n1,'),
      Buffer.from([0xc9]),
      Buffer.from('vry\n2,ok\n'),
    ]);

    const batches = await readBatches(bytes, { chunkSize: 3 });

    expect(records(batches)).toEqual([{ id: 2, name: 'ok' }]);
    expect(rejected(batches).map((row) => [row.reason, row.line, row.message.includes('offset 10')])).toEqual(
      [[ParsingErrorCode.INVALID_ENCODING, 2, true]],
    );
  });

  it('should reject rows and fields larger than the configured maximum', async () => {
    const bytes = Buffer.from(`id,name\n1,${'x'.repeat(40)}\n2,${'y'.repeat(20)}\n3,ok\n`);

    const batches = await readBatches(bytes, { config: { maxRowBytes: 30, maxFieldBytes: 15 } });

    expect(records(batches)).toEqual([{ id: 3, name: 'ok' }]);
    expect(rejected(batches).map((row) => [row.reason, row.line, row.field])).toEqual([
      [ParsingErrorCode.ROW_TOO_LARGE, 2, undefined],
      [ParsingErrorCode.FIELD_TOO_LARGE, 3, 'name'],
    ]);
  });

  it('should cut the raw line of a rejected row to the configured bound', async () => {
    const batches = await readBatches(Buffer.from(`id,name\nx,${'z'.repeat(100)}\n`), {
      rawLineMaxBytes: 10,
    });

    expect(rejected(batches)[0].raw).toBe('x,zzzzzzzz');
  });

  it('should read the same records from a gzip file', async () => {
    const text = Buffer.from(
      'id,name\n' +
        Array.from({ length: 500 }, (_, index) => `${index},"name ${index}"`).join('\r\n') +
        '\r\n',
    );

    const [plain, compressed] = await Promise.all([
      readBatches(text, { batchSize: 100 }),
      readBatches(gzipSync(text), { batchSize: 100, config: { compression: 'gzip' }, chunkSize: 64 }),
    ]);

    expect(records(compressed)).toEqual(records(plain));
    expect(compressed.map((batch) => batch.checkpoint)).toEqual(plain.map((batch) => batch.checkpoint));
  });

  it('should read UTF-16, Windows-1252 and BOM-prefixed files into the same records', async () => {
    const text = 'id;name\n1;Évry\n2;l’œuvre 5€\n';
    const config = { delimiter: ';' };

    const results = await Promise.all([
      readBatches(encodeText(text, 'utf-8', true), { config }),
      readBatches(encodeText(text, 'utf-16le', true), { config: { ...config, encoding: 'utf-16le' } }),
      readBatches(encodeText(text, 'utf-16be', true), { config: { ...config, encoding: 'utf-16be' } }),
      readBatches(encodeText(text, 'windows-1252'), { config: { ...config, encoding: 'windows-1252' } }),
    ]);

    for (const batches of results) {
      expect(records(batches)).toEqual([
        { id: 1, name: 'Évry' },
        { id: 2, name: 'l’œuvre 5€' },
      ]);
    }
  });

  it('should read files without a header and after skipped lines', async () => {
    const [noHeader, skipped] = await Promise.all([
      readBatches(Buffer.from('1,a\n2,b\n'), { config: { headerRow: false } }),
      readBatches(Buffer.from('Export of 2024\n\nid,name\n1,a\n2,b\n'), { config: { skipRows: 2 } }),
    ]);

    expect(records(noHeader)).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    expect(records(skipped)).toEqual(records(noHeader));
  });

  it('should succeed with one empty final batch when the file has only a header', async () => {
    const batches = await readBatches(Buffer.from('id,name\n'));

    expect(batches).toEqual([
      {
        records: [],
        rejected: [],
        checkpoint: { byteOffset: 8, linesRead: 1, rowsRead: 0, rejectedRows: 0 },
        objectBytesRead: 8,
        done: true,
      },
    ]);
  });

  it.each<[string, Buffer]>([
    ['no byte', Buffer.alloc(0)],
    ['only a BOM', Buffer.from([0xef, 0xbb, 0xbf])],
    ['only blank lines', Buffer.from('\n\r\n\n')],
  ])('should throw EMPTY_FILE when the file has %s', async (_name, bytes) => {
    await expect(readBatches(bytes)).rejects.toMatchObject({ code: ParsingErrorCode.EMPTY_FILE });
  });

  it('should throw UNCLOSED_QUOTE with the line of the row when a quote never closes', async () => {
    await expect(readBatches(Buffer.from('id,name\n1,a\n2,"b\n3,c\n'))).rejects.toMatchObject({
      code: ParsingErrorCode.UNCLOSED_QUOTE,
      details: expect.objectContaining({ line: 3 }),
    });
  });

  it('should throw TOO_MANY_COLUMNS when the header is wider than allowed', async () => {
    await expect(
      readBatches(Buffer.from('a,b,c\n1,2,3\n'), { config: { maxColumns: 2 } }),
    ).rejects.toMatchObject({ code: ParsingErrorCode.TOO_MANY_COLUMNS });
  });

  it('should accept a header with trailing empty cells beyond the fields', async () => {
    const batches = await readBatches(Buffer.from('id,name,,\n1,a\n'));

    expect(records(batches)).toEqual([{ id: 1, name: 'a' }]);
  });

  it('should accept a header with more trailing empty cells than the maximum of columns, as the preview does', async () => {
    const batches = await readBatches(Buffer.from(`id,name${','.repeat(5_000)}\n1,a\n`));

    expect(records(batches)).toEqual([{ id: 1, name: 'a' }]);
  });

  it('should throw INVALID_FIELDS when the header does not match the fields', async () => {
    await expect(readBatches(Buffer.from('id,name,extra\n1,a,b\n'))).rejects.toMatchObject({
      code: ParsingErrorCode.INVALID_FIELDS,
    });
  });

  it('should throw INVALID_FIELDS when a field name is unsafe', async () => {
    await expect(
      readBatches(Buffer.from('a\n1\n'), { fields: fieldsOf('__proto__:int') }),
    ).rejects.toMatchObject({ code: ParsingErrorCode.INVALID_FIELDS });
  });

  it('should throw DECOMPRESSION_LIMIT when a gzip bomb passes the maximum size', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));

    await expect(
      readBatches(bomb, {
        config: { compression: 'gzip', maxDecompressedBytes: 1024 * 1024 },
        chunkSize: 16 * 1024,
      }),
    ).rejects.toMatchObject({
      code: ParsingErrorCode.DECOMPRESSION_LIMIT,
      details: expect.objectContaining({ maxDecompressedBytes: 1024 * 1024 }),
    });
  });

  // The ratio is judged after 8 MiB: parsing them takes a while under Jest's sandbox.
  it('should throw DECOMPRESSION_LIMIT when a gzip bomb passes the maximum ratio', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));

    await expect(
      readBatches(bomb, { config: { compression: 'gzip' }, chunkSize: 16 * 1024 }),
    ).rejects.toMatchObject({
      code: ParsingErrorCode.DECOMPRESSION_LIMIT,
      details: expect.objectContaining({ maxCompressionRatio: 200 }),
    });
  }, 30_000);

  it('should throw TRUNCATED_GZIP when the gzip stream is cut', async () => {
    const compressed = gzipSync(Buffer.from('id,name\n' + '1,a\n'.repeat(1000)));

    await expect(
      readBatches(compressed.subarray(0, compressed.length - 10), { config: { compression: 'gzip' } }),
    ).rejects.toMatchObject({ code: ParsingErrorCode.TRUNCATED_GZIP });
  });

  it('should throw REJECTION_THRESHOLD_EXCEEDED when too many rows are rejected', async () => {
    const bytes = Buffer.from('id,name\n1,a\nx,b\ny,c\n4,d\n');

    await expect(
      readBatches(bytes, { rejectionThreshold: { maxRejectedRatio: 0.25 } }),
    ).rejects.toMatchObject({
      code: ParsingErrorCode.REJECTION_THRESHOLD_EXCEEDED,
      details: expect.objectContaining({
        rowsRead: 4,
        rejectedRows: 2,
        rejectedByReason: { INVALID_VALUE: 2 },
      }),
    });
  });

  it('should stop iterating without error when the consumer breaks out early', async () => {
    const bytes = Buffer.from('id,name\n' + '1,a\n'.repeat(100));
    let seen = 0;

    for await (const batch of readCsvRecords(chunked(gzipSync(bytes), 10), {
      sourceConfig: resolveSourceConfig({ compression: 'gzip' }),
      fields: fieldsOf('id:int', 'name:text'),
      batchSize: 10,
    })) {
      seen += batch.records.length;
      break;
    }

    expect(seen).toBe(10);
  });
});

describe('readCsvRecords resume', () => {
  const text =
    '\ufeffTitle line\r\nid;name\r\n' +
    Array.from({ length: 40 }, (_, index) =>
      index === 7
        ? 'bad;row;x\r\n'
        : index === 12
          ? '\r\n'
          : index === 20
            ? `${index};"multi\r\nline; ""quoted"""\r\n`
            : `${index};Évry ${index}\r\n`,
    ).join('');
  const config = { delimiter: ';', skipRows: 1 };

  it.each<[string, SourceConfigOverrides, (text: string) => Buffer]>([
    ['an uncompressed UTF-8 file', {}, (value) => Buffer.from(value)],
    ['a gzip file', { compression: 'gzip' }, (value) => gzipSync(Buffer.from(value))],
    [
      'a UTF-16 BE file',
      { encoding: 'utf-16be' },
      (value) => encodeText(value.replace('\ufeff', ''), 'utf-16be', true),
    ],
    [
      'a Windows-1252 file',
      { encoding: 'windows-1252' },
      (value) => encodeText(value.replace('\ufeff', ''), 'windows-1252'),
    ],
  ])(
    'should give exactly the remaining rows after each checkpoint of %s',
    async (_name, overrides, encode) => {
      const bytes = encode(text);
      const request = { config: { ...config, ...overrides }, batchSize: 6, chunkSize: 11 };
      const full = await readBatches(bytes, request);

      for (let index = 0; index < full.length - 1; index++) {
        const checkpoint = full[index].checkpoint;
        const start = resumeRangeStart(resolveSourceConfig(request.config), checkpoint);
        const resumed = await readBatches(bytes.subarray(start), { ...request, resumeFrom: checkpoint });

        const before = full.slice(0, index + 1);
        expect([...records(before), ...records(resumed)]).toEqual(records(full));
        expect([...rejected(before), ...rejected(resumed)]).toEqual(rejected(full));
        expect(resumed[resumed.length - 1].checkpoint).toEqual(full[full.length - 1].checkpoint);
      }
      expect(records(full)).toHaveLength(38);
      expect(rejected(full).map((row) => [row.line, row.raw])).toEqual([[10, 'bad;row;x']]);
      expect(records(full).find((record) => record.id === 20)).toEqual({
        id: 20,
        name: 'multi\r\nline; "quoted"',
      });
    },
  );
});
