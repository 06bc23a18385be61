import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DocumentLocks, JsonLogger, KafkaProducerService, OutboxRelay } from '@s3c/nest-kit';
import { DatasetDocument } from '../datasets/dataset.schema';
import { ImportDocument } from './import.schema';

/** Publishes the dataset events queued in dataset documents. */
@Injectable()
export class DatasetOutboxRelay extends OutboxRelay<DatasetDocument> {
  constructor(@InjectModel(DatasetDocument.name) model: Model<DatasetDocument>, producer: KafkaProducerService, logger: JsonLogger, locks: DocumentLocks) {
    super(model, producer, logger, locks);
  }
}

/** Publishes the import events (requested, started, progress, outcome) queued in import documents. */
@Injectable()
export class ImportOutboxRelay extends OutboxRelay<ImportDocument> {
  constructor(@InjectModel(ImportDocument.name) model: Model<ImportDocument>, producer: KafkaProducerService, logger: JsonLogger, locks: DocumentLocks) {
    super(model, producer, logger, locks, 1_000);
  }
}
