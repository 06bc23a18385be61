import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { OutboxEntrySchema, type OutboxEntry } from '@s3c/nest-kit';

/** An API key of a domain: only the SHA-256 of its secret is kept. */
@Schema({ collection: 'api_keys', versionKey: false })
export class ApiKeyDocument {
  @Prop({ required: true }) _id!: string;
  @Prop({ required: true }) domain!: string;
  @Prop({ required: true }) secretHash!: string;
  @Prop({ required: true }) issuedAt!: Date;
  @Prop() revokedAt?: Date;
  @Prop({ type: [OutboxEntrySchema], default: [] }) outbox!: OutboxEntry[];
  @Prop({ required: true, default: false }) outboxPending!: boolean;
}

export const ApiKeySchema = SchemaFactory.createForClass(ApiKeyDocument);
// The outbox relay's scan for api-key events not yet published.
ApiKeySchema.index({ outboxPending: 1 });

/** A tenant of the platform. */
@Schema({ collection: 'domains', versionKey: false })
export class DomainDocument {
  @Prop({ required: true }) _id!: string;
  @Prop({ required: true }) createdAt!: Date;
}

export const DomainSchema = SchemaFactory.createForClass(DomainDocument);
