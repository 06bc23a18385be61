import {
  classifyValue,
  inferFieldType,
  InferredType,
  parseDateParts,
  parseIsoDatetime,
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
});
