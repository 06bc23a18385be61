import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { JsonLogger, KafkaProducerService, OutboxRelay } from '@s3c/nest-kit';
import { DatasetDocument } from '../datasets/dataset.schema';
import { ImportDocument } from './import.schema';

/** Publishes the dataset events queued in dataset documents. */
@Injectable()
export class DatasetOutboxRelay extends OutboxRelay<DatasetDocument> implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@InjectModel(DatasetDocument.name) model: Model<DatasetDocument>, producer: KafkaProducerService, logger: JsonLogger) {
    super(model, producer, logger);
  }
  onApplicationBootstrap(): void {
    this.start();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}

/** Publishes the import events (requested, started, progress, outcome) queued in import documents. */
@Injectable()
export class ImportOutboxRelay extends OutboxRelay<ImportDocument> implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@InjectModel(ImportDocument.name) model: Model<ImportDocument>, producer: KafkaProducerService, logger: JsonLogger) {
    super(model, producer, logger);
  }
  onApplicationBootstrap(): void {
    this.start(1_000);
  }
  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
