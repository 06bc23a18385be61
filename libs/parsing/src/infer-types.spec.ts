import {
  classifyValue,
  inferFieldType,
  InferredType,
  parseDateParts,
  parseIsoDatetime,
  utcMilliseconds,
  ValueKind,
} from './infer-types';

describe('classifyValue', () => {
  it.each<[string, boolean, ValueKind]>([
    ['', false, 'empty'],
    ['  ', false, 'empty'],
    ['42', false, 'int'],
    ['-7', false, 'int'],
    ['-0', false, 'int'],
    ['0', false, 'int'],
    [' 42 ', false, 'int'],
    ['00123', false, 'text'],
    ['+33612345678', false, 'text'],
    ['12345678901234567890', false, 'text'],
    ['3.14', false, 'double'],
    ['-0.5', false, 'double'],
    ['1e5', false, 'double'],
    ['1.5E-3', false, 'double'],
    ['1e999', false, 'text'],
    ['.5', false, 'text'],
    ['NaN', false, 'text'],
    ['Infinity', false, 'text'],
    ['3,14', true, 'double_comma'],
    ['3,14', false, 'text'],
    ['true', false, 'boolean'],
    ['No', false, 'boolean'],
    ['oui', false, 'text'],
    ['2024-02-29', false, 'date'],
    ['2023-02-29', false, 'text'],
    ['31/12/2024', false, 'date'],
    ['12/31/2024', false, 'text'],
    ['2024-01-02T10:20:30Z', false, 'datetime'],
    ['2024-01-02 10:20', false, 'datetime'],
    ['2024-01-02T10:20:30.123+02:00', false, 'datetime'],
    ['2024-01-02T25:00', false, 'text'],
    ['Paris', false, 'text'],
  ])('should classify %j (decimal comma %s) as %s', (value, allowDecimalComma, kind) => {
    expect(classifyValue(value, allowDecimalComma)).toBe(kind);
  });
});

describe('inferFieldType', () => {
  it.each<[string, string[], boolean, InferredType]>([
    ['ints', ['1', '2', '-3', ''], false, { type: 'int' }],
    ['0 and 1', ['0', '1', '1', '0'], false, { type: 'int' }],
    ['ints and decimals', ['1', '2.5', '1e3'], false, { type: 'double', decimalSeparator: '.' }],
    ['comma decimals', ['1', '2,5'], true, { type: 'double', decimalSeparator: ',' }],
    ['mixed decimal separators', ['1.5', '2,5'], true, { type: 'text' }],
    ['postal codes', ['75001', '01000', '13001'], false, { type: 'text' }],
    ['booleans', ['true', 'FALSE', 'yes', 'no'], false, { type: 'boolean' }],
    ['dates', ['2024-01-01', '31/01/2024'], false, { type: 'date' }],
    ['dates and date-times', ['2024-01-01', '2024-01-01T10:00:00Z'], false, { type: 'datetime' }],
    ['only empty values', ['', ' '], false, { type: 'text' }],
    ['numbers and words', ['1', 'n/a'], false, { type: 'text' }],
  ])('should infer %s', (_name, values, allowDecimalComma, expected) => {
    expect(inferFieldType(values, allowDecimalComma)).toEqual(expected);
  });
});

describe('dates', () => {
  it('should read day-first dates as day, month, year', () => {
    expect(parseDateParts('05/04/2024')).toEqual([2024, 4, 5]);
  });

  it('should read a date-time without zone as UTC and apply an offset when there is one', () => {
    expect([parseIsoDatetime('2024-01-02T10:00:00'), parseIsoDatetime('2024-01-02T12:00:00+02:00')]).toEqual([
      Date.UTC(2024, 0, 2, 10),
      Date.UTC(2024, 0, 2, 10),
    ]);
  });

  it('should keep years below 100 as they are', () => {
    expect(new Date(parseIsoDatetime('0050-06-01T00:00:00Z') as number).getUTCFullYear()).toBe(50);
  });

  it.each<[string, number | undefined]>([
    ['2024-02-29T23:59:59Z', Date.UTC(2024, 1, 29, 23, 59, 59)],
    ['2024-02-29 08:30', Date.UTC(2024, 1, 29, 8, 30)],
    ['2024-02-29t08:30:00z', Date.UTC(2024, 1, 29, 8, 30)],
    ['1600-03-01T00:00:00Z', Date.UTC(1600, 2, 1)],
    ['9999-12-31T23:59:59Z', Date.UTC(9999, 11, 31, 23, 59, 59)],
    ['2023-02-29T00:00:00Z', undefined],
    ['2024-01-01T24:00:00Z', undefined],
    ['2024-01-01T12:60', undefined],
    ['2024-01-01T1a:00:00Z', undefined],
    ['2024-01-01X12:00:00Z', undefined],
  ])('should read the common shape %s without the pattern as the pattern would', (value, expected) => {
    expect(parseIsoDatetime(value)).toBe(expected);
  });
});

describe('utcMilliseconds', () => {
  it('should match Date.UTC for years from 100 on, and go below it without the 1900 shift', () => {
    const dates: [number, number, number][] = [
      [1970, 1, 1],
      [2000, 2, 29],
      [1900, 3, 1],
      [100, 1, 1],
      [2400, 12, 31],
    ];
    expect(dates.map(([year, month, day]) => utcMilliseconds(year, month, day, 13, 14, 15, 16))).toEqual(
      dates.map(([year, month, day]) => Date.UTC(year, month - 1, day, 13, 14, 15, 16)),
    );
    expect(new Date(utcMilliseconds(1, 1, 1)).toISOString()).toBe('0001-01-01T00:00:00.000Z');
  });
});
