import { scanSampleRecords, sniffDialect } from './sniff-dialect';

const rows = (delimiter: string): string =>
  [
    ['id', 'name', 'price', 'date'],
    ['1', 'Apple', '1.5', '2024-01-01'],
    ['2', 'Pear', '2.25', '2024-01-02'],
    ['3', 'Fig', '3', '2024-01-03'],
    ['4', 'Kiwi', '0.5', '2024-01-04'],
    ['5', 'Plum', '1', '2024-01-05'],
  ]
    .map((row) => row.join(delimiter))
    .join('\n') + '\n';

describe('sniffDialect', () => {
  it.each<[string, string]>([
    ['comma', ','],
    ['semicolon', ';'],
    ['tab', '\t'],
    ['pipe', '|'],
  ])('should detect the %s delimiter', (_name, delimiter) => {
    const detection = sniffDialect(rows(delimiter), { truncated: false });

    expect([detection.delimiter.value, detection.delimiter.confidence, detection.headerRow.value]).toEqual([
      delimiter,
      1,
      true,
    ]);
  });

  it('should prefer the semicolon when commas are decimal separators', () => {
    const text = 'Commune;Surface;Population\nÉvry;8,33;53000\nLyon;47,87;522000\nNice;71,92;342000\n';

    expect(sniffDialect(text, { truncated: false }).delimiter.value).toBe(';');
  });

  it('should not count delimiters inside quoted fields', () => {
    const text = 'name;comment\n"Doe, John";"a; b, c"\n"Roe, Jane";"d"\n"X";"y, ""z"""\n';

    const detection = sniffDialect(text, { truncated: false });

    expect([detection.delimiter.value, detection.quoteChar.value, detection.escapeChar.value]).toEqual([
      ';',
      '"',
      '"',
    ]);
  });

  it('should detect single quotes when they make the rows consistent', () => {
    const text = "id,text\n1,'a, b'\n2,'c, d, e'\n3,'f'\n4,'g, h'\n";

    expect(sniffDialect(text, { truncated: false }).quoteChar.value).toBe("'");
  });

  it('should detect backslash escapes', () => {
    const text = 'id,text\n1,"say \\"hi\\" now"\n2,"x"\n';

    expect(sniffDialect(text, { truncated: false }).escapeChar.value).toBe('\\');
  });

  it('should detect no header when the first row has the types of the data', () => {
    const text = '1,Apple,1.5\n2,Pear,2.25\n3,Fig,3\n';

    const detection = sniffDialect(text, { truncated: false });

    expect([detection.headerRow.value, detection.headerRow.confidence]).toEqual([false, 0.9]);
  });

  it('should assume a header with low confidence when every column is text', () => {
    const detection = sniffDialect('name,city\nAlice,Paris\nBob,Lyon\n', { truncated: false });

    expect([detection.headerRow.value, detection.headerRow.confidence]).toEqual([true, 0.6]);
  });

  it('should skip title and blank lines before the header', () => {
    const text = 'Population légale 2021\nSource: INSEE\n\n' + rows(';');

    const detection = sniffDialect(text, { truncated: false });

    expect([detection.skipRows.value, detection.delimiter.value, detection.headerRow.value]).toEqual([
      3,
      ';',
      true,
    ]);
  });

  it('should keep a header that has one more delimiter than the data rows', () => {
    const text = 'a,b,c,\n1,2,3\n4,5,6\n7,8,9\n';

    expect(sniffDialect(text, { truncated: false }).skipRows.value).toBe(0);
  });

  it('should fall back to a single comma-separated column with low confidence when nothing splits the lines', () => {
    const detection = sniffDialect('name\nAlice\nBob\n', { truncated: false });

    expect([detection.delimiter.value, detection.delimiter.confidence]).toEqual([',', 0.3]);
  });

  it('should ignore the last line of a truncated sample', () => {
    const text = 'a;b;c\n1;2;3\n4;5;6\n7;8';

    expect(sniffDialect(text, { truncated: true }).delimiter.confidence).toBe(0.8);
  });

  it('should detect around the options the user imposed', () => {
    const detection = sniffDialect(rows('|'), {
      truncated: false,
      imposed: { delimiter: '|', headerRow: false },
    });

    expect([detection.delimiter, detection.headerRow.value, detection.headerRow.detected]).toEqual([
      { value: '|', detected: false, confidence: 1, reason: 'override' },
      false,
      false,
    ]);
  });
});

describe('scanSampleRecords', () => {
  it('should keep line breaks inside quoted fields and report where each record starts', () => {
    const records = scanSampleRecords('a,b\n1,"x\ny"\n\n2,z\n', ',', '"', '"');

    expect(records.map((record) => [record.fields, record.line, record.blank])).toEqual([
      [['a', 'b'], 0, false],
      [['1', 'x\ny'], 1, false],
      [[''], 3, true],
      [['2', 'z'], 4, false],
    ]);
  });

  it('should treat a quote inside an unquoted field as a literal character', () => {
    expect(scanSampleRecords('5" pipe,2\n', ',', '"', '"')[0].fields).toEqual(['5" pipe', '2']);
  });

  it('should flag a record whose quote never closes', () => {
    expect(scanSampleRecords('1,"open\n2,3\n', ',', '"', '"')[0].unclosed).toBe(true);
  });
});
