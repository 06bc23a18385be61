import { Module, type OnModuleInit } from '@nestjs/common';
import { ConnectionEventsConsumer, ConnectionViewsModule } from '@s3c/connection-views';
import { ConnectionSecretsService } from './connection-secrets.service';
import { SecretsStoreModule } from './secrets-store.module';

/** The secrets as the running broker keeps them: stored, and destroyed with their connection. */
@Module({ imports: [SecretsStoreModule, ConnectionViewsModule] })
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
