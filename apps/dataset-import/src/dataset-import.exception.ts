import { HttpStatus } from '@nestjs/common';
import { ApiException } from '@s3c/nest-kit';

export enum DatasetImportErrorCode {
  ConnectionNotFound = 'CONNECTION_NOT_FOUND',
  ConnectionNotValid = 'CONNECTION_NOT_VALID',
  LocationNotAFile = 'LOCATION_NOT_A_FILE',
  ObjectNotFound = 'NO_SUCH_KEY',
  AccessDenied = 'ACCESS_DENIED',
  ObjectChanged = 'OBJECT_CHANGED',
  SourceUnreachable = 'SOURCE_UNREACHABLE',
  BrokerUnavailable = 'CREDENTIAL_BROKER_UNAVAILABLE',
  DatasetNotFound = 'DATASET_NOT_FOUND',
  DatasetIdTaken = 'DATASET_ID_TAKEN',
  InvalidDatasetId = 'INVALID_DATASET_ID',
  ImportNotFound = 'IMPORT_NOT_FOUND',
  ImportInProgress = 'IMPORT_IN_PROGRESS',
  SourceFieldsMismatch = 'SOURCE_FIELDS_MISMATCH',
}

const STATUS: Record<DatasetImportErrorCode, HttpStatus> = {
  [DatasetImportErrorCode.ConnectionNotFound]: HttpStatus.NOT_FOUND,
  [DatasetImportErrorCode.ConnectionNotValid]: HttpStatus.CONFLICT,
  [DatasetImportErrorCode.LocationNotAFile]: HttpStatus.BAD_REQUEST,
  [DatasetImportErrorCode.ObjectNotFound]: HttpStatus.NOT_FOUND,
  [DatasetImportErrorCode.AccessDenied]: HttpStatus.FORBIDDEN,
  [DatasetImportErrorCode.ObjectChanged]: HttpStatus.CONFLICT,
  [DatasetImportErrorCode.SourceUnreachable]: HttpStatus.BAD_GATEWAY,
  [DatasetImportErrorCode.BrokerUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [DatasetImportErrorCode.DatasetNotFound]: HttpStatus.NOT_FOUND,
  [DatasetImportErrorCode.DatasetIdTaken]: HttpStatus.CONFLICT,
  [DatasetImportErrorCode.InvalidDatasetId]: HttpStatus.BAD_REQUEST,
  [DatasetImportErrorCode.ImportNotFound]: HttpStatus.NOT_FOUND,
  [DatasetImportErrorCode.ImportInProgress]: HttpStatus.CONFLICT,
  [DatasetImportErrorCode.SourceFieldsMismatch]: HttpStatus.BAD_REQUEST,
};

/** A coded failure of the dataset side; `retryable` tells the import worker whether trying again can help. */
export class DatasetImportException extends ApiException {
  constructor(
    code: DatasetImportErrorCode,
    message: string,
    hint?: string,
    readonly retryable = false,
  ) {
    super(STATUS[code], code, message, hint);
  }
}
