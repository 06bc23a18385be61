import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { EncryptedSecret } from '@s3c/auth';

/**
 * The secrets of one connection, each encrypted with its own data key and bound (AAD) to the domain,
 * the connection and the field: a ciphertext copied elsewhere does not decrypt.
 */
@Schema({ collection: 'connection_secrets', versionKey: false, timestamps: true })
export class ConnectionSecretDocument {
  @Prop({ required: true }) _id!: string;
  @Prop({ required: true }) domain!: string;
  @Prop({ type: Object }) secretAccessKey?: EncryptedSecret;
  /** The custom headers, as one encrypted JSON object (their values may be secret). */
  @Prop({ type: Object }) headers?: EncryptedSecret;
  updatedAt!: Date;
}

// No secondary index: secrets are read by _id, and the re-encryption run walks them all in _id order.
export const ConnectionSecretSchema = SchemaFactory.createForClass(ConnectionSecretDocument);
