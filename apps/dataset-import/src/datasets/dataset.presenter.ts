import type { ImportDocument } from '../imports/import.schema';
import { presentConfig } from '../sources/source-config.dto';
import type { DatasetDocument } from './dataset.schema';

export function presentImport(found: ImportDocument) {
  const percent = found.totalBytes > 0 ? Math.min(100, Math.round((found.bytesRead / found.totalBytes) * 1000) / 10) : found.status === 'succeeded' ? 100 : 0;
  return {
    import_id: found._id,
    dataset_id: found.datasetId,
    status: found.status,
    force: found.force,
    requested_at: new Date(found.requestedAt).toISOString(),
    started_at: found.startedAt ? new Date(found.startedAt).toISOString() : null,
    finished_at: found.finishedAt ? new Date(found.finishedAt).toISOString() : null,
    rows: found.rowsRead,
    records: found.recordsWritten,
    rejected: found.rejectedRows,
    bytes: found.bytesRead,
    total_bytes: found.totalBytes,
    percent,
    rows_per_second: found.rowsPerSecond,
    error: found.error ? { code: found.error.code, message: found.error.message, ...(found.error.hint ? { hint: found.error.hint } : {}) } : null,
  };
}

export function presentDataset(dataset: DatasetDocument, lastImport: ImportDocument | null) {
  return {
    dataset_id: dataset.datasetId,
    title: dataset.title,
    fields: dataset.fields.map(({ name, label, type }) => ({ name, label, type })),
    sources: dataset.sources.map((source) => ({
      source_id: source.sourceId,
      connection_id: source.connectionId,
      location: source.location,
      config: presentConfig(source.config),
    })),
    record_count: dataset.recordCount,
    published_import_id: dataset.publishedImportId ?? null,
    last_import: lastImport ? presentImport(lastImport) : null,
    created_at: new Date(dataset.createdAt).toISOString(),
    updated_at: new Date(dataset.updatedAt).toISOString(),
  };
}
