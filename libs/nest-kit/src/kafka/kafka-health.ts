import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type Admin, type Kafka } from 'kafkajs';
import { HealthRegistry } from '../health/health.registry';
import { KAFKA_CLIENT } from './kafka.tokens';

/**
 * Readiness of the broker: a metadata round trip. A failed check drops its admin connection so that
 * the next check reconnects, which is how readiness turns green again when the broker comes back.
 */
@Injectable()
export class KafkaHealthCheck implements OnModuleInit, OnApplicationShutdown {
  private admin?: Admin;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly registry: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register('kafka', async () => {
      try {
        this.admin ??= this.kafka.admin({ retry: { retries: 0 } });
        await this.admin.connect();
        const cluster = await this.admin.describeCluster();
        return { brokers: cluster.brokers.length };
      } catch (error) {
        const admin = this.admin;
        this.admin = undefined;
        await admin?.disconnect().catch(() => undefined);
        throw error;
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}
