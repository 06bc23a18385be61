import 'reflect-metadata';

export * from './config/config';
export * from './config/config.module';
export * from './logging/redactor';
export * from './logging/json-logger';
export * from './logging/logging.module';
export * from './health/health.registry';
export * from './health/health.module';
export * from './store/store.module';
export * from './kafka/kafka.options';
export * from './kafka/kafka.tokens';
export * from './kafka/kafka.module';
export * from './kafka/kafka-topics';
export * from './kafka/kafka-producer.service';
export * from './kafka/kafka-consumer.service';
export * from './kafka/kafka-requester.service';
export * from './kafka/message-meta';
export * from './lifecycle/run-service';
