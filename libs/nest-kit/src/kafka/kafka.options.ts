export interface KafkaModuleOptions {
  /** Identifies the service to the broker, in logs and in the consumer group name. */
  clientId: string;
  brokers: string[];
  /** Consumer group of the service's event and command handlers; absent = the service consumes nothing. */
  groupId?: string;
  /** Request topics this service sends requests on (it consumes their replies). */
  requestContracts?: { topic: string }[];
  /** How many times a failing handler runs before its message goes to `<topic>.dlq`. */
  maxHandlerAttempts?: number;
  /** Delay before the first retry; doubles each time. */
  retryBackoffMs?: number;
  /** Partitions of the topics the service creates at start (0 = broker default). */
  topicPartitions?: number;
}

export const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');
