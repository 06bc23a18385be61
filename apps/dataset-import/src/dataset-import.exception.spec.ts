import { HttpStatus } from '@nestjs/common';
import { DatasetImportErrorCode, DatasetImportException } from './dataset-import.exception';

describe('DatasetImportException', () => {
  it.each([
    [DatasetImportErrorCode.DatasetNotFound, HttpStatus.NOT_FOUND],
    ['LOCATION_OUTSIDE_CONNECTION', HttpStatus.BAD_REQUEST],
    ['EGRESS_DENIED', HttpStatus.BAD_REQUEST],
    ['DOMAIN_MISMATCH', HttpStatus.NOT_FOUND],
    ['SOMETHING_THE_BROKER_INVENTED', HttpStatus.BAD_GATEWAY],
  ])('should answer %s with HTTP %i', (code, status) => {
    expect(new DatasetImportException(code, 'message').status).toBe(status);
  });
});
