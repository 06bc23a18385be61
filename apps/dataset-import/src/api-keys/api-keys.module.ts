import { Global, Injectable, Module } from '@nestjs/common';
import { InjectModel, MongooseModule, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { API_KEY_ISSUED_V1, type ApiKeyIssuedV1 } from '@s3c/contracts';
import { API_KEY_LOOKUP, KafkaConsumerService, type ApiKeyLookup, type StoredApiKey } from '@s3c/nest-kit';

/** The API keys this service accepts, learnt from api-key events (hashes only). */
@Schema({ collection: 'api_keys', versionKey: false })
export class ApiKeyViewDocument {
  @Prop({ required: true }) _id!: string;
  @Prop({ required: true }) domain!: string;
  @Prop({ required: true }) secretHash!: string;
  @Prop() revokedAt?: Date;
}
export const ApiKeyViewSchema = SchemaFactory.createForClass(ApiKeyViewDocument);

@Injectable()
export class ApiKeyViews implements ApiKeyLookup {
  constructor(
    @InjectModel(ApiKeyViewDocument.name) private readonly model: Model<ApiKeyViewDocument>,
    consumer: KafkaConsumerService,
  ) {
    consumer.subscribe(API_KEY_ISSUED_V1, (value) => this.apply(value));
  }

  private async apply(value: ApiKeyIssuedV1): Promise<void> {
    await this.model
      .updateOne(
        { _id: value.keyId },
        { $set: { domain: value.domain, secretHash: value.secretHash, ...(value.revokedAt ? { revokedAt: new Date(value.revokedAt) } : {}) } },
        { upsert: true },
      )
      .exec();
  }

  async findActive(keyId: string): Promise<StoredApiKey | null> {
    const key = await this.model.findOne({ _id: keyId }).lean<ApiKeyViewDocument>().exec();
    return key && !key.revokedAt ? { domain: key.domain, secretHash: key.secretHash } : null;
  }
}

@Global()
@Module({
  imports: [MongooseModule.forFeature([{ name: ApiKeyViewDocument.name, schema: ApiKeyViewSchema }])],
  providers: [ApiKeyViews, { provide: API_KEY_LOOKUP, useExisting: ApiKeyViews }],
  exports: [API_KEY_LOOKUP],
})
export class ApiKeysModule {}
