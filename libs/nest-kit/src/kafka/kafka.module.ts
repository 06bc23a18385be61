import { type DynamicModule, Module } from '@nestjs/common';
import { JsonLogger } from '../logging/json-logger';
import { createKafkaClient } from './kafka-client';
import { KafkaConsumerService } from './kafka-consumer.service';
import { KafkaHealthCheck } from './kafka-health';
import { KafkaProducerService } from './kafka-producer.service';
import { KafkaRequesterService } from './kafka-requester.service';
import { KAFKA_OPTIONS, type KafkaModuleOptions } from './kafka.options';
import { KAFKA_CLIENT } from './kafka.tokens';

/** Producer, consumer group, request/reply and broker readiness for one service. Needs HealthModule. */
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [
        { provide: KAFKA_OPTIONS, useValue: options },
        {
          provide: KAFKA_CLIENT,
          inject: [JsonLogger],
          useFactory: (logger: JsonLogger) => createKafkaClient(options.clientId, options.brokers, logger),
        },
        KafkaProducerService,
        KafkaConsumerService,
        KafkaRequesterService,
        KafkaHealthCheck,
      ],
      exports: [KAFKA_CLIENT, KafkaProducerService, KafkaConsumerService, KafkaRequesterService],
    };
  }
}
