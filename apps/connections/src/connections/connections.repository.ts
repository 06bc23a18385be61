import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DocumentLocks, type OutboxEntry } from '@s3c/nest-kit';
import { ConnectionDocument } from './connection.schema';

export type ConnectionRecord = Omit<ConnectionDocument, 'outbox' | 'outboxPending' | 'deleted'>;
export type ConnectionChanges = Partial<Pick<ConnectionDocument, 'title' | 'auth' | 'status' | 'statusReason'>>;

const PUBLIC_FIELDS = { outbox: 0, outboxPending: 0, deleted: 0 } as const;

function toRecord(document: ConnectionDocument): ConnectionRecord {
  const { outbox: _outbox, outboxPending: _pending, deleted: _deleted, ...record } = document;
  return record;
}

/** Connections of one domain at a time: every method takes the domain, so no query can cross tenants. */
@Injectable()
export class ConnectionsRepository {
  constructor(
    @InjectModel(ConnectionDocument.name) readonly model: Model<ConnectionDocument>,
    private readonly locks: DocumentLocks,
  ) {}

  async insert(record: Omit<ConnectionRecord, 'createdAt' | 'updatedAt'>, events: OutboxEntry[]): Promise<ConnectionRecord> {
    const created = await this.model.create({ ...record, deleted: false, outbox: events, outboxPending: events.length > 0 });
    return toRecord(created.toObject());
  }

  findOne(domain: string, connectionId: string): Promise<ConnectionRecord | null> {
    return this.model.findOne({ _id: connectionId, domain, deleted: false }, PUBLIC_FIELDS).lean<ConnectionRecord>().exec();
  }

  async list(domain: string, offset: number, limit: number): Promise<{ items: ConnectionRecord[]; total: number }> {
    const [items, total] = await Promise.all([
      this.model.find({ domain, deleted: false }, PUBLIC_FIELDS).sort({ createdAt: -1, _id: 1 }).skip(offset).limit(limit).lean<ConnectionRecord[]>().exec(),
      this.model.countDocuments({ domain, deleted: false }).exec(),
    ]);
    return { items, total };
  }

  /**
   * Applies a change only if nobody changed the connection since it was read (`expectedRevision`),
   * bumping the revision and queueing the events in the same update.
   */
  async update(
    domain: string,
    connectionId: string,
    expectedRevision: number,
    changes: ConnectionChanges,
    events: (revision: number) => OutboxEntry[],
  ): Promise<ConnectionRecord | null> {
    const revision = expectedRevision + 1;
    // A change to `undefined` (e.g. the status reason of a connection that became valid) removes the field.
    const cleared = Object.keys(changes).filter((field) => changes[field as keyof ConnectionChanges] === undefined);
    const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    // No projection here: FerretDB does not implement findAndModify's `fields`.
    const updated = await this.locks.run(connectionId, () => this.model
      .findOneAndUpdate(
        { _id: connectionId, domain, deleted: false, revision: expectedRevision },
        {
          $set: { ...set, revision, outboxPending: true },
          ...(cleared.length > 0 ? { $unset: Object.fromEntries(cleared.map((field) => [field, 1])) } : {}),
          $push: { outbox: { $each: events(revision) } },
        },
        { new: true },
      )
      .lean<ConnectionDocument>()
      .exec());
    return updated ? toRecord(updated) : null;
  }

  /** Leaves a tombstone carrying the deleted event; the outbox relay removes it once the event is out. */
  async markDeleted(domain: string, connectionId: string, expectedRevision: number, events: (revision: number) => OutboxEntry[]): Promise<boolean> {
    const revision = expectedRevision + 1;
    const result = await this.locks.run(connectionId, () =>
      this.model
        .updateOne(
          { _id: connectionId, domain, deleted: false, revision: expectedRevision },
          { $set: { deleted: true, revision, outboxPending: true }, $push: { outbox: { $each: events(revision) } } },
        )
        .exec(),
    );
    return result.modifiedCount === 1;
  }
}
