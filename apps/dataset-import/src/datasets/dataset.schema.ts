import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { OutboxEntrySchema, type OutboxEntry } from '@s3c/nest-kit';
import type { FieldDefinition, SourceConfig } from '@s3c/parsing';

@Schema({ _id: false })
export class DatasetSourceDocument {
  @Prop({ required: true }) sourceId!: string;
  @Prop({ required: true }) connectionId!: string;
  /** As given by the admin: resolved against the connection URL by the credential broker. */
  @Prop({ default: '' }) location!: string;
  @Prop({ type: Object, required: true }) config!: SourceConfig;
  /** ETag and size of the object the published records came from: an unchanged source is not re-imported. */
  @Prop() lastEtag?: string;
  @Prop() lastSize?: number;
}
export const DatasetSourceSchema = SchemaFactory.createForClass(DatasetSourceDocument);

/** A dataset of a domain. `_id` is `<domain>/<dataset_id>`, which makes the technical identifier unique per domain. */
@Schema({ collection: 'datasets', versionKey: false, timestamps: true })
export class DatasetDocument {
  @Prop({ required: true }) _id!: string;
  @Prop({ required: true }) domain!: string;
  @Prop({ required: true }) datasetId!: string;
  @Prop({ required: true }) title!: string;
  @Prop({ type: [Object], required: true }) fields!: FieldDefinition[];
  @Prop({ type: [DatasetSourceSchema], required: true }) sources!: DatasetSourceDocument[];
  /** The import whose records are served; they are replaced only when another import succeeds. */
  @Prop() publishedImportId?: string;
  @Prop({ required: true, default: 0 }) recordCount!: number;
  @Prop() lastImportId?: string;
  @Prop({ required: true }) revision!: number;
  @Prop({ type: [OutboxEntrySchema], default: [] }) outbox!: OutboxEntry[];
  @Prop({ required: true, default: false }) outboxPending!: boolean;
  createdAt!: Date;
  updatedAt!: Date;
}

export const DatasetSchema = SchemaFactory.createForClass(DatasetDocument);
// The outbox relay's scan for events not yet published.
DatasetSchema.index({ outboxPending: 1 });

export function datasetKey(domain: string, datasetId: string): string {
  return `${domain}/${datasetId}`;
}
