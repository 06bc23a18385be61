import { type DynamicModule, Global, Module } from '@nestjs/common';
import { JsonLogger } from '@s3c/nest-kit';
import { PlatformAws } from './aws/platform-aws';
import { CredentialBrokerConfig } from './credential-broker.config';
import { createKeyEncryptionKeyProvider, KEY_ENCRYPTION_KEYS, loadSealingKeys, SEALING_KEYS } from './keys/broker-keys';

/** What only the broker holds: the platform's AWS identity, the sealing key pair, the key-encryption keys. */
@Global()
@Module({})
export class BrokerCoreModule {
  static forRoot(config: CredentialBrokerConfig): DynamicModule {
    return {
      module: BrokerCoreModule,
      providers: [
        { provide: PlatformAws, useFactory: (logger: JsonLogger) => new PlatformAws(config, logger), inject: [JsonLogger] },
        { provide: SEALING_KEYS, useFactory: () => loadSealingKeys(config) },
        { provide: KEY_ENCRYPTION_KEYS, useFactory: () => createKeyEncryptionKeyProvider(config) },
      ],
      exports: [PlatformAws, SEALING_KEYS, KEY_ENCRYPTION_KEYS],
    };
  }
}
