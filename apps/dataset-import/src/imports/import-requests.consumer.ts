import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { IMPORT_REQUESTED_V1, type ImportRequestedV1 } from '@s3c/contracts';
import { DocumentLocks, KafkaConsumerService, NonRetryableMessageError } from '@s3c/nest-kit';
import { DatasetDocument, datasetKey } from '../datasets/dataset.schema';
import { ImportsRepository } from './imports.repository';

/**
 * Import commands from other services (a scheduler, a back office). Idempotent: an import id seen before
 * (including the ones this service queued itself and announced) is not queued twice.
 */
@Injectable()
export class ImportRequestsConsumer {
  constructor(
    consumer: KafkaConsumerService,
    private readonly imports: ImportsRepository,
    @InjectModel(DatasetDocument.name) private readonly datasets: Model<DatasetDocument>,
    private readonly locks: DocumentLocks,
  ) {
    consumer.subscribe(IMPORT_REQUESTED_V1, (value) => this.onRequested(value));
  }

  private async onRequested(command: ImportRequestedV1): Promise<void> {
    if (await this.imports.findById(command.importId)) {
      return;
    }
    const dataset = await this.datasets.findById(datasetKey(command.domain, command.datasetId), { _id: 1, domain: 1, datasetId: 1 }).lean<DatasetDocument>().exec();
    if (!dataset) {
      throw new NonRetryableMessageError('DATASET_NOT_FOUND', `No dataset "${command.datasetId}" in domain ${command.domain}.`);
    }
    const active = await this.imports.findActive(dataset._id);
    if (active) {
      throw new NonRetryableMessageError('IMPORT_IN_PROGRESS', `Import ${active._id} of dataset "${command.datasetId}" is ${active.status}.`);
    }
    await this.imports.queue(dataset, command.force, command.importId);
    await this.locks.run(dataset._id, () => this.datasets.updateOne({ _id: dataset._id }, { $set: { lastImportId: command.importId } }).exec());
  }
}
