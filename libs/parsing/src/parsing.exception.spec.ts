import { CsvError } from 'csv-parse';
import { mapCsvParseError, ParsingErrorCode } from './parsing.exception';

const context = { line: 7, byteOffset: 120, rowHardLimitBytes: 1000 };

describe('mapCsvParseError', () => {
  it.each<[string, ParsingErrorCode]>([
    ['CSV_QUOTE_NOT_CLOSED', ParsingErrorCode.UNCLOSED_QUOTE],
    ['CSV_MAX_RECORD_SIZE', ParsingErrorCode.ROW_TOO_LARGE],
    ['CSV_INVALID_OPTION_DELIMITER', ParsingErrorCode.INVALID_CONFIG],
    ['CSV_OPTION_COLUMNS_MISSING_NAME', ParsingErrorCode.INVALID_CONFIG],
    ['CSV_INVALID_CLOSING_QUOTE', ParsingErrorCode.MALFORMED_CSV],
    ['CSV_RECORD_INCONSISTENT_FIELDS_LENGTH', ParsingErrorCode.MALFORMED_CSV],
  ])('should map %s onto %s with the line and byte', (csvCode, code) => {
    const error = mapCsvParseError(new CsvError(csvCode as never, 'failed'), context);

    expect([error.code, error.details]).toEqual([code, { line: 7, byteOffset: 120, csvParseCode: csvCode }]);
  });

  it('should map an error without a code onto MALFORMED_CSV', () => {
    expect(mapCsvParseError(new Error('boom'), context).code).toBe(ParsingErrorCode.MALFORMED_CSV);
  });
});
