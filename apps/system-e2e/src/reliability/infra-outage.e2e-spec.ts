import { setTimeout as sleep } from 'node:timers/promises';
import {
  DATASET_CREATED_V1,
  DATASET_UPDATED_V1,
  IMPORT_FAILED_V1,
  IMPORT_REQUESTED_V1,
  IMPORT_STARTED_V1,
  IMPORT_SUCCEEDED_V1,
  CONNECTION_CREATED_V1,
  CONNECTION_VALIDATED_V1,
} from '@s3c/contracts';
import { InfraOutage, KafkaTestConsumer, waitFor, type ReceivedMessage } from '@s3c/testing';
import { numberedCsv, ReliabilityFixture, type ErrorBody } from './reliability-fixture';

const ROWS = 200_000;
const IMPORT_TOPICS = [
  DATASET_CREATED_V1,
  DATASET_UPDATED_V1,
  IMPORT_REQUESTED_V1,
  IMPORT_STARTED_V1,
  IMPORT_SUCCEEDED_V1,
  IMPORT_FAILED_V1,
].map((c) => c.topic);

/** One entry per distinct message (a relayed outbox entry keeps its message-id), by topic. */
function countByTopic(messages: ReceivedMessage[]): Record<string, number> {
  const unique = new Map(messages.map((message) => [message.headers['message-id'], message]));
  const counts: Record<string, number> = {};
  for (const message of unique.values()) {
    counts[message.topic] = (counts[message.topic] ?? 0) + 1;
  }
  return counts;
}

