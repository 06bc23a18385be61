import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ConnectionEventsConsumer, ConnectionViewsModule } from '@s3c/connection-views';
import { ConnectionSecretDocument, ConnectionSecretSchema } from './connection-secret.schema';
import { ConnectionSecretsService } from './connection-secrets.service';

@Global()
@Module({
  imports: [ConnectionViewsModule, MongooseModule.forFeature([{ name: ConnectionSecretDocument.name, schema: ConnectionSecretSchema }])],
  providers: [ConnectionSecretsService],
  exports: [ConnectionSecretsService],
})
export class SecretsModule implements OnModuleInit {
  constructor(
    private readonly secrets: ConnectionSecretsService,
    private readonly connectionEvents: ConnectionEventsConsumer,
  ) {}

  /** A deleted connection's secrets are destroyed when its deleted event arrives. */
  onModuleInit(): void {
    this.connectionEvents.onDeleted((domain, connectionId) => this.secrets.delete(domain, connectionId));
  }
}
