import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { HealthRegistry } from './health.registry';

/** Readiness of the document store: a `ping` round trip on the service's connection. */
@Injectable()
export class StoreHealthCheck implements OnModuleInit {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly registry: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register('store', async () => {
      const db = this.connection.db;
      if (!db) {
        throw new Error(`not connected (state ${this.connection.readyState})`);
      }
      await db.admin().command({ ping: 1 });
      return { database: db.databaseName };
    });
  }
}
