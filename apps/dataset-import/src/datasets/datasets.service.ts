import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DATASET_CREATED_V1, DATASET_UPDATED_V1 } from '@s3c/contracts';
import { DocumentLocks, outboxEntry } from '@s3c/nest-kit';
import type { FieldDefinition } from '@s3c/parsing';
import { DatasetImportErrorCode as Code, DatasetImportException } from '../dataset-import.exception';
import { ImportsRepository } from '../imports/imports.repository';
import type { ImportDocument } from '../imports/import.schema';
import { RecordStore } from '../imports/record-store';
import { DatasetOutboxRelay, ImportOutboxRelay } from '../imports/outbox-relays';
import { toOverrides } from '../sources/source-config.dto';
import { SourcePreviewService } from '../sources/source-preview.service';
import { datasetIdFromTitle, isValidDatasetId } from './dataset-id';
import { datasetSnapshot } from './dataset-snapshot';
import type { CreateDatasetDto, DatasetSourceDto } from './dataset.dto';
import { DatasetDocument, datasetKey, type DatasetSourceDocument } from './dataset.schema';

const DUPLICATE_KEY = 11000;

/** Datasets of one domain: creation from a previewed source, more sources, imports on demand, reads. */
@Injectable()
export class DatasetsService {
  constructor(
    @InjectModel(DatasetDocument.name) private readonly datasets: Model<DatasetDocument>,
    private readonly imports: ImportsRepository,
    private readonly previews: SourcePreviewService,
    private readonly records: RecordStore,
    private readonly datasetRelay: DatasetOutboxRelay,
    private readonly importRelay: ImportOutboxRelay,
    private readonly locks: DocumentLocks,
  ) {}

  async create(domain: string, input: CreateDatasetDto): Promise<{ dataset: DatasetDocument; import: ImportDocument }> {
    const explicitId = input.dataset_id !== undefined;
    const wantedId = input.dataset_id ?? datasetIdFromTitle(input.title);
    if (!isValidDatasetId(wantedId)) {
      throw new DatasetImportException(
        Code.InvalidDatasetId,
        `"${wantedId.slice(0, 100)}" is not a valid dataset_id: use 1 to 100 lower-case letters, digits, "-" and "_", starting with a letter or digit.`,
      );
    }
    const { source, fields } = await this.describeSource(domain, input.source);
    const now = new Date();
    // A derived identifier takes the first free suffix; an explicit one must be free.
    for (let attempt = 1; attempt <= (explicitId ? 1 : 50); attempt += 1) {
      const datasetId = attempt === 1 ? wantedId : `${wantedId.slice(0, 95)}-${attempt}`;
      const document: Omit<DatasetDocument, 'outbox' | 'outboxPending'> = {
        _id: datasetKey(domain, datasetId),
        domain,
        datasetId,
        title: input.title,
        fields,
        sources: [source],
        recordCount: 0,
        revision: 1,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await this.datasets.create({ ...document, outbox: [outboxEntry(DATASET_CREATED_V1, datasetSnapshot(document as DatasetDocument), { domain })], outboxPending: true });
      } catch (error) {
        if ((error as { code?: number }).code === DUPLICATE_KEY) {
          continue;
        }
        throw error;
      }
      this.datasetRelay.relaySoon(document._id);
      const queued = await this.queueImport(document as DatasetDocument, false);
      return { dataset: document as DatasetDocument, import: queued };
    }
    throw new DatasetImportException(Code.DatasetIdTaken, `The dataset_id "${wantedId}" is already used in your domain.`, 'Choose another dataset_id.');
  }

