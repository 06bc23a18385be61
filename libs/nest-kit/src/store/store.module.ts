import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StoreHealthCheck } from '../health/store-health';
import { DocumentLocks } from './document-locks';

export interface StoreModuleOptions {
  uri: string;
  /** Each service owns its database; tests pass a unique name to isolate themselves. */
  dbName: string;
}

/**
 * The service's document store connection. Options stay within what both MongoDB and the embedded
 * FerretDB support: no sessions/transactions, no retryable writes (FerretDB v1 is not a replica set).
 */
@Module({})
export class StoreModule {
  static forRoot({ uri, dbName }: StoreModuleOptions): DynamicModule {
    return {
      module: StoreModule,
      imports: [
        MongooseModule.forRoot(uri, {
          dbName,
          retryWrites: false,
          serverSelectionTimeoutMS: 5_000,
          heartbeatFrequencyMS: 2_000,
          // A store that is still starting gets ~20 s; after the first connection the driver reconnects by itself.
          retryAttempts: 10,
          retryDelay: 2_000,
        }),
      ],
      global: true,
      providers: [StoreHealthCheck, DocumentLocks],
      exports: [DocumentLocks],
    };
  }
}
