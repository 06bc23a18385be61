export * from './container-runtime';
export * from './integration-environment';
export * from './in-process-service';
export * from './kafka-test-consumer';
export * from './unique-names';
export * from './wait-for';
export * from './local-aws';
