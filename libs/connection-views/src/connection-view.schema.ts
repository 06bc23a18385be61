import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { ConnectionAuthDescriptor, ConnectionStatus } from '@s3c/contracts';

/**
 * What a service knows of a connection, built from connection events (never from the connections
 * service's database). Holds no secret: connection events carry none.
 */
@Schema({ collection: 'connection_views', versionKey: false })
export class ConnectionViewDocument {
  @Prop({ required: true }) _id!: string;
  @Prop({ required: true }) domain!: string;
  @Prop({ required: true }) title!: string;
  @Prop({ type: Object, required: true }) auth!: ConnectionAuthDescriptor;
  @Prop({ type: String, required: true }) status!: ConnectionStatus;
  @Prop({ required: true }) revision!: number;
  @Prop({ required: true, default: false }) deleted!: boolean;
  @Prop({ required: true }) updatedAt!: Date;
}

export const ConnectionViewSchema = SchemaFactory.createForClass(ConnectionViewDocument);
// Looking a connection up for a domain.
ConnectionViewSchema.index({ domain: 1, _id: 1 });
