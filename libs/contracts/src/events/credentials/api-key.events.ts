import { IsISO8601, IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import { defineContract } from '../../kafka/message-contract';
import { DOMAIN_PATTERN } from '../common';

/**
 * An API key was issued (or revoked) for a domain. Carries the SHA-256 of the key's random secret,
 * never the key: services that authenticate REST callers keep their own copy of the hashes.
 */
export class ApiKeyIssuedV1 {
  @IsString() @Matches(/^[a-z0-9]{8,32}$/)
  keyId!: string;

  @Matches(DOMAIN_PATTERN)
  domain!: string;

  @IsString() @Matches(/^[a-f0-9]{64}$/)
  secretHash!: string;

  @IsISO8601()
  issuedAt!: string;

  @IsOptional() @IsISO8601()
  revokedAt?: string;

  @IsOptional() @IsString() @IsNotEmpty()
  label?: string;
}
export const API_KEY_ISSUED_V1 = defineContract({
  topic: 's3connector.api-key.issued.v1',
  version: 1,
  kind: 'event',
  valueClass: ApiKeyIssuedV1,
  keyOf: (value) => value.keyId,
});
