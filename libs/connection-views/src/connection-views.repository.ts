import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
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
    const { _id, revision, ...fields } = view;
    try {
      const result = await this.model
        .updateOne({ _id, revision: { $lt: revision } }, { $set: { ...fields, revision } }, { upsert: true })
        .exec();
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (error) {
      // The upsert tried to insert because a newer revision is already stored: nothing to do.
      if ((error as { code?: number }).code === DUPLICATE_KEY) {
        return false;
      }
      throw error;
    }
  }

  async markDeleted(domain: string, connectionId: string, revision: number): Promise<void> {
    await this.model
      .updateOne({ _id: connectionId, domain, revision: { $lt: revision } }, { $set: { deleted: true, status: 'invalid', revision } })
      .exec();
  }

  /** Any state of a connection, deleted or not and whatever its domain: for ownership checks. */
  findAny(connectionId: string): Promise<ConnectionView | null> {
    return this.model.findOne({ _id: connectionId }).lean<ConnectionView>().exec();
  }

  findOne(domain: string, connectionId: string): Promise<ConnectionView | null> {
    return this.model.findOne({ _id: connectionId, domain, deleted: false }).lean<ConnectionView>().exec();
  }
}
