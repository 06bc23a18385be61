import { gzipSync } from 'node:zlib';
import { ParsingErrorCode, ParsingWarningCode } from './parsing.exception';
import { previewCsv, PreviewOptions } from './preview';
import { SourceEncoding } from './source-config';
import { encodeText } from './text-decoding';

const FRENCH =
  'Commune;Code postal;Population;Date de création;Surface\r\n' +
  'Évry-Courcouronnes;91000;66700;01/01/2019;17,3\r\n' +
  'Besançon;25000;117000;1790-01-01;65,05\r\n' +
  'Alençon;61000;25800;1790-01-01;10,7\r\n' +
  'Ajaccio;20000;73000;1790-01-01;82,03\r\n' +
  'Bourg-en-Bresse;01000;41000;1790-01-01;23,86\r\n';

function preview(bytes: Buffer, options: Partial<PreviewOptions> = {}) {
  return previewCsv(bytes, { objectSize: bytes.length, ...options });
}

function numberedRows(count: number): string {
  return (
    'id,name\n' +
    Array.from({ length: count }, (_, index) => `${index + 1},name ${index + 1}`).join('\n') +
    '\n'
  );
}

describe('previewCsv', () => {
  it('should detect a semicolon-separated Windows-1252 French file and type its columns', async () => {
    const result = await preview(encodeText(FRENCH, 'windows-1252'));

    expect([
      result.config.encoding,
      result.config.delimiter,
      result.config.headerRow,
      result.config.skipRows,
    ]).toEqual(['windows-1252', ';', true, 0]);
    expect(result.detection.encoding).toMatchObject({ detected: true, confidence: 0.9 });
    expect(result.fields).toEqual([
      { name: 'commune', label: 'Commune', type: 'text' },
      { name: 'code_postal', label: 'Code postal', type: 'text' },
      { name: 'population', label: 'Population', type: 'int' },
      { name: 'date_de_creation', label: 'Date de création', type: 'date' },
      { name: 'surface', label: 'Surface', type: 'double', decimalSeparator: ',' },
    ]);
    expect(result.records[1]).toEqual({
      commune: 'Besançon',
      code_postal: '25000',
      population: 117000,
      date_de_creation: '1790-01-01',
      surface: 65.05,
    });
    expect(result.records[4]).toMatchObject({ commune: 'Bourg-en-Bresse', code_postal: '01000' });
    expect([result.records.length, result.complete, result.needMoreBytes, result.warnings]).toEqual([
      5,
      true,
      false,
      [],
    ]);
  });

  it.each<[string, SourceEncoding, boolean]>([
    ['UTF-8', 'utf-8', false],
    ['UTF-8 with BOM', 'utf-8', true],
    ['UTF-16 LE with BOM', 'utf-16le', true],
    ['UTF-16 BE with BOM', 'utf-16be', true],
    ['ISO-8859-1', 'iso-8859-1', false],
  ])('should give the same fields and records for %s', async (_name, encoding, bom) => {
    const result = await preview(encodeText(FRENCH, encoding, bom));

    expect(result.detection.encoding.bom).toBe(bom);
    expect(result.fields.map((field) => field.name)).toEqual([
      'commune',
      'code_postal',
      'population',
      'date_de_creation',
      'surface',
    ]);
    expect(result.records.map((record) => record.commune)).toEqual([
      'Évry-Courcouronnes',
      'Besançon',
      'Alençon',
      'Ajaccio',
      'Bourg-en-Bresse',
    ]);
  });

  it('should preview a gzip file and report the compression', async () => {
    const result = await preview(gzipSync(Buffer.from(numberedRows(30))));

    expect([
      result.config.compression,
      result.detection.compression.confidence,
      result.records.length,
      result.records[19],
    ]).toEqual(['gzip', 1, 20, { id: 20, name: 'name 20' }]);
  });

  it('should preview the beginning of a gzip object from a prefix and ask for more bytes when it is short', async () => {
    const compressed = gzipSync(Buffer.from(numberedRows(20000)), { level: 1 });

    const result = await previewCsv(compressed.subarray(0, 100), { objectSize: compressed.length });

    expect(result.records.length).toBeLessThan(20);
    expect(result.needMoreBytes).toBe(true);
  });

  it('should show the first 20 records and where they end when the file is longer', async () => {
    const bytes = Buffer.from(numberedRows(100));

    const result = await preview(bytes);

    expect([result.records.length, result.complete, result.needMoreBytes, result.bytesUsed]).toEqual([
      20,
      false,
      false,
      bytes.indexOf('21,name 21'),
    ]);
  });

  it('should drop a row cut by the end of the prefix and ask for more bytes', async () => {
    const bytes = Buffer.from(numberedRows(100));
    const cut = bytes.indexOf('6,name 6') + 4;

    const result = await previewCsv(bytes.subarray(0, cut), { objectSize: bytes.length });

    expect(result.records).toEqual([1, 2, 3, 4, 5].map((id) => ({ id, name: `name ${id}` })));
    expect([result.bytesUsed, result.complete, result.needMoreBytes]).toEqual([
      bytes.indexOf('6,name 6'),
      false,
      true,
    ]);
  });

  it('should keep delimiters and line breaks inside quoted fields', async () => {
    const bytes = Buffer.from('id,comment\n1,"a, b\nand ""c"""\n2,plain\n');

    const result = await preview(bytes);

    expect(result.records).toEqual([
      { id: 1, comment: 'a, b\nand "c"' },
      { id: 2, comment: 'plain' },
    ]);
  });

  it('should infer types from more rows than it shows', async () => {
    const rows = Array.from({ length: 60 }, (_, index) => `${index},${index < 30 ? '' : index * 1.5}`).join(
      '\n',
    );

    const result = await preview(Buffer.from(`id,score\n${rows}\n`));

    expect(result.fields.map((field) => field.type)).toEqual(['int', 'double']);
  });

  it('should skip title lines before the header', async () => {
    const result = await preview(Buffer.from('Export des communes\n\n' + numberedRows(3)));

    expect([result.config.skipRows, result.fields.map((field) => field.name), result.records.length]).toEqual(
      [2, ['id', 'name'], 3],
    );
  });

  it('should apply every override and reflect it in the config and detection', async () => {
    const bytes = encodeText(FRENCH, 'windows-1252');

    const result = await preview(bytes, {
      overrides: { headerRow: false, encoding: 'latin1' },
      fieldOverrides: [{ name: 'ville' }, { type: 'int' }],
    });

    expect([
      result.config.encoding,
      result.config.headerRow,
      result.detection.headerRow.detected,
      result.detection.encoding.detected,
    ]).toEqual(['iso-8859-1', false, false, false]);
    expect(result.fields.slice(0, 3)).toEqual([
      { name: 'ville', label: 'Column 1', type: 'text' },
      { name: 'column_2', label: 'Column 2', type: 'int' },
      { name: 'column_3', label: 'Column 3', type: 'text' },
    ]);
    expect(result.rejected.map((row) => [row.reason, row.line, row.field])).toEqual([
      [ParsingErrorCode.INVALID_VALUE, 1, 'column_2'],
      [ParsingErrorCode.INVALID_VALUE, 6, 'column_2'],
    ]);
    expect(result.records).toHaveLength(4);
  });

  it('should parse with an imposed delimiter even when another one fits better', async () => {
    const result = await preview(Buffer.from('a;b\n1;2\n'), { overrides: { delimiter: ',' } });

    expect([result.config.delimiter, result.fields.map((field) => field.name), result.records]).toEqual([
      ',',
      ['a_b'],
      [{ a_b: '1;2' }],
    ]);
  });

  it('should list ragged rows and rows with invalid bytes among the rejected ones', async () => {
    const bytes = Buffer.concat([
      Buffer.from('id,name\n1,a\n2\n3,'),
      Buffer.from([0xe9]),
      Buffer.from('\n4,d\n'),
    ]);

    const result = await preview(bytes, { overrides: { encoding: 'utf-8' } });

    expect(result.records).toEqual([
      { id: 1, name: 'a' },
      { id: 4, name: 'd' },
    ]);
    expect(result.rejected.map((row) => [row.reason, row.line, row.raw])).toEqual([
      [ParsingErrorCode.RAGGED_ROW, 3, '2'],
      [ParsingErrorCode.INVALID_ENCODING, 4, '3,\ufffd'],
    ]);
  });

  it('should ignore trailing empty header cells that no data row fills', async () => {
    const result = await preview(Buffer.from('id;name;\n1;a\n2;b\n'));

    expect([result.fields.map((field) => field.name), result.records.length, result.rejected]).toEqual([
      ['id', 'name'],
      2,
      [],
    ]);
  });

  it('should warn about generated and repeated header names', async () => {
    const result = await preview(Buffer.from('Name,,name,Évaluation\nA,1,B,2\n'));

    expect(result.fields.map((field) => field.name)).toEqual(['name', 'field_2', 'name_2', 'evaluation']);
    expect(result.warnings.map((warning) => warning.code)).toEqual([
      ParsingWarningCode.EMPTY_HEADER_NAMES,
      ParsingWarningCode.DUPLICATE_HEADER_NAMES,
    ]);
  });

  it('should return no record and a NO_RECORDS warning when the file has only a header', async () => {
    const result = await preview(Buffer.from('id,name\n'));

    expect([result.records, result.fields.map((field) => field.name), result.complete]).toEqual([
      [],
      ['id', 'name'],
      true,
    ]);
    expect(result.warnings.map((warning) => warning.code)).toContain(ParsingWarningCode.NO_RECORDS);
  });

  it('should warn when a quoted field stays open for a long way at the end of the prefix', async () => {
    const bytes = Buffer.from(`id,text\n1,a\n2,"${'x'.repeat(100_000)}`);

    const result = await previewCsv(bytes, { objectSize: bytes.length * 2 });

    expect(result.warnings.map((warning) => warning.code)).toContain(
      ParsingWarningCode.POSSIBLE_UNCLOSED_QUOTE,
    );
    expect(result.needMoreBytes).toBe(true);
  });

  it.each<[string, Buffer, ParsingErrorCode, Partial<PreviewOptions>]>([
    ['an empty prefix', Buffer.alloc(0), ParsingErrorCode.EMPTY_FILE, {}],
    ['only blank lines', Buffer.from('\r\n\r\n  \n'), ParsingErrorCode.EMPTY_FILE, {}],
    ['only a BOM', Buffer.from([0xef, 0xbb, 0xbf]), ParsingErrorCode.EMPTY_FILE, {}],
    [
      'a PNG image',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      ParsingErrorCode.NOT_TEXT,
      {},
    ],
    ['a zip archive', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), ParsingErrorCode.NOT_TEXT, {}],
    ['NUL bytes', Buffer.from('a,b\n1,\u00002\n'), ParsingErrorCode.NOT_TEXT, {}],
    ['a gzipped PDF', gzipSync(Buffer.from('%PDF-1.4\n...')), ParsingErrorCode.NOT_TEXT, {}],
    ['a quote that never closes', Buffer.from('id,name\n1,"a\n2,b\n'), ParsingErrorCode.UNCLOSED_QUOTE, {}],
    [
      'too many columns',
      Buffer.from('a,b,c\n1,2,3\n'),
      ParsingErrorCode.TOO_MANY_COLUMNS,
      { overrides: { maxColumns: 2 } },
    ],
    [
      'an unknown encoding',
      Buffer.from('a\n1\n'),
      ParsingErrorCode.INVALID_CONFIG,
      { overrides: { encoding: 'ebcdic' } },
    ],
    [
      'a line break as delimiter',
      Buffer.from('a\n1\n'),
      ParsingErrorCode.INVALID_CONFIG,
      { overrides: { delimiter: '\n' } },
    ],
    [
      'an unsafe field name',
      Buffer.from('a\n1\n'),
      ParsingErrorCode.INVALID_FIELDS,
      { fieldOverrides: [{ name: '$where' }] },
    ],
  ])('should refuse %s', async (_name, bytes, code, options) => {
    await expect(preview(bytes, options)).rejects.toMatchObject({ code });
  });

  it('should refuse a truncated gzip object with TRUNCATED_GZIP', async () => {
    const compressed = gzipSync(Buffer.from(numberedRows(100)));
    const truncated = compressed.subarray(0, compressed.length - 8);

    await expect(preview(truncated)).rejects.toMatchObject({ code: ParsingErrorCode.TRUNCATED_GZIP });
  });

  it('should refuse a gzip bomb with DECOMPRESSION_LIMIT', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));

    await expect(preview(bomb, { overrides: { maxDecompressedBytes: 1024 * 1024 } })).rejects.toMatchObject({
      code: ParsingErrorCode.DECOMPRESSION_LIMIT,
    });
  });
});
