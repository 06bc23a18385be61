import { ParsingErrorCode } from './parsing.exception';
import {
  DEFAULT_SOURCE_CONFIG,
  normalizeEncoding,
  resolveSourceConfig,
  SourceConfigOverrides,
  SourceEncoding,
} from './source-config';

describe('normalizeEncoding', () => {
  it.each<[string, SourceEncoding | undefined]>([
    ['UTF8', 'utf-8'],
    ['utf-8-sig', 'utf-8'],
    ['UTF-16', 'utf-16le'],
    ['utf_16_be', 'utf-16be'],
    ['latin1', 'iso-8859-1'],
    ['CP1252', 'windows-1252'],
    ['shift-jis', undefined],
  ])('should read %j as %s', (name, encoding) => {
    expect(normalizeEncoding(name)).toBe(encoding);
  });
});

describe('resolveSourceConfig', () => {
  it('should fill the defaults when nothing is given', () => {
    expect(resolveSourceConfig()).toEqual(DEFAULT_SOURCE_CONFIG);
  });

  it('should keep given options and ignore undefined ones', () => {
    const config = resolveSourceConfig({
      delimiter: ';',
      quoteChar: null,
      encoding: 'Latin-1',
      skipRows: undefined,
    });

    expect([config.delimiter, config.quoteChar, config.encoding, config.skipRows]).toEqual([
      ';',
      null,
      'iso-8859-1',
      0,
    ]);
  });

  it.each<[string, SourceConfigOverrides]>([
    ['an empty delimiter', { delimiter: '' }],
    ['a delimiter with a line break', { delimiter: '\r' }],
    ['a two-character quote', { quoteChar: '""' }],
    ['a quote equal to the delimiter', { delimiter: "'", quoteChar: "'" }],
    ['a negative skip', { skipRows: -1 }],
    ['a fractional column limit', { maxColumns: 1.5 }],
    ['an unknown compression', { compression: 'bzip2' as never }],
    ['an unknown encoding', { encoding: 'klingon' }],
    ['a non-boolean header flag', { headerRow: 'yes' as never }],
  ])('should refuse %s with INVALID_CONFIG', (_name, overrides) => {
    expect(() => resolveSourceConfig(overrides)).toThrow(
      expect.objectContaining({ code: ParsingErrorCode.INVALID_CONFIG }),
    );
  });
});
