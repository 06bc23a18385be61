import { HttpStatus } from '@nestjs/common';
import { ApiException } from '@s3c/nest-kit';

export enum ConnectionsErrorCode {
  ConnectionNotFound = 'CONNECTION_NOT_FOUND',
  ExternalIdNotAllowed = 'EXTERNAL_ID_NOT_ALLOWED',
  MethodImmutable = 'AUTH_METHOD_IMMUTABLE',
  FieldNotAllowed = 'FIELD_NOT_ALLOWED_FOR_METHOD',
  FieldRequired = 'FIELD_REQUIRED_FOR_METHOD',
  InvalidS3Url = 'INVALID_S3_URL',
  InvalidRegion = 'INVALID_REGION',
  InvalidRoleArn = 'INVALID_ROLE_ARN',
  InvalidHeader = 'INVALID_HEADER',
  EgressDenied = 'EGRESS_DENIED',
  ConcurrentUpdate = 'CONCURRENT_UPDATE',
  BrokerUnavailable = 'CREDENTIAL_BROKER_UNAVAILABLE',
}

const STATUS: Record<ConnectionsErrorCode, HttpStatus> = {
  [ConnectionsErrorCode.ConnectionNotFound]: HttpStatus.NOT_FOUND,
  [ConnectionsErrorCode.ExternalIdNotAllowed]: HttpStatus.BAD_REQUEST,
  [ConnectionsErrorCode.MethodImmutable]: HttpStatus.BAD_REQUEST,
  [ConnectionsErrorCode.FieldNotAllowed]: HttpStatus.BAD_REQUEST,
  [ConnectionsErrorCode.FieldRequired]: HttpStatus.BAD_REQUEST,
  [ConnectionsErrorCode.InvalidS3Url]: HttpStatus.BAD_REQUEST,
  [ConnectionsErrorCode.InvalidRegion]: HttpStatus.BAD_REQUEST,
  [ConnectionsErrorCode.InvalidRoleArn]: HttpStatus.BAD_REQUEST,
  [ConnectionsErrorCode.InvalidHeader]: HttpStatus.BAD_REQUEST,
  [ConnectionsErrorCode.EgressDenied]: HttpStatus.BAD_REQUEST,
  [ConnectionsErrorCode.ConcurrentUpdate]: HttpStatus.CONFLICT,
  [ConnectionsErrorCode.BrokerUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
};

export class ConnectionsException extends ApiException {
  constructor(code: ConnectionsErrorCode, message: string, hint?: string) {
    super(STATUS[code], code, message, hint);
  }
}

export function connectionNotFound(connectionId: string): ConnectionsException {
  return new ConnectionsException(ConnectionsErrorCode.ConnectionNotFound, `No connection ${connectionId} in your domain.`);
}
