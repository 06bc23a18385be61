// class-transformer's @Type reads emitted design metadata.
import 'reflect-metadata';

export * from './kafka/message-headers';
export * from './kafka/message-contract';
export * from './events/common';
export * from './events/connection/connection-snapshot';
export * from './events/connection/connection.events';
