import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ConnectionViewsModule } from '@s3c/connection-views';
import { ImportDocument, ImportSchema } from '../imports/import.schema';
import { ImportRequestsConsumer } from '../imports/import-requests.consumer';
import { ImportRunner } from '../imports/import-runner';
import { ImportWorker } from '../imports/import-worker';
import { ImportsRepository } from '../imports/imports.repository';
import { DatasetOutboxRelay, ImportOutboxRelay } from '../imports/outbox-relays';
import { RecordStore } from '../imports/record-store';
import { ObjectAccessClient } from '../s3-access/object-access.client';
import { SourcePreviewService } from '../sources/source-preview.service';
import { SourcesController } from '../sources/sources.controller';
import { DatasetDocument, DatasetSchema } from './dataset.schema';
import { DatasetsController } from './datasets.controller';
import { DatasetsService } from './datasets.service';

@Module({
  imports: [
    ConnectionViewsModule,
    MongooseModule.forFeature([
      { name: DatasetDocument.name, schema: DatasetSchema },
      { name: ImportDocument.name, schema: ImportSchema },
    ]),
  ],
  controllers: [SourcesController, DatasetsController],
  providers: [
    ObjectAccessClient,
    SourcePreviewService,
    DatasetsService,
    ImportsRepository,
    RecordStore,
    DatasetOutboxRelay,
    ImportOutboxRelay,
    ImportRunner,
    ImportWorker,
    ImportRequestsConsumer,
  ],
})
export class DatasetsModule {}
