import { randomUUID } from 'node:crypto';
import { Schema } from 'mongoose';
import type { IHeaders } from 'kafkajs';
import { validatePayload, type MessageContract } from '@s3c/contracts';
import { buildHeaders, type OutgoingMeta } from '../kafka/message-meta';

/**
 * An event stored in the same document update as the change it announces. The store has no
 * multi-document transactions, so this is how "written" and "will be published" stay one atomic fact.
 */
export interface OutboxEntry {
  id: string;
  topic: string;
  key: string;
  payload: string;
  headers: string;
}

export const OutboxEntrySchema = new Schema<OutboxEntry>(
  {
    id: { type: String, required: true },
    topic: { type: String, required: true },
    key: { type: String, required: true },
    payload: { type: String, required: true },
    headers: { type: String, required: true },
  },
  { _id: false },
);

export function outboxEntry<T extends object>(contract: MessageContract<T>, value: T, meta: OutgoingMeta): OutboxEntry {
  const checked = validatePayload(contract.valueClass, value, `${contract.topic} value`);
  return {
    id: randomUUID(),
    topic: contract.topic,
    key: contract.keyOf(checked),
    payload: JSON.stringify(checked),
    headers: JSON.stringify(buildHeaders(contract.version, meta)),
  };
}

export function outboxHeaders(entry: OutboxEntry): IHeaders {
  return JSON.parse(entry.headers) as IHeaders;
}
