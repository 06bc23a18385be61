import { IsISO8601, IsInt, IsUUID, Matches, Min } from 'class-validator';
import { defineContract } from '../../kafka/message-contract';
import { DOMAIN_PATTERN } from '../common';
import { ConnectionSnapshot } from './connection-snapshot';

/** A connection was created (its first snapshot). */
export class ConnectionCreatedV1 extends ConnectionSnapshot {}
export const CONNECTION_CREATED_V1 = defineContract({
  topic: 's3connector.connection.created.v1',
  version: 1,
  kind: 'event',
  valueClass: ConnectionCreatedV1,
  keyOf: (value) => value.connectionId,
});

/** A connection's title, location or credentials changed. */
export class ConnectionUpdatedV1 extends ConnectionSnapshot {}
export const CONNECTION_UPDATED_V1 = defineContract({
  topic: 's3connector.connection.updated.v1',
  version: 1,
  kind: 'event',
  valueClass: ConnectionUpdatedV1,
  keyOf: (value) => value.connectionId,
});

/** A connection was validated against AWS; `status` and `statusReason` say with what outcome. */
export class ConnectionValidatedV1 extends ConnectionSnapshot {}
export const CONNECTION_VALIDATED_V1 = defineContract({
  topic: 's3connector.connection.validated.v1',
  version: 1,
  kind: 'event',
  valueClass: ConnectionValidatedV1,
  keyOf: (value) => value.connectionId,
});

export class ConnectionDeletedV1 {
  @IsUUID()
  connectionId!: string;

  @Matches(DOMAIN_PATTERN)
  domain!: string;

  @IsInt() @Min(1)
  revision!: number;

  @IsISO8601()
  occurredAt!: string;
}
export const CONNECTION_DELETED_V1 = defineContract({
  topic: 's3connector.connection.deleted.v1',
  version: 1,
  kind: 'event',
  valueClass: ConnectionDeletedV1,
  keyOf: (value) => value.connectionId,
});

export const CONNECTION_EVENT_CONTRACTS = [
  CONNECTION_CREATED_V1,
  CONNECTION_UPDATED_V1,
  CONNECTION_VALIDATED_V1,
  CONNECTION_DELETED_V1,
] as const;
