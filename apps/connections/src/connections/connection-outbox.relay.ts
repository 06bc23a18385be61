import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DocumentLocks, JsonLogger, KafkaProducerService, OutboxRelay } from '@s3c/nest-kit';
import { ConnectionDocument } from './connection.schema';

/** Publishes the connection events queued in each connection document. */
@Injectable()
export class ConnectionOutboxRelay extends OutboxRelay<ConnectionDocument> {
  constructor(@InjectModel(ConnectionDocument.name) model: Model<ConnectionDocument>, producer: KafkaProducerService, logger: JsonLogger, locks: DocumentLocks) {
    super(model, producer, logger, locks);
  }
}
