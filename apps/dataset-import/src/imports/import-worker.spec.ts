import type { Model } from 'mongoose';
import type { JsonLogger } from '@s3c/nest-kit';
import type { DatasetImportConfig } from '../dataset-import.config';
import type { ImportDocument } from './import.schema';
import type { ImportRunner } from './import-runner';
import { ImportWorker } from './import-worker';
import type { ImportsRepository } from './imports.repository';

/** A store with `queued` imports waiting; each claim takes the next one after a tick, as a real round trip would. */
function fakeImports(queued: string[]) {
  const claims: string[] = [];
  const model = {
    findOneAndUpdate: () => ({
      lean: () => ({
        exec: async () => {
          await new Promise((resolve) => setImmediate(resolve));
          const next = queued.shift();
          if (next) claims.push(next);
          return next ? ({ _id: next } as ImportDocument) : null;
        },
      }),
    }),
  } as unknown as Model<ImportDocument>;
  return { model, claims };
}

function workerWith(queued: string[], concurrency: number) {
  const { model, claims } = fakeImports(queued);
  const finishRun: Record<string, () => void> = {};
  // A run lasts until the test ends it, or until shutdown aborts it.
  const runner = {
    run: (claimed: ImportDocument, _leaseOwner: string, signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        finishRun[claimed._id] = resolve;
        signal.addEventListener('abort', () => resolve());
      }),
  } as unknown as ImportRunner;
  let onQueued: () => void = () => undefined;
  const repository = { onQueued: (listener: () => void) => (onQueued = listener) } as unknown as ImportsRepository;
  const logger = { event: () => undefined } as unknown as JsonLogger;
  const worker = new ImportWorker(model, runner, { IMPORT_CONCURRENCY: concurrency, IMPORT_LEASE_MS: 15_000 } as DatasetImportConfig, logger, repository);
  return { worker, claims, finishRun, queue: () => onQueued() };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('ImportWorker', () => {
  it('should claim an import as soon as this process queues it, without its poll', async () => {
    const { worker, claims, queue } = workerWith(['a'], 2);

    queue();
    await settle();

    expect(claims).toEqual(['a']);
    await worker.onApplicationShutdown();
  });

  it('should never run more imports than IMPORT_CONCURRENCY when wake-ups overlap', async () => {
    const { worker, claims, queue } = workerWith(['a', 'b', 'c', 'd'], 2);

    queue();
    queue();
    queue();
    await settle();

    expect(claims).toEqual(['a', 'b']);
    await worker.onApplicationShutdown();
  });

  it('should start the next queued import when a run ends', async () => {
    const { worker, claims, finishRun, queue } = workerWith(['a', 'b'], 1);
    queue();
    await settle();

    finishRun.a();
    await settle();

    expect(claims).toEqual(['a', 'b']);
    await worker.onApplicationShutdown();
  });
});
