import { castValue, CastValue, createCaster, CAST_FAILED, FieldDefinition } from './cast';

type CastCase = [string, Pick<FieldDefinition, 'type' | 'decimalSeparator'>, string, CastValue | 'FAILED'];

describe('castValue', () => {
  it.each<CastCase>([
    ['text', { type: 'text' }, 'Évry', 'Évry'],
    ['empty text', { type: 'text' }, '', null],
    ['text with spaces', { type: 'text' }, '  a ', '  a '],
    ['int', { type: 'int' }, '42', 42],
    ['int with spaces', { type: 'int' }, ' 42 ', 42],
    ['negative zero', { type: 'int' }, '-0', 0],
    ['empty int', { type: 'int' }, '', null],
    ['blank int', { type: 'int' }, '   ', null],
    ['int with leading zeros', { type: 'int' }, '00123', 'FAILED'],
    ['int with a plus', { type: 'int' }, '+5', 'FAILED'],
    ['decimal as int', { type: 'int' }, '1.5', 'FAILED'],
    ['unsafe int', { type: 'int' }, '9007199254740993', 'FAILED'],
    ['largest safe int', { type: 'int' }, '9007199254740991', 9007199254740991],
    ['double', { type: 'double' }, '3.14', 3.14],
    ['double exponent', { type: 'double' }, '1e5', 100000],
    ['double from int', { type: 'double' }, '7', 7],
    ['double negative zero', { type: 'double' }, '-0.0', 0],
    ['NaN', { type: 'double' }, 'NaN', 'FAILED'],
    ['Infinity', { type: 'double' }, 'Infinity', 'FAILED'],
    ['overflow', { type: 'double' }, '1e999', 'FAILED'],
    ['comma decimal', { type: 'double', decimalSeparator: ',' }, '3,14', 3.14],
    ['dot in a comma field', { type: 'double', decimalSeparator: ',' }, '3.14', 'FAILED'],
    ['true', { type: 'boolean' }, 'true', true],
    ['Yes', { type: 'boolean' }, 'Yes', true],
    ['1', { type: 'boolean' }, '1', true],
    ['NO', { type: 'boolean' }, 'NO', false],
    ['0', { type: 'boolean' }, '0', false],
    ['maybe', { type: 'boolean' }, 'maybe', 'FAILED'],
    ['ISO date', { type: 'date' }, '2024-02-29', '2024-02-29'],
    ['day-first date', { type: 'date' }, '05/04/2024', '2024-04-05'],
    ['impossible date', { type: 'date' }, '2023-02-29', 'FAILED'],
    ['date-time as date', { type: 'date' }, '2024-01-01T00:00:00Z', 'FAILED'],
    [
      'datetime',
      { type: 'datetime' },
      '2024-01-02T10:20:30.5Z',
      new Date(Date.UTC(2024, 0, 2, 10, 20, 30, 500)),
    ],
    [
      'datetime with offset',
      { type: 'datetime' },
      '2024-01-02T12:00:00+02:00',
      new Date(Date.UTC(2024, 0, 2, 10)),
    ],
    ['date as datetime', { type: 'datetime' }, '31/12/2024', new Date(Date.UTC(2024, 11, 31))],
    ['invalid datetime', { type: 'datetime' }, '2024-13-01T00:00:00', 'FAILED'],
  ])('should cast %s', (_name, field, value, expected) => {
    const result = castValue(value, field);

    expect(result.ok ? result.value : 'FAILED').toEqual(expected);
  });

  it('should repair Windows-1252 characters that the parser decoded as latin1', () => {
    const caster = createCaster({ type: 'text' }, 'windows-1252');

    expect(caster(Buffer.from([0x80, 0x20, 0x92, 0x9c, 0xe9]).toString('latin1'))).toBe('€ ’œé');
  });

  it('should return the CAST_FAILED symbol rather than throw when a value does not fit', () => {
    expect(createCaster({ type: 'int' })('abc')).toBe(CAST_FAILED);
  });
});