  async addSource(domain: string, datasetId: string, input: DatasetSourceDto): Promise<{ dataset: DatasetDocument; import: ImportDocument }> {
    const dataset = await this.get(domain, datasetId);
    const { source, fields } = await this.describeSource(domain, input);
    const expected = dataset.fields.map((field) => `${field.name}:${field.type}`).join(',');
    const got = fields.map((field) => `${field.name}:${field.type}`).join(',');
    if (expected !== got) {
      throw new DatasetImportException(
        Code.SourceFieldsMismatch,
        `The new source's fields (${got}) differ from the dataset's (${expected}).`,
        'Adjust the source configuration or its fields so that names and types match the dataset.',
      );
    }
    const revision = dataset.revision + 1;
    const updated = await this.locks.run(dataset._id, () => this.datasets
      .findOneAndUpdate(
        { _id: dataset._id, revision: dataset.revision },
        {
          $push: { sources: source, outbox: outboxEntry(DATASET_UPDATED_V1, datasetSnapshot({ ...dataset, sources: [...dataset.sources, source], revision }), { domain }) },
          $set: { revision, outboxPending: true },
        },
        { new: true },
      )
      .lean<DatasetDocument>()
      .exec());
    if (!updated) {
      throw new DatasetImportException(Code.ImportInProgress, 'The dataset changed while the source was added; try again.');
    }
    this.datasetRelay.relaySoon(dataset._id);
    return { dataset: updated, import: await this.queueImport(updated, false) };
  }

  async requestImport(domain: string, datasetId: string, force: boolean): Promise<ImportDocument> {
    return this.queueImport(await this.get(domain, datasetId), force);
  }

  async get(domain: string, datasetId: string): Promise<DatasetDocument> {
    const dataset = await this.datasets.findOne({ _id: datasetKey(domain, datasetId) }, { outbox: 0 }).lean<DatasetDocument>().exec();
    if (!dataset) {
      throw new DatasetImportException(Code.DatasetNotFound, `No dataset "${datasetId}" in your domain.`);
    }
    return dataset;
  }

  async getImport(domain: string, datasetId: string, importId: string): Promise<ImportDocument> {
    const found = await this.imports.findOne(datasetKey(domain, datasetId), importId);
    if (!found) {
      throw new DatasetImportException(Code.ImportNotFound, `No import ${importId} of dataset "${datasetId}" in your domain.`);
    }
    return found;
  }

  async lastImport(dataset: DatasetDocument): Promise<ImportDocument | null> {
    return dataset.lastImportId ? this.imports.findById(dataset.lastImportId) : null;
  }

  /** The records currently served: those of the last successful import. */
  async recordsPage(domain: string, datasetId: string, offset: number, limit: number) {
    const dataset = await this.get(domain, datasetId);
    const items = dataset.publishedImportId ? await this.records.recordsPage(dataset.publishedImportId, offset, limit) : [];
    return { total: dataset.recordCount, offset, limit, fields: dataset.fields.map(({ name, label, type }) => ({ name, label, type })), items };
  }

  async rejectedPage(domain: string, datasetId: string, importId: string, offset: number, limit: number) {
    const found = await this.getImport(domain, datasetId, importId);
    return { total: found.rejectedRows, offset, limit, items: await this.records.rejectedPage(importId, offset, limit) };
  }

  private async queueImport(dataset: DatasetDocument, force: boolean): Promise<ImportDocument> {
    const active = await this.imports.findActive(dataset._id);
    if (active) {
      throw new DatasetImportException(Code.ImportInProgress, `Import ${active._id} of this dataset is ${active.status}; wait for it to finish.`);
    }
    const queued = await this.imports.queue(dataset, force);
    await this.locks.run(dataset._id, () => this.datasets.updateOne({ _id: dataset._id }, { $set: { lastImportId: queued._id } }).exec());
    this.importRelay.relaySoon(queued._id);
    return queued;
  }

  /** Previews the source to settle its configuration and fields (the admin's choices win over detection). */
  private async describeSource(domain: string, input: DatasetSourceDto): Promise<{ source: DatasetSourceDocument; fields: FieldDefinition[] }> {
    const location = input.location ?? '';
    const { preview } = await this.previews.preview({ domain, connectionId: input.connection_id, location }, toOverrides(input.config), input.fields);
    return {
      source: { sourceId: randomUUID(), connectionId: input.connection_id, location, config: preview.config },
      fields: preview.fields,
    };
  }
}
