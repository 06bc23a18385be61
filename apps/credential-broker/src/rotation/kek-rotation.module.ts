import { type DynamicModule, Module } from '@nestjs/common';
import { type JsonLogger, ServiceFoundationModule } from '@s3c/nest-kit';
import { BrokerCoreModule } from '../broker-core.module';
import { CredentialBrokerConfig } from '../credential-broker.config';
import { SecretsStoreModule } from '../secrets/secrets-store.module';

/** Only what re-encrypting the stored secrets needs: the store and the keys, no Kafka consumer. */
@Module({})
export class KekRotationModule {
  static forRoot(config: CredentialBrokerConfig, logger: JsonLogger): DynamicModule {
    return {
      module: KekRotationModule,
      imports: [
        ServiceFoundationModule.forRoot({ configClass: CredentialBrokerConfig, config, logger, database: config.CREDENTIAL_BROKER_DATABASE }),
        BrokerCoreModule.forRoot(config),
        SecretsStoreModule,
      ],
    };
  }
}
