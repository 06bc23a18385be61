// class-transformer's @Type reads emitted design metadata.
import 'reflect-metadata';

export * from './kafka/message-headers';
export * from './kafka/message-contract';
export * from './events/common';
export * from './events/connection/connection-snapshot';
export * from './events/connection/connection.events';
export * from './events/credentials/sealed-envelope';
export * from './events/credentials/credentials.requests';
export * from './events/credentials/api-key.events';
export * from './events/import/import.events';
export * from './events/dataset/dataset.events';
