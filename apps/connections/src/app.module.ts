import { type DynamicModule, Module } from '@nestjs/common';
import { CONNECTION_VALIDATE_V1, PLATFORM_IDENTITY_DESCRIBE_V1 } from '@s3c/contracts';
import { type JsonLogger, ServiceFoundationModule } from '@s3c/nest-kit';
import { ConnectionsConfig } from './connections.config';
import { ConnectionsModule } from './connections/connections.module';
import { DomainsModule } from './domains/domains.module';

/** Only what issuing API keys needs (store and producer): the domain:create command boots this, not the API. */
@Module({})
export class DomainAdminModule {
  static forRoot(config: ConnectionsConfig, logger: JsonLogger): DynamicModule {
    return {
      module: DomainAdminModule,
      imports: [
        ServiceFoundationModule.forRoot({
          configClass: ConnectionsConfig,
          config,
          logger,
          database: config.CONNECTIONS_DATABASE,
          kafka: { clientId: 's3c-domain-admin' },
        }),
        DomainsModule,
      ],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: ConnectionsConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceFoundationModule.forRoot({
          configClass: ConnectionsConfig,
          config,
          logger,
          database: config.CONNECTIONS_DATABASE,
          kafka: { clientId: 's3c-connections', requestContracts: [PLATFORM_IDENTITY_DESCRIBE_V1, CONNECTION_VALIDATE_V1] },
        }),
        DomainsModule,
        ConnectionsModule,
      ],
    };
  }
}
