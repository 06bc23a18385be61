import { buildFieldNames, isValidFieldName, toFieldName } from './field-names';
import { ParsingWarningCode } from './parsing.exception';

describe('toFieldName', () => {
  it.each<[string, string]>([
    ['Évaluation', 'evaluation'],
    ['Date de création', 'date_de_creation'],
    ['  Code   postal ', 'code_postal'],
    ['Prix (€) HT', 'prix_ht'],
    ['Œuvre', 'oeuvre'],
    ['Straße', 'strasse'],
    ['user.name', 'user_name'],
    ['$price', 'price'],
    ['__proto__', 'field_proto'],
    ['constructor', 'field_constructor'],
    ['toString', 'field_tostring'],
    ['_id', 'id'],
    ['2020', 'field_2020'],
    ['1st choice', 'field_1st_choice'],
    ['', 'field_3'],
    ['€€€', 'field_3'],
    ['日本', 'field_3'],
  ])('should name %j as %j', (label, name) => {
    expect(toFieldName(label, 2)).toBe(name);
  });

  it('should cut long labels to 64 characters', () => {
    expect(toFieldName('a'.repeat(100), 0)).toHaveLength(64);
  });
});

describe('buildFieldNames', () => {
  it('should suffix repeated names and warn about them', () => {
    const result = buildFieldNames(['Name', 'name', 'NAME', 'name_2']);

    expect(result.names).toEqual(['name', 'name_3', 'name_4', 'name_2']);
    expect(result.warnings.map((warning) => warning.code)).toEqual([
      ParsingWarningCode.DUPLICATE_HEADER_NAMES,
    ]);
  });

  it('should generate names for empty labels and warn about them', () => {
    const result = buildFieldNames(['a', '', ' ']);

    expect(result.names).toEqual(['a', 'field_2', 'field_3']);
    expect(result.warnings.map((warning) => [warning.code, warning.details])).toEqual([
      [ParsingWarningCode.EMPTY_HEADER_NAMES, { columns: [2, 3] }],
    ]);
  });

  it('should give unique, valid names whatever the labels', () => {
    const labels = ['', 'field_1', 'a', 'a', 'a_2', '__proto__', 'proto', '$', '.', 'constructor'];

    const { names } = buildFieldNames(labels);

    expect(new Set(names).size).toBe(labels.length);
    expect(names.every(isValidFieldName)).toBe(true);
  });
});

describe('isValidFieldName', () => {
  it.each<[string, boolean]>([
    ['population', true],
    ['code_postal_2', true],
    ['__proto__', false],
    ['constructor', false],
    ['a.b', false],
    ['$set', false],
    ['Name', false],
    ['2020', false],
    ['', false],
  ])('should judge %j valid: %s', (name, valid) => {
    expect(isValidFieldName(name)).toBe(valid);
  });
});
