import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ContractErrorCode } from '@s3c/contracts';
import { NonRetryableMessageError } from '@s3c/nest-kit';
import { ConnectionViewDocument } from './connection-view.schema';

export type ConnectionView = ConnectionViewDocument;

const DUPLICATE_KEY = 11000;

@Injectable()
export class ConnectionViewsRepository {
  constructor(@InjectModel(ConnectionViewDocument.name) private readonly model: Model<ConnectionViewDocument>) {}

  /**
   * Applies a snapshot only when it is newer than the stored one, so a re-delivered or out-of-order
   * event never rolls a connection back. Returns whether the view changed.
   */
  async applyIfNewer(view: ConnectionView): Promise<boolean> {
    const { _id, domain, revision, ...fields } = view;
    try {
      const result = await this.model
        .updateOne({ _id, domain, revision: { $lt: revision } }, { $set: { ...fields, revision } }, { upsert: true })
        .exec();
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) {
        throw error;
      }
      // The upsert tried to insert: either a newer revision is stored (nothing to do) or the id is
      // another domain's connection, which no event of this domain may change.
      await this.assertOwnedBy(domain, _id);
      return false;
    }
  }

  async markDeleted(domain: string, connectionId: string, revision: number): Promise<void> {
    await this.assertOwnedBy(domain, connectionId);
    await this.model
      .updateOne({ _id: connectionId, domain, revision: { $lt: revision } }, { $set: { deleted: true, status: 'invalid', revision } })
      .exec();
  }

  private async assertOwnedBy(domain: string, connectionId: string): Promise<void> {
    const existing = await this.findAny(connectionId);
    if (existing && existing.domain !== domain) {
      throw new NonRetryableMessageError(ContractErrorCode.DomainMismatch, `Connection ${connectionId} belongs to another domain.`);
    }
  }

  /** Any state of a connection, deleted or not and whatever its domain: for ownership checks. */
  findAny(connectionId: string): Promise<ConnectionView | null> {
    return this.model.findOne({ _id: connectionId }).lean<ConnectionView>().exec();
  }

  findOne(domain: string, connectionId: string): Promise<ConnectionView | null> {
    return this.model.findOne({ _id: connectionId, domain, deleted: false }).lean<ConnectionView>().exec();
  }
}
