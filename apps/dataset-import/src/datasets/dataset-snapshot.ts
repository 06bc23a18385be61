import type { DatasetSnapshot } from '@s3c/contracts';
import type { DatasetDocument } from './dataset.schema';

export function datasetSnapshot(dataset: DatasetDocument): DatasetSnapshot {
  return {
    datasetId: dataset.datasetId,
    domain: dataset.domain,
    title: dataset.title,
    fields: dataset.fields.map(({ name, label, type, decimalSeparator }) => ({ name, label, type, ...(decimalSeparator ? { decimalSeparator } : {}) })),
    sources: dataset.sources.map(({ sourceId, connectionId, location }) => ({ sourceId, connectionId, location })),
    recordCount: dataset.recordCount,
    ...(dataset.publishedImportId ? { publishedImportId: dataset.publishedImportId } : {}),
    revision: dataset.revision,
    occurredAt: new Date().toISOString(),
  };
}
