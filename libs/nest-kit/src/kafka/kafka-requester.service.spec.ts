import { IsString } from 'class-validator';
import type { Kafka } from 'kafkajs';
import { defineContract } from '@s3c/contracts';
import { JsonLogger } from '../logging/json-logger';
import type { KafkaProducerService } from './kafka-producer.service';
import { KafkaRequesterService, RequestTimeoutError } from './kafka-requester.service';

class UnitRequest {
  @IsString() domain!: string;
}

const UNIT_REQUEST_V1 = defineContract({
  topic: 's3connector.kit-test.request.v1',
  version: 1,
  kind: 'request',
  valueClass: UnitRequest,
  keyOf: (value) => value.domain,
});

/** A requester whose reply consumer joins at once, publishing through `publish`. */
async function startRequester(publish: () => Promise<void>): Promise<KafkaRequesterService> {
  const consumer = {
    events: { GROUP_JOIN: 'join' },
    on: (_event: string, listener: () => void) => setImmediate(listener),
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async () => undefined,
    disconnect: async () => undefined,
  };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => [UNIT_REQUEST_V1.topic, `${UNIT_REQUEST_V1.topic}.reply`],
    createTopics: async () => true,
  };
  const kafka = { consumer: () => consumer, admin: () => admin } as unknown as Kafka;
  const producer = { publish } as unknown as KafkaProducerService;
  const requester = new KafkaRequesterService(
    kafka,
    { clientId: 'unit', brokers: ['127.0.0.1:9092'], requestContracts: [UNIT_REQUEST_V1] },
    producer,
    new JsonLogger('unit', 'error', () => undefined),
  );
  requester.onApplicationBootstrap();
  return requester;
}

describe('KafkaRequesterService', () => {
  it('should reject with the publish error, and leave no unhandled rejection, when publishing outlasts the reply timeout', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const brokerDown = new Error('broker down');
    const requester = await startRequester(
      () => new Promise((_resolve, reject) => setTimeout(() => reject(brokerDown), 50)),
    );

    try {
      const outcome = await requester
        .request(UNIT_REQUEST_V1, UNIT_REQUEST_V1, { domain: 'mvdomain' }, { domain: 'mvdomain' }, 5)
        .catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 20));

      expect({ outcome, unhandled }).toEqual({ outcome: brokerDown, unhandled: [] });
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('should reject with REQUEST_TIMEOUT when the request is published but never answered', async () => {
    const requester = await startRequester(async () => undefined);

    const outcome = await requester
      .request(UNIT_REQUEST_V1, UNIT_REQUEST_V1, { domain: 'mvdomain' }, { domain: 'mvdomain' }, 5)
      .catch((error: unknown) => error);

    expect(outcome).toBeInstanceOf(RequestTimeoutError);
  });
});
