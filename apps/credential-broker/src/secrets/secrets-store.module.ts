import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ConnectionSecretDocument, ConnectionSecretSchema } from './connection-secret.schema';
import { ConnectionSecretsService } from './connection-secrets.service';

/** The encrypted secrets and their service, without Kafka: the rotation command boots this alone. */
@Global()
@Module({
  imports: [
    MongooseModule.forFeature([{ name: ConnectionSecretDocument.name, schema: ConnectionSecretSchema }]),
  ],
  providers: [ConnectionSecretsService],
  exports: [ConnectionSecretsService],
})
export class SecretsStoreModule {}
