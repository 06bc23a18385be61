import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import {
  DATASET_UPDATED_V1,
  IMPORT_FAILED_V1,
  IMPORT_PROGRESS_V1,
  IMPORT_STARTED_V1,
  IMPORT_SUCCEEDED_V1,
  IMPORT_UNCHANGED_V1,
  type StatusReason,
} from '@s3c/contracts';
import { DocumentLocks, JsonLogger, outboxEntry, type OutboxEntry } from '@s3c/nest-kit';
import { isParsingError, readCsvRecords, RejectionBudget, resumeRangeStart, type ImportCheckpoint, type RecordBatch } from '@s3c/parsing';
import { DatasetDocument } from '../datasets/dataset.schema';
import { DatasetImportConfig } from '../dataset-import.config';
import { DatasetImportErrorCode, DatasetImportException } from '../dataset-import.exception';
import { datasetSnapshot } from '../datasets/dataset-snapshot';
import { ObjectAccessClient } from '../s3-access/object-access.client';
import { ImportDocument, type ImportSourceState } from './import.schema';
import { DatasetOutboxRelay, ImportOutboxRelay } from './outbox-relays';
import { OrderedPipeline } from './ordered-pipeline';
import { RecordStore, type RecordWriter } from './record-store';

/** Resumes of one source after a dropped or stalled body, before the run gives up for now. */
const MAX_RESUMES_PER_RUN = 5;
/** Runs of one import (each after a crash, a lost lease or a transient failure) before it fails for good. */
const MAX_ATTEMPTS = 8;
const CHECKPOINT_INTERVAL_MS = 1000;
const STREAM_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED']);

class RunInterrupted extends Error {}

/**
 * The document store's driver errors (network, server selection, a write cut by a closed connection):
 * the store went away. Duplicate keys never get here (the record store ignores them), so a run that
 * meets one of these pauses and resumes from its checkpoint once the store is back.
 */
function isStoreError(error: unknown): boolean {
  return (error as Error | null)?.name?.startsWith('Mongo') === true;
}

