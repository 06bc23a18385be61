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
  StoreUnavailable = 'STORE_UNAVAILABLE',
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
  [DatasetImportErrorCode.StoreUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * Codes the credential broker answers with (libs/auth's and the contracts'), as the caller sees them:
 * a location or endpoint the connection cannot reach is the caller's to fix, another domain's connection
 * does not exist for them, and AWS refusing is a refusal.
 */
const BROKER_CODE_STATUS: Record<string, HttpStatus> = {
  LOCATION_OUTSIDE_CONNECTION: HttpStatus.BAD_REQUEST,
  INVALID_S3_URL: HttpStatus.BAD_REQUEST,
  INVALID_BUCKET_NAME: HttpStatus.BAD_REQUEST,
  INVALID_OBJECT_KEY: HttpStatus.BAD_REQUEST,
  EGRESS_DENIED: HttpStatus.BAD_REQUEST,
  DOMAIN_MISMATCH: HttpStatus.NOT_FOUND,
  ROLE_ARN_MISSING: HttpStatus.CONFLICT,
  ROLE_NOT_ASSUMABLE: HttpStatus.FORBIDDEN,
  CREDENTIALS_REQUIRED: HttpStatus.CONFLICT,
};

/** A coded failure of the dataset side; `retryable` tells the import worker whether trying again can help. */
export class DatasetImportException extends ApiException {
  constructor(
    code: DatasetImportErrorCode | string,
    message: string,
    hint?: string,
    readonly retryable = false,
  ) {
    // Any other code from a dependency is its failure, not the caller's: 502.
    super(STATUS[code as DatasetImportErrorCode] ?? BROKER_CODE_STATUS[code] ?? HttpStatus.BAD_GATEWAY, code, message, hint);
  }
}
