import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { AuthMethod, ConnectionStatus } from '@s3c/contracts';
import { OutboxEntrySchema, type OutboxEntry } from '@s3c/nest-kit';

@Schema({ _id: false })
export class StatusReasonDocument {
  @Prop({ required: true }) code!: string;
  @Prop({ required: true }) message!: string;
  @Prop() hint?: string;
}

@Schema({ _id: false })
export class ConnectionAuthDocument {
  @Prop({ type: String, required: true }) method!: AuthMethod;
  @Prop({ required: true }) region!: string;
  @Prop() url?: string;
  @Prop() roleArn?: string;
  @Prop() externalId?: string;
  /** The platform's account and exact principal at creation: what the customer's trust policy names. */
  @Prop() odsAwsAccountId?: string;
  @Prop() platformPrincipalArn?: string;
  @Prop() accessKey?: string;
  /** Secrets themselves live only in the credential broker; this app only knows they are set. */
  @Prop({ required: true, default: false }) secretAccessKeySet!: boolean;
  @Prop({ type: [String], default: [] }) headerNames!: string[];
}

@Schema({ collection: 'connections', versionKey: false, timestamps: true })
export class ConnectionDocument {
  @Prop({ required: true }) _id!: string;
  @Prop({ required: true }) domain!: string;
  @Prop({ required: true }) title!: string;
  @Prop({ type: String, required: true, default: 's3' }) type!: 's3';
  @Prop({ type: ConnectionAuthDocument, required: true }) auth!: ConnectionAuthDocument;
  @Prop({ type: String, required: true }) status!: ConnectionStatus;
  @Prop({ type: StatusReasonDocument }) statusReason?: StatusReasonDocument;
  @Prop({ required: true }) revision!: number;
  @Prop({ type: [OutboxEntrySchema], default: [] }) outbox!: OutboxEntry[];
  @Prop({ required: true, default: false }) outboxPending!: boolean;
  /** A tombstone kept until its deleted event is published. */
  @Prop({ required: true, default: false }) deleted!: boolean;
  createdAt!: Date;
  updatedAt!: Date;
}

export const ConnectionSchema = SchemaFactory.createForClass(ConnectionDocument);
// Listing a domain's connections, newest first.
ConnectionSchema.index({ domain: 1, createdAt: -1 });
// The outbox relay's scan for events not yet published.
ConnectionSchema.index({ outboxPending: 1 });
// No unique index on auth.externalId: FerretDB ignores `sparse`, so connections without one would
// collide on null. Uniqueness comes from the random UUID inside every external ID.