function isResumable(error: unknown): boolean {
  if (error instanceof DatasetImportException) {
    return error.retryable;
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return (typeof code === 'string' && STREAM_ERRORS.has(code)) || (error as Error | null)?.message === 'aborted' || isStoreError(error);
}

function reasonOf(error: unknown): StatusReason {
  if (isParsingError(error) || error instanceof DatasetImportException) {
    return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  }
  if (isStoreError(error)) {
    return {
      code: DatasetImportErrorCode.StoreUnavailable,
      message: `Writing to the dataset store kept failing (${(error as Error).message}) after ${MAX_ATTEMPTS} attempts, each resumed from its checkpoint.`,
      hint: 'Check that the document store is up, then import again.',
    };
  }
  if (isResumable(error)) {
    const cause = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return {
      code: DatasetImportErrorCode.SourceUnreachable,
      message: `Reading the file kept failing (${cause}) after ${MAX_ATTEMPTS} attempts, each resumed from its checkpoint.`,
      hint: 'Check that the object store is reachable and serves the file completely, then import again: the import resumes where it stopped.',
    };
  }
  return { code: 'IMPORT_FAILED', message: `The import failed: ${(error as Error)?.message ?? String(error)}` };
}

interface RunContext {
  state: ImportDocument;
  dataset: DatasetDocument;
  /** This run's lease: a run that takes the import over after this one stalled holds another. */
  leaseOwner: string;
  signal: AbortSignal;
  startedAt: number;
  /** Rows already read when this run started (a resumed run counts its own speed). */
  runStartRows: number;
  /** When and at how many rows the last progress event went out. */
  progress: { at: number; rows: number };
  /** Judged after each batch is written, so that the rows that spend it are in the rejected report. */
  rejections: RejectionBudget;
  checkpointedAt: number;
}

/**
 * One run of an import: stat the sources (unchanged → done), stream each from its checkpoint through
 * libs/parsing into the record store, checkpoint every batch, then publish atomically — the dataset
 * switches to the new records only when every source succeeded; a failure leaves the old ones served.
 */
@Injectable()
export class ImportRunner {
  constructor(
    @InjectModel(ImportDocument.name) private readonly imports: Model<ImportDocument>,
    @InjectModel(DatasetDocument.name) private readonly datasets: Model<DatasetDocument>,
    private readonly objects: ObjectAccessClient,
    private readonly records: RecordStore,
    private readonly config: DatasetImportConfig,
    private readonly logger: JsonLogger,
    private readonly importRelay: ImportOutboxRelay,
    private readonly datasetRelay: DatasetOutboxRelay,
    private readonly locks: DocumentLocks,
  ) {}

  async run(claimed: ImportDocument, leaseOwner: string, signal: AbortSignal): Promise<void> {
    const lease = setInterval(() => void this.renewLease(claimed._id, leaseOwner), Math.floor(this.config.IMPORT_LEASE_MS / 3));
    try {
      const dataset = await this.datasets.findById(claimed.datasetKey, { outbox: 0 }).lean<DatasetDocument>().exec();
      if (!dataset) {
        await this.fail(claimed, leaseOwner, { code: 'DATASET_NOT_FOUND', message: `Dataset ${claimed.datasetId} no longer exists.` });
        return;
      }
      const context: RunContext = {
        state: claimed,
        dataset,
        leaseOwner,
        signal,
        startedAt: Date.now(),
        runStartRows: claimed.rowsRead,
        progress: { at: Date.now(), rows: claimed.rowsRead },
        rejections: new RejectionBudget({ maxRejectedRatio: this.config.IMPORT_MAX_REJECTED_RATIO }, claimed),
        checkpointedAt: Date.now(),
      };
      if (dataset.publishedImportId === claimed._id) {
        await this.succeed(context);
        return;
      }
      if (!(await this.begin(context))) {
        return;
      }
      for (let index = 0; index < dataset.sources.length; index += 1) {
        if (!context.state.sources[index]?.done) {
          await this.importSource(context, index);
        }
      }
      await this.publish(context);
    } catch (error) {
      await this.handleFailure(claimed, leaseOwner, signal, error);
    } finally {
      clearInterval(lease);
    }
  }

  /** Queued → running (or unchanged); a resumed run announces itself again. Returns whether to go on. */
  private async begin(context: RunContext): Promise<boolean> {
    const { state, dataset } = context;
    if (state.status === 'running' && state.sources.length === dataset.sources.length) {
      await this.update(context, {}, [this.event(IMPORT_STARTED_V1, state, { totalBytes: state.totalBytes, resumed: true })]);
      return true;
    }
    const stats = await Promise.all(
      dataset.sources.map((source) => this.objects.stat({ domain: dataset.domain, connectionId: source.connectionId, location: source.location })),
    );
    const unchanged =
      !state.force &&
      dataset.publishedImportId !== undefined &&
      dataset.sources.every((source, index) => source.lastEtag === stats[index].etag && source.lastSize === stats[index].size);
    if (unchanged) {
      await this.finish(context, 'unchanged', [this.event(IMPORT_UNCHANGED_V1, state, {})]);
      return false;
    }
    const sources: ImportSourceState[] = dataset.sources.map((source, index) => ({
      sourceId: source.sourceId,
      etag: stats[index].etag,
      size: stats[index].size,
      recordsWritten: 0,
      bytesRead: 0,
      done: false,
    }));
    const totalBytes = stats.reduce((sum, stat) => sum + stat.size, 0);
    await this.update(context, { status: 'running', startedAt: new Date(), sources, totalBytes }, [
      this.event(IMPORT_STARTED_V1, state, { totalBytes, resumed: false }),
    ]);
    return true;
  }

  private async importSource(context: RunContext, index: number): Promise<void> {
    const { dataset } = context;
    const source = dataset.sources[index];
    const target = { domain: dataset.domain, connectionId: source.connectionId, location: source.location };
    for (let resumes = 0; ; resumes += 1) {
      const sourceState = context.state.sources[index];
      const checkpoint = sourceState.checkpoint;
      const body = await this.objects.openRange(
        target,
        { start: resumeRangeStart(source.config, checkpoint), etag: sourceState.etag ?? '' },
        this.config.IMPORT_IDLE_TIMEOUT_MS,
      );
      // Up to IMPORT_WRITES_IN_FLIGHT batches are written while the next one is parsed; each is judged
      // and checkpointed once it and the batches before it are stored, in order.
      const persisting = new OrderedPipeline(this.config.IMPORT_WRITES_IN_FLIGHT);
      try {
        let firstRow = checkpoint?.rowsRead ?? 0;
        // Records are numbered across the sources in order; every row read is a record or a rejected row.
        const firstOrdinal =
          context.state.sources.slice(0, index).reduce((sum, state) => sum + state.recordsWritten, 0) +
          (checkpoint ? checkpoint.rowsRead - checkpoint.rejectedRows : 0);
        const writer = await this.records.openWriter(context.state._id, firstOrdinal, this.config.IMPORT_INSERTS_IN_FLIGHT);
        for await (const batch of readCsvRecords(body, {
          sourceConfig: source.config,
          fields: dataset.fields,
          batchSize: this.config.IMPORT_BATCH_SIZE,
          ...(checkpoint ? { resumeFrom: checkpoint } : {}),
        })) {
          if (context.signal.aborted) {
            throw new RunInterrupted('shutting down');
          }
          const batchFirstRow = firstRow;
          await persisting.add(
            () => Promise.all([writer.write(batch.records), this.records.writeRejected(context.state._id, index, batch.rejected)]),
            () => this.afterWrite(context, index, batch, batchFirstRow, writer),
          );
          firstRow = batch.checkpoint.rowsRead;
        }
        await persisting.drain();
        return;
      } catch (error) {
        body.destroy();
        // A write still in flight must land (or fail) before the run resumes, fails or deletes this
        // import's records: otherwise it would write after the deletion.
        await persisting.settle();
        if (!(error instanceof RunInterrupted) && isResumable(error) && resumes < MAX_RESUMES_PER_RUN) {
          this.logger.event('warn', 'Source read interrupted, resuming from the last checkpoint', { importId: context.state._id, source: index, error }, 'ImportRunner');
          continue;
        }
        throw error;
      }
    }
  }

  /** Once a batch and the ones before it are stored: judges the rejection budget, then saves the checkpoint. */
  private async afterWrite(context: RunContext, index: number, batch: RecordBatch, firstRow: number, writer: RecordWriter): Promise<void> {
    context.rejections.add(batch.checkpoint.rowsRead - firstRow, batch.rejected);
    const last = batch.done && index === context.dataset.sources.length - 1;
    context.rejections.check(last);
    // Checkpoints cost a document update: one a second is plenty, since rewriting a batch adds nothing.
    if (batch.done || Date.now() - context.checkpointedAt >= CHECKPOINT_INTERVAL_MS || context.signal.aborted) {
      // Every record before the checkpoint must be stored, the block being filled included.
      await writer.flush();
      await this.checkpoint(context, index, batch.checkpoint, batch.objectBytesRead, batch.done);
      context.checkpointedAt = Date.now();
    }
  }

  private async checkpoint(context: RunContext, index: number, checkpoint: ImportCheckpoint, objectBytesRead: number, done: boolean): Promise<void> {
    const sources = context.state.sources.map((state, position) =>
      position === index ? { ...state, checkpoint, recordsWritten: checkpoint.rowsRead - checkpoint.rejectedRows, bytesRead: objectBytesRead, done } : state,
    );
    const totals = {
      rowsRead: sources.reduce((sum, state) => sum + (state.checkpoint?.rowsRead ?? 0), 0),
      rejectedRows: sources.reduce((sum, state) => sum + (state.checkpoint?.rejectedRows ?? 0), 0),
      recordsWritten: sources.reduce((sum, state) => sum + state.recordsWritten, 0),
      bytesRead: sources.reduce((sum, state) => sum + state.bytesRead, 0),
    };
    const elapsedSeconds = Math.max((Date.now() - context.startedAt) / 1000, 0.001);
    const rowsPerSecond = Math.round((totals.rowsRead - context.runStartRows) / elapsedSeconds);
    const now = Date.now();
    const events: OutboxEntry[] = [];
    if (now - context.progress.at >= this.config.IMPORT_PROGRESS_INTERVAL_MS && totals.rowsRead - context.progress.rows >= this.config.IMPORT_PROGRESS_EVERY_ROWS) {
      const totalBytes = context.state.totalBytes;
      events.push(
        this.event(IMPORT_PROGRESS_V1, context.state, {
          rowsRead: totals.rowsRead,
          rejectedRows: totals.rejectedRows,
          bytesRead: totals.bytesRead,
          totalBytes,
          percent: totalBytes > 0 ? Math.min(100, Math.round((totals.bytesRead / totalBytes) * 1000) / 10) : 100,
          rowsPerSecond,
        }),
      );
      context.progress = { at: now, rows: totals.rowsRead };
    }
    await this.update(context, { sources, ...totals, rowsPerSecond }, events);
  }

  /** Switches the dataset to this import's records, then marks the import succeeded (a crash in between is finished by the next run). */
  private async publish(context: RunContext): Promise<void> {
    const { state, dataset } = context;
    const revision = dataset.revision + 1;
    const sources = dataset.sources.map((source, index) => ({ ...source, lastEtag: state.sources[index].etag, lastSize: state.sources[index].size }));
    const published: DatasetDocument = { ...dataset, sources, publishedImportId: state._id, recordCount: state.recordsWritten, revision };
    const switched = await this.locks.run(dataset._id, () =>
      this.datasets
        .updateOne(
          { _id: dataset._id, revision: dataset.revision },
          {
            $set: { sources, publishedImportId: state._id, recordCount: state.recordsWritten, revision, outboxPending: true },
            $push: { outbox: outboxEntry(DATASET_UPDATED_V1, datasetSnapshot(published), { domain: dataset.domain }) },
          },
        )
        .exec(),
    );
    if (switched.modifiedCount !== 1) {
      throw new DatasetImportException(DatasetImportErrorCode.ImportInProgress, 'The dataset changed during the import; it will be retried.', undefined, true);
    }
    this.datasetRelay.relaySoon(dataset._id);
    if (dataset.publishedImportId) {
      await this.records.deleteRecords(dataset.publishedImportId);
    }
    context.dataset = published;
    await this.succeed(context);
  }

  private async succeed(context: RunContext): Promise<void> {
    const { state } = context;
    await this.finish(context, 'succeeded', [
      this.event(IMPORT_SUCCEEDED_V1, state, {
        recordCount: state.recordsWritten,
        rejectedRows: state.rejectedRows,
        bytesRead: state.bytesRead,
        durationMs: Math.max(0, Date.now() - (state.startedAt ? new Date(state.startedAt).getTime() : context.startedAt)),
      }),
    ]);
    this.logger.event('info', 'Import succeeded', { importId: state._id, datasetId: state.datasetId, records: state.recordsWritten, rejected: state.rejectedRows }, 'ImportRunner');
  }

  private async handleFailure(claimed: ImportDocument, leaseOwner: string, signal: AbortSignal, error: unknown): Promise<void> {
    if (error instanceof RunInterrupted || signal.aborted || (isResumable(error) && claimed.attempts < MAX_ATTEMPTS)) {
      // Handed back: the next run (here after a short pause, or on another instance) resumes from the checkpoint.
      const retryInMs = signal.aborted ? 0 : Math.min(30_000, 1000 * 2 ** claimed.attempts);
      this.logger.event('warn', 'Import paused, will resume', { importId: claimed._id, retryInMs, error }, 'ImportRunner');
      await this.locks.run(claimed._id, () =>
        this.imports.updateOne({ _id: claimed._id, leaseOwner }, { $set: { leaseExpiresAt: new Date(Date.now() + retryInMs) } }).exec(),
      );
      return;
    }
    this.logger.event('warn', 'Import failed', { importId: claimed._id, error }, 'ImportRunner');
    const latest = (await this.imports.findById(claimed._id, { outbox: 0 }).lean<ImportDocument>().exec()) ?? claimed;
    await this.fail(latest, leaseOwner, reasonOf(error));
  }

  private async fail(state: ImportDocument, leaseOwner: string, reason: StatusReason): Promise<void> {
    const context = { state, leaseOwner } as RunContext;
    await this.finish(context, 'failed', [this.event(IMPORT_FAILED_V1, state, { error: reason, rowsRead: state.rowsRead, rejectedRows: state.rejectedRows })], { error: reason });
    await this.records.deleteRecords(state._id);
  }

  private async finish(context: RunContext, status: 'succeeded' | 'failed' | 'unchanged', events: OutboxEntry[], extra: Partial<ImportDocument> = {}): Promise<void> {
    await this.locks.run(context.state._id, () =>
      this.imports
        .updateOne(
          { _id: context.state._id, leaseOwner: context.leaseOwner },
          { $set: { status, finishedAt: new Date(), outboxPending: true, ...extra }, $unset: { leaseOwner: 1, leaseExpiresAt: 1 }, $push: { outbox: { $each: events } } },
        )
        .exec(),
    );
    this.importRelay.relaySoon(context.state._id);
  }

  /** Saves progress under this worker's lease (and renews it); a lost lease means another worker took over. */
  private async update(context: RunContext, changes: Partial<ImportDocument>, events: OutboxEntry[]): Promise<void> {
    const result = await this.locks.run(context.state._id, () =>
      this.imports
        .updateOne(
          { _id: context.state._id, leaseOwner: context.leaseOwner },
          {
            $set: { ...changes, leaseExpiresAt: new Date(Date.now() + this.config.IMPORT_LEASE_MS), ...(events.length > 0 ? { outboxPending: true } : {}) },
            ...(events.length > 0 ? { $push: { outbox: { $each: events } } } : {}),
          },
        )
        .exec(),
    );
    if (result.matchedCount !== 1) {
      throw new RunInterrupted('lease lost');
    }
    context.state = { ...context.state, ...changes };
    if (events.length > 0) {
      this.importRelay.relaySoon(context.state._id);
    }
  }

  private async renewLease(importId: string, leaseOwner: string): Promise<void> {
    await this.locks
      .run(importId, () =>
        this.imports.updateOne({ _id: importId, leaseOwner }, { $set: { leaseExpiresAt: new Date(Date.now() + this.config.IMPORT_LEASE_MS) } }).exec(),
      )
      .catch((error: unknown) => this.logger.event('warn', 'Lease renewal failed', { importId, error }, 'ImportRunner'));
  }

  private event<T extends object>(
    contract: { topic: string; version: number; valueClass: new () => T; keyOf: (value: T) => string; kind: 'event' | 'command' | 'request' },
    state: ImportDocument,
    fields: Omit<T, 'importId' | 'datasetId' | 'domain' | 'occurredAt'>,
  ): OutboxEntry {
    return outboxEntry(contract, { importId: state._id, datasetId: state.datasetId, domain: state.domain, occurredAt: new Date().toISOString(), ...fields } as unknown as T, {
      domain: state.domain,
    });
  }
}
