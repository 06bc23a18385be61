import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { IMPORT_REQUESTED_V1 } from '@s3c/contracts';
import { outboxEntry } from '@s3c/nest-kit';
import type { DatasetDocument } from '../datasets/dataset.schema';
import { ImportDocument } from './import.schema';

const ACTIVE = ['queued', 'running'] as const;

/** Imports of one domain's datasets; the worker's claims and checkpoints go through ImportWorker. */
@Injectable()
export class ImportsRepository {
  private readonly queuedListeners: (() => void)[] = [];

  constructor(@InjectModel(ImportDocument.name) readonly model: Model<ImportDocument>) {}

  /** Called after each import this process queues (the worker starts it without waiting for its next poll). */
  onQueued(listener: () => void): void {
    this.queuedListeners.push(listener);
  }

  /** Queues an import of the dataset, announcing it with an import.requested event. */
  async queue(dataset: Pick<DatasetDocument, '_id' | 'domain' | 'datasetId'>, force: boolean, importId: string = randomUUID()): Promise<ImportDocument> {
    const requestedAt = new Date();
    const event = outboxEntry(
      IMPORT_REQUESTED_V1,
      { importId, datasetId: dataset.datasetId, domain: dataset.domain, force, occurredAt: requestedAt.toISOString() },
      { domain: dataset.domain },
    );
    const created = await this.model.create({
      _id: importId,
      datasetKey: dataset._id,
      domain: dataset.domain,
      datasetId: dataset.datasetId,
      status: 'queued',
      force,
      requestedAt,
      outbox: [event],
      outboxPending: true,
    });
    this.queuedListeners.forEach((listener) => listener());
    return created.toObject();
  }

  findActive(datasetKey: string): Promise<ImportDocument | null> {
    return this.model.findOne({ datasetKey, status: { $in: [...ACTIVE] } }, { outbox: 0 }).lean<ImportDocument>().exec();
  }

  findOne(datasetKey: string, importId: string): Promise<ImportDocument | null> {
    return this.model.findOne({ _id: importId, datasetKey }, { outbox: 0 }).lean<ImportDocument>().exec();
  }

  findById(importId: string): Promise<ImportDocument | null> {
    return this.model.findById(importId, { outbox: 0 }).lean<ImportDocument>().exec();
  }
}
