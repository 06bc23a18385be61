import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { ImportStatus } from '@s3c/contracts';
import { OutboxEntrySchema, type OutboxEntry } from '@s3c/nest-kit';
import type { ImportCheckpoint } from '@s3c/parsing';

@Schema({ _id: false })
export class ImportSourceState {
  @Prop({ required: true }) sourceId!: string;
  @Prop() etag?: string;
  @Prop() size?: number;
  /** Where the next read starts after an interruption; saved with every batch written. */
  @Prop({ type: Object }) checkpoint?: ImportCheckpoint;
  @Prop({ required: true, default: 0 }) recordsWritten!: number;
  @Prop({ required: true, default: 0 }) bytesRead!: number;
  @Prop({ required: true, default: false }) done!: boolean;
}
export const ImportSourceStateSchema = SchemaFactory.createForClass(ImportSourceState);

@Schema({ _id: false })
export class ImportErrorDocument {
  @Prop({ required: true }) code!: string;
  @Prop({ required: true }) message!: string;
  @Prop() hint?: string;
}

@Schema({ collection: 'imports', versionKey: false })
export class ImportDocument {
  @Prop({ required: true }) _id!: string;
  @Prop({ required: true }) datasetKey!: string;
  @Prop({ required: true }) domain!: string;
  @Prop({ required: true }) datasetId!: string;
  @Prop({ type: String, required: true }) status!: ImportStatus;
  @Prop({ required: true, default: false }) force!: boolean;
  @Prop({ required: true }) requestedAt!: Date;
  @Prop() startedAt?: Date;
  @Prop() finishedAt?: Date;
  @Prop({ type: [ImportSourceStateSchema], default: [] }) sources!: ImportSourceState[];
  @Prop({ required: true, default: 0 }) rowsRead!: number;
  @Prop({ required: true, default: 0 }) rejectedRows!: number;
  @Prop({ required: true, default: 0 }) recordsWritten!: number;
  @Prop({ required: true, default: 0 }) bytesRead!: number;
  @Prop({ required: true, default: 0 }) totalBytes!: number;
  @Prop({ required: true, default: 0 }) rowsPerSecond!: number;
  @Prop({ type: ImportErrorDocument }) error?: ImportErrorDocument;
  /** Which worker runs it, until when: a killed worker's import is picked up once its lease expires. */
  @Prop() leaseOwner?: string;
  @Prop() leaseExpiresAt?: Date;
  @Prop({ required: true, default: 0 }) attempts!: number;
  @Prop({ type: [OutboxEntrySchema], default: [] }) outbox!: OutboxEntry[];
  @Prop({ required: true, default: false }) outboxPending!: boolean;
}

export const ImportSchema = SchemaFactory.createForClass(ImportDocument);
// The worker's claim: imports to run whose lease is free or expired.
ImportSchema.index({ status: 1, leaseExpiresAt: 1 });
// A dataset's imports, newest first (active import check, history).
ImportSchema.index({ datasetKey: 1, requestedAt: -1 });
// The outbox relay's scan for events not yet published.
ImportSchema.index({ outboxPending: 1 });
