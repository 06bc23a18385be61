import { randomUUID } from 'node:crypto';
import { type IHeaders } from 'kafkajs';
import { ContractErrorCode, ContractViolationError, MessageHeader, type MessageMetadata } from '@s3c/contracts';

export type OutgoingMeta = Pick<MessageMetadata, 'domain'> & Partial<Pick<MessageMetadata, 'correlationId'>>;

export function buildHeaders(version: number, meta: OutgoingMeta, extra: Record<string, string> = {}): IHeaders {
  return {
    [MessageHeader.CorrelationId]: meta.correlationId ?? randomUUID(),
    [MessageHeader.SchemaVersion]: String(version),
    [MessageHeader.Domain]: meta.domain,
    [MessageHeader.MessageId]: randomUUID(),
    [MessageHeader.ContentType]: 'application/json',
    ...extra,
  };
}

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.toString();
}

/** Reads and checks the headers every message must carry. */
export function readMetadata(headers: IHeaders | undefined, expectedVersion: number): MessageMetadata {
  const required = (name: string) => {
    const value = headerText(headers, name);
    if (!value) {
      throw new ContractViolationError(ContractErrorCode.MissingHeader, `Header "${name}" is missing`);
    }
    return value;
  };
  const schemaVersion = Number(required(MessageHeader.SchemaVersion));
  if (schemaVersion !== expectedVersion) {
    throw new ContractViolationError(
      ContractErrorCode.SchemaVersionMismatch,
      `Schema version ${schemaVersion} received where ${expectedVersion} is expected`,
    );
  }
  return {
    correlationId: required(MessageHeader.CorrelationId),
    domain: required(MessageHeader.Domain),
    messageId: headerText(headers, MessageHeader.MessageId) ?? randomUUID(),
    schemaVersion,
  };
}
