import { CsvRowReader, RowReaderOptions } from './csv-row-reader';
import { ParsingErrorCode } from './parsing.exception';
import { resolveSourceConfig, SourceConfigOverrides, SourceEncoding } from './source-config';
import { encodeText } from './text-decoding';

interface SeenRow {
  values: string[];
  start: number;
  end: number;
  line: number;
  invalid: number;
  raw: string;
}

function readRows(
  bytes: Buffer,
  overrides: SourceConfigOverrides = {},
  chunkSize = bytes.length || 1,
  options: RowReaderOptions = {},
) {
  const rows: SeenRow[] = [];
  const reader = new CsvRowReader(
    resolveSourceConfig(overrides),
    {
      onRow(values, current) {
        rows.push({
          values,
          start: current.rowStart,
          end: current.rowEnd,
          line: current.rowLine,
          invalid: current.rowInvalidByteOffset,
          raw: current.rawRow(100),
        });
      },
    },
    options,
  );
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    reader.write(bytes.subarray(offset, offset + chunkSize));
  }
  reader.end();
  return { rows, reader };
}

describe('CsvRowReader', () => {
  it('should report for each row the byte range and the line where it starts when rows are plain', () => {
    const bytes = Buffer.from('a,b\n1,2\n33,44\n');

    const { rows, reader } = readRows(bytes);

    expect(rows.map((row) => [row.values, row.start, row.end, row.line])).toEqual([
      [['a', 'b'], 0, 4, 1],
      [['1', '2'], 4, 8, 2],
      [['33', '44'], 8, 14, 3],
    ]);
    expect(reader.nextRowOffset).toBe(14);
    expect(reader.linesRead).toBe(3);
  });

  it('should give the same rows and offsets whatever the chunking when fields hold quotes, delimiters and line breaks', () => {
    const bytes = Buffer.from('id,text\r\n1,"a, ""quoted""\r\nvalue"\r\n2,é\r\n\r\n3,"x"\r\n');
    const expected = readRows(bytes).rows;

    const results = [1, 2, 3, 5, 7].map((chunkSize) => readRows(bytes, {}, chunkSize).rows);

    expect(expected.map((row) => row.values)).toEqual([
      ['id', 'text'],
      ['1', 'a, "quoted"\r\nvalue'],
      ['2', 'é'],
      ['3', 'x'],
    ]);
    expect(expected.map((row) => row.line)).toEqual([1, 2, 4, 6]);
    for (const rows of results) {
      expect(rows).toEqual(expected);
    }
  });

  it('should decode every field as Node decodes its bytes when fields outgrow the parser buffer, in each encoding', () => {
    // csv-parse's field buffer starts at 20 bytes and doubles: fields of 1…300 characters cross each size.
    const values = [1, 19, 20, 21, 41, 83, 300].map((length) => 'aé€ü'.repeat(length).slice(0, length));
    const text = `${values.join(';')}\n${[...values].reverse().join(';')}\n`;
    const latin1 = text.replace(/€/g, 'e');

    const cases: [SourceEncoding, string][] = [
      ['utf-8', text],
      ['iso-8859-1', latin1],
      ['utf-16le', text],
    ];
    for (const [encoding, source] of cases) {
      const { rows } = readRows(encodeText(source, encoding, false), { encoding, delimiter: ';' }, 7);

      expect(rows.map((row) => row.values)).toEqual(
        source
          .split('\n')
          .filter(Boolean)
          .map((line) => line.split(';')),
      );
    }
  });

  it('should skip a BOM and the configured lines when reading from the start', () => {
    const bytes = Buffer.from('\ufeffTitle of the file\r\n\r\na;b\r\n1;2\r\n');

    const { rows } = readRows(bytes, { delimiter: ';', skipRows: 2 }, 2);

    expect(rows.map((row) => [row.values, row.start, row.line])).toEqual([
      [['a', 'b'], 24, 3],
      [['1', '2'], 29, 4],
    ]);
  });

  it('should read UTF-16 BE with exact byte offsets when the input is byte-swapped internally', () => {
    const bytes = encodeText('a;é\n1;2\n', 'utf-16be', true);

    const { rows } = readRows(bytes, { encoding: 'utf-16be', delimiter: ';' }, 3);

    expect(rows.map((row) => [row.values, row.start, row.end, row.raw])).toEqual([
      [['a', 'é'], 2, 10, 'a;é'],
      [['1', '2'], 10, 18, '1;2'],
    ]);
  });

  it('should leave the bytes of the caller untouched when it swaps UTF-16 BE', () => {
    const bytes = encodeText('a;b\n1;2\n', 'utf-16be');
    const copy = Buffer.from(bytes);

    readRows(bytes, { encoding: 'utf-16be', delimiter: ';' }, 3);

    expect(bytes.equals(copy)).toBe(true);
  });

  it('should accept LF, CRLF and CR line endings in the same file', () => {
    const { rows } = readRows(Buffer.from('a,b\r\n1,2\n3,4\r5,6'));

    expect(rows.map((row) => [row.values, row.line])).toEqual([
      [['a', 'b'], 1],
      [['1', '2'], 2],
      [['3', '4'], 3],
      [['5', '6'], 4],
    ]);
  });

  it('should start at a row boundary and keep file line numbers when resuming', () => {
    const bytes = Buffer.from('a,b\n1,2\n3,4\n');

    const { rows } = readRows(bytes.subarray(8), {}, 2, { resumeFrom: { byteOffset: 8, linesRead: 2 } });

    expect(rows.map((row) => [row.values, row.start, row.end, row.line])).toEqual([[['3', '4'], 8, 12, 3]]);
  });

  it('should discard the bytes before the resume offset when the input starts at 0', () => {
    const bytes = Buffer.from('a,b\n1,2\n3,4\n');

    const { rows } = readRows(bytes, {}, 3, { resumeFrom: { byteOffset: 4, linesRead: 1 }, inputOffset: 0 });

    expect(rows.map((row) => row.values)).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('should mark the first invalid UTF-8 byte of a row when a sequence is broken across chunks', () => {
    const bytes = Buffer.concat([
      Buffer.from('a,b\n1,'),
      Buffer.from([0xc3]),
      Buffer.from('x\n2,'),
      Buffer.from([0xc3, 0xa9]),
      Buffer.from('\n'),
    ]);

    const results = [1, 2, 4, 100].map((chunkSize) =>
      readRows(bytes, {}, chunkSize).rows.map((row) => row.invalid),
    );

    for (const invalid of results) {
      expect(invalid).toEqual([-1, 6, -1]);
    }
  });

  it('should drop rows made only of empty fields when a spreadsheet pads the file', () => {
    const { rows, reader } = readRows(Buffer.from('a,b\n1,2\n,\n,\n'));

    expect(rows.map((row) => row.values)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(reader.blankRows).toBe(2);
  });

  it('should keep a header row whose cells are all empty, so the data rows under it are not lost', () => {
    const { rows, reader } = readRows(Buffer.from(',,\n1,2,3\n,,\n'));

    expect(rows.map((row) => row.values)).toEqual([
      ['', '', ''],
      ['1', '2', '3'],
    ]);
    expect(reader.blankRows).toBe(1);
  });

  it('should throw UNCLOSED_QUOTE with the line where the row starts when a quote never closes', () => {
    expect(() => readRows(Buffer.from('a,b\n1,2\n3,"open\nmore\n'))).toThrow(
      expect.objectContaining({
        code: ParsingErrorCode.UNCLOSED_QUOTE,
        details: expect.objectContaining({ line: 3, byteOffset: 8 }),
      }),
    );
  });

  it('should throw ROW_TOO_LARGE when a row outgrows the hard limit', () => {
    const bytes = Buffer.from(`a\n"${'x'.repeat(500)}`);

    expect(() => readRows(bytes, { maxRowBytes: 100 }, 64)).toThrow(
      expect.objectContaining({
        code: ParsingErrorCode.ROW_TOO_LARGE,
        details: expect.objectContaining({ line: 2 }),
      }),
    );
  });

  it('should cut the raw row on a character boundary when it is longer than asked', () => {
    const raws: string[] = [];
    const reader = new CsvRowReader(resolveSourceConfig(), {
      onRow: (_values, current) => raws.push(current.rawRow(4)),
    });

    reader.write(Buffer.from('éé,éé\n'));
    reader.end();

    expect(raws).toEqual(['éé']);
  });
});
