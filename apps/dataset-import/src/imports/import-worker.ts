import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { JsonLogger } from '@s3c/nest-kit';
import { DatasetImportConfig } from '../dataset-import.config';
import { ImportDocument } from './import.schema';
import { ImportRunner } from './import-runner';
import { ImportsRepository } from './imports.repository';

/** Looks for imports queued by other instances, or left by a dead or stalled worker. */
const POLL_MS = 500;

/**
 * Runs queued imports outside the Kafka consumer (a long import must not hold a partition): claims an
 * import with a lease, renews the lease while it runs, and leaves it to whoever comes next if it dies.
 * An import queued by this process, or a run ending, looks for work at once instead of at the next poll.
 */
@Injectable()
export class ImportWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<string, Promise<void>>();
  private claims = 0;
  private timer?: NodeJS.Timeout;
  /** The claiming loop in progress, and whether to go round again when it ends (work arrived meanwhile). */
  private filling?: Promise<void>;
  private fillAgain = false;
  private stopping = false;
  private readonly abort = new AbortController();

  constructor(
    @InjectModel(ImportDocument.name) private readonly imports: Model<ImportDocument>,
    private readonly runner: ImportRunner,
    private readonly config: DatasetImportConfig,
    private readonly logger: JsonLogger,
    queue: ImportsRepository,
  ) {
    queue.onQueued(() => void this.fill());
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.fill(), POLL_MS);
  }

  /** One claiming loop at a time: concurrent loops could claim beyond IMPORT_CONCURRENCY. */
  private fill(): Promise<void> {
    if (this.filling) {
      this.fillAgain = true;
      return this.filling;
    }
    this.filling = this.claimWhileRoom().finally(() => {
      this.filling = undefined;
      if (this.fillAgain) {
        this.fillAgain = false;
        void this.fill();
      }
    });
    return this.filling;
  }

  private async claimWhileRoom(): Promise<void> {
    while (!this.stopping && this.running.size < this.config.IMPORT_CONCURRENCY) {
      // Each run holds a lease of its own: a run that lost its lease (stalled past it while the store was
      // down) can no longer write checkpoints or finish the import over the run that took it over.
      const leaseOwner = `${this.workerId}-${++this.claims}`;
      const claimed = await this.claim(leaseOwner).catch((error: unknown) => {
        this.logger.event('warn', 'Could not look for imports to run', { error }, 'ImportWorker');
        return null;
      });
      if (!claimed) {
        return;
      }
      const run = this.runner
        .run(claimed, leaseOwner, this.abort.signal)
        .catch((error: unknown) => this.logger.event('error', 'Import run crashed', { importId: claimed._id, error }, 'ImportWorker'))
        .finally(() => {
          this.running.delete(claimed._id);
          void this.fill();
        });
      this.running.set(claimed._id, run);
    }
  }

  /**
   * Takes the oldest import that is queued, or running under an expired lease (its worker died or
   * stalled), and not still running here: a stalled run of this process is waited for, not doubled.
   */
  private claim(leaseOwner: string): Promise<ImportDocument | null> {
    const now = new Date();
    return this.imports
      .findOneAndUpdate(
        {
          _id: { $nin: [...this.running.keys()] },
          status: { $in: ['queued', 'running'] },
          $or: [{ leaseExpiresAt: { $exists: false } }, { leaseExpiresAt: { $lt: now } }],
        },
        { $set: { leaseOwner, leaseExpiresAt: new Date(now.getTime() + this.config.IMPORT_LEASE_MS) }, $inc: { attempts: 1 } },
        { new: true, sort: { requestedAt: 1 } },
      )
      .lean<ImportDocument>()
      .exec();
  }

  /** SIGTERM: stop claiming, let runs checkpoint their in-flight batch and release their lease. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.abort.abort();
    await Promise.allSettled(this.running.values());
  }
}
