import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { JsonLogger } from '../logging/json-logger';

const LEVEL_NAMES: Record<number, 'debug' | 'info' | 'warn' | 'error'> = {
  [logLevel.NOTHING]: 'debug',
  [logLevel.ERROR]: 'warn',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'debug',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose own logs come out as the service's JSON lines. */
export function createKafkaClient(clientId: string, brokers: string[], logger: JsonLogger): Kafka {
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log, namespace }: LogEntry) => {
        const { message, ...fields } = log;
        logger.event(LEVEL_NAMES[level] ?? 'warn', `kafkajs: ${message}`, { namespace, ...fields }, 'Kafka');
      },
  });
}