describe('the connector survives its broker and its store going away and coming back', () => {
  const outage = new InfraOutage((line) => process.stdout.write(`${line}\n`));
  const fixture = new ReliabilityFixture({ IMPORT_BATCH_SIZE: '1000', IMPORT_LEASE_MS: '3000' });
  let connectionId: string;
  let events: KafkaTestConsumer;

  async function allReady(): Promise<boolean[]> {
    return waitFor(
      async () => {
        const answers = await Promise.all(
          Object.values(fixture.stack.apps).map((app) =>
            fetch(`${app.baseUrl}/health/ready`).then((response) => response.ok),
          ),
        );
        return answers.every(Boolean) ? answers : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'every app to be ready again' },
    );
  }

  beforeAll(async () => {
    outage.assertControllable('kafka');
    outage.assertControllable('store');
    events = await new KafkaTestConsumer(fixture.environment.kafkaBrokers).start([
      ...IMPORT_TOPICS,
      CONNECTION_CREATED_V1.topic,
      CONNECTION_VALIDATED_V1.topic,
    ]);
    await fixture.setUp();
    await fixture.put('large.csv', numberedCsv(ROWS));
    connectionId = await fixture.sigv4Connection();
  }, 180_000);

  afterAll(async () => {
    // Whatever happened, leave the infrastructure running for the next suite.
    await outage.start('kafka');
    await outage.start('store');
    await fixture.tearDown();
    await events?.stop();
  });

  it('should complete an import, with every event, when Kafka stops and restarts mid-import', async () => {
    const { datasetId, importId } = await fixture.createDataset({
      connection_id: connectionId,
      location: 'large.csv',
    });
    const before = await fixture.checkpointPast(importId, ROWS * 0.1);
    expect(before.status).toBe('running');

    await outage.stop('kafka');
    const during = await fixture.checkpointPast(importId, before.rowsRead + 20_000);
    await sleep(5_000);
    await outage.start('kafka');

    const finished = await fixture.importDone(datasetId, importId);
    const stored = await fixture.storedRecords(importId);
    const ready = await allReady();
    const messages = await events.waitForMessages(
      (m) =>
        m.key === datasetId && m.headers.domain === fixture.domain && m.topic !== IMPORT_REQUESTED_V1.topic,
      4,
      120_000,
    );
    await sleep(2_000);
    const all = events.messages.filter((m) => m.key === datasetId && m.headers.domain === fixture.domain);

    expect(during.rowsRead > before.rowsRead).toBe(true);
    expect(finished).toMatchObject({ status: 'succeeded', rows: ROWS, records: ROWS, error: null });
    expect(stored).toEqual({ count: ROWS, positions: ROWS, mismatched: 0, lastPosition: ROWS - 1 });
    expect(ready).toEqual([true, true, true]);
    expect(messages.length >= 4).toBe(true);
    expect(countByTopic(all)).toEqual({
      [DATASET_CREATED_V1.topic]: 1,
      [IMPORT_REQUESTED_V1.topic]: 1,
      [IMPORT_STARTED_V1.topic]: 1,
      [IMPORT_SUCCEEDED_V1.topic]: 1,
      [DATASET_UPDATED_V1.topic]: 1,
    });
  });

  it('should answer a clear retryable 503 to a connection asked while Kafka was down, and validate it once Kafka is back', async () => {
    const keys = await fixture.readerKeys();
    const body = {
      title: 'Asked during the outage',
      type: 's3',
      auth: {
        method: 'sigv4',
        url: `${fixture.environment.awsEndpoint}/${fixture.bucket}/`,
        region: fixture.environment.awsRegion,
        access_key: keys.accessKeyId,
        secret_access_key: keys.secretAccessKey,
      },
    };
    await outage.stop('kafka');
    const during = await fixture.connections.call<ErrorBody>('POST', '/api/v1/connections', body);
    await outage.start('kafka');
    const after = await waitFor(
      async () => {
        const answer = await fixture.connections.call<{ id: string; status: string } & ErrorBody>(
          'POST',
          '/api/v1/connections',
          body,
        );
        return answer.body.error?.code === 'CREDENTIAL_BROKER_UNAVAILABLE' ? undefined : answer;
      },
      { timeoutMs: 120_000, intervalMs: 2_000, what: 'the connection to be validated after Kafka returned' },
    );
    await fixture.waitUntilImporterKnowsConnection(after.body.id);
    const validated = await events.waitForMessages(
      (m) => m.key === after.body.id && m.topic === CONNECTION_VALIDATED_V1.topic,
      1,
      60_000,
    );
    const ready = await allReady();

    // "nothing was changed": the refused attempt left no connection behind, the retried one is the only one.
    expect([during.status, during.body.error?.code]).toEqual([503, 'CREDENTIAL_BROKER_UNAVAILABLE']);
    expect([after.status, after.body.status, validated.length]).toEqual([201, 'valid', 1]);
    expect(ready).toEqual([true, true, true]);
  });

  it('should pause an import while the store is down and complete it with exact counts after it returns', async () => {
    await fixture.put('store.csv', numberedCsv(ROWS));
    const { datasetId, importId } = await fixture.createDataset({
      connection_id: connectionId,
      location: 'store.csv',
    });
    const before = await fixture.checkpointPast(importId, ROWS * 0.1);
    expect(before.status).toBe('running');

    await outage.stop('store');
    // Longer than the driver's buffering (10 s): the run really fails and is picked up again.
    await sleep(15_000);
    await outage.start('store');

    const finished = await fixture.importDone(datasetId, importId, 400_000);
    const stored = await fixture.storedRecords(importId);
    const dataset = await fixture.datasets.call<{ record_count: number } & ErrorBody>(
      'GET',
      `/api/v1/datasets/${datasetId}`,
    );
    const ready = await allReady();

    expect(finished).toMatchObject({
      status: 'succeeded',
      rows: ROWS,
      records: ROWS,
      rejected: 0,
      error: null,
    });
    expect(dataset.body.record_count).toBe(ROWS);
    expect(stored).toEqual({ count: ROWS, positions: ROWS, mismatched: 0, lastPosition: ROWS - 1 });
    expect(ready).toEqual([true, true, true]);
  });
});
