import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { IMPORT_REQUESTED_V1, IMPORT_STARTED_V1, IMPORT_SUCCEEDED_V1, MessageHeader } from '@s3c/contracts';
import { currentEnvironment, FaultProxy, KafkaTestConsumer, waitFor } from '@s3c/testing';
import { numberedCsv, randomPoints, ReliabilityFixture } from './reliability-fixture';

const ROWS = 200_000;
const KILLS = 3;
/**
 * The files (~14 MB) reach the importer at this pace, through a proxy: an import then lasts ~14 s however
 * fast the importer is, so that every kill point is reached while it runs (checkpoints come every second,
 * ~14 000 rows apart, and the last point is 20 000 rows before the end).
 */
const BODY_BYTES_PER_SECOND = 1_000_000;

describe('an import survives its importer being killed or stopped', () => {
  const awsHost = new URL(currentEnvironment().awsEndpoint).host;
  const proxy = new FaultProxy(currentEnvironment().awsEndpoint);
  let fixture: ReliabilityFixture;
  let connectionId: string;
  let events: KafkaTestConsumer;

  beforeAll(async () => {
    await proxy.start();
    proxy.onStreamingGet(() => ({ bytesPerSecond: BODY_BYTES_PER_SECOND }));
    // Small batches and a short lease: many checkpoints, and a quick takeover by the restarted importer.
    fixture = new ReliabilityFixture({
      EGRESS_ALLOW_LIST: `${awsHost},${proxy.host}`,
      EGRESS_ALLOW_HTTP: `${awsHost},${proxy.host}`,
      IMPORT_BATCH_SIZE: '1000',
      IMPORT_LEASE_MS: '3000',
      SHUTDOWN_GRACE_MS: '15000',
    });
    events = await new KafkaTestConsumer(fixture.environment.kafkaBrokers).start([
      IMPORT_STARTED_V1.topic,
      IMPORT_SUCCEEDED_V1.topic,
    ]);
    await fixture.setUp();
    await fixture.put('large.csv', numberedCsv(ROWS));
    // The broker signs for the proxy's address; the proxy passes the Host header on, so moto verifies it.
    connectionId = await fixture.sigv4Connection(`${proxy.url}/${fixture.bucket}/`);
  }, 180_000);

  afterAll(async () => {
    await fixture?.tearDown();
    await events?.stop();
    await proxy.stop();
  });

  it(`should finish with exactly the rows of the file after ${KILLS} SIGKILLs at random points`, async () => {
    const points = randomPoints(KILLS, ROWS * 0.05, ROWS * 0.9);
    const { datasetId, importId } = await fixture.createDataset({
      connection_id: connectionId,
      location: 'large.csv',
    });
    const killedAt: number[] = [];
    let restarted: Promise<unknown> = Promise.resolve();

    for (const point of points) {
      const state = await fixture.checkpointPast(importId, point);
      if (state.status !== 'running') {
        process.stdout.write(`import not running at kill point ${point}: ${JSON.stringify(state)}\n`);
        break;
      }
      killedAt.push(state.rowsRead);
      restarted = (await fixture.killImporter()).started;
    }
    await restarted;
    const finished = await fixture.importDone(datasetId, importId);
    const stored = await fixture.storedRecords(importId);
    const dataset = await fixture.datasets.call<{ record_count: number }>(
      'GET',
      `/api/v1/datasets/${datasetId}`,
    );
    process.stdout.write(
      `SIGKILL points (rows): planned ${points.join(', ')}; killed at ${killedAt.join(', ')}\n`,
    );

    expect(killedAt).toHaveLength(KILLS);
    expect(finished).toMatchObject({
      status: 'succeeded',
      rows: ROWS,
      records: ROWS,
      rejected: 0,
      error: null,
    });
    expect(dataset.body.record_count).toBe(ROWS);
    expect(stored).toEqual({ count: ROWS, positions: ROWS, mismatched: 0, lastPosition: ROWS - 1 });
  });

  it('should checkpoint, commit its offsets and exit 0 on SIGTERM, then resume on restart', async () => {
    await fixture.put('term.csv', numberedCsv(ROWS));
    const first = await fixture.createDataset({ connection_id: connectionId, location: 'term.csv' });
    await fixture.importDone(first.datasetId, first.importId);
    // Asked for as another platform service would, over Kafka: the import exists only once the importer
    // has consumed the command, so at SIGTERM there is a consumed offset to commit.
    const { datasetId } = first;
    const importId = randomUUID();
    await sendCommand(fixture.environment.kafkaBrokers, {
      topic: IMPORT_REQUESTED_V1.topic,
      key: datasetId,
      domain: fixture.domain,
      value: { importId, datasetId, domain: fixture.domain, force: true, occurredAt: new Date().toISOString() },
    });
    await waitFor(async () => (await fixture.importDocument(importId)) !== null, {
      timeoutMs: 90_000,
      what: 'the importer to consume the import.requested command',
    });
    const running = await fixture.importPast(datasetId, importId, ROWS * 0.3);
    expect(running.status).toBe('running');

    const stopping = fixture.importer.stop('SIGTERM');
    const exitCode = await stopping;
    const logs = fixture.importer.output.join('\n');
    const paused = await fixture.importDocument(importId);
    const offsets = await committedVersusEnd(
      fixture.environment.kafkaBrokers,
      fixture.stack.env.DATASET_IMPORT_GROUP_ID,
      IMPORT_REQUESTED_V1.topic,
    );

    // Exit code 1 would mean the grace period ran out; 0 means every in-flight piece finished.
    expect(exitCode).toBe(0);
    expect(logs).toContain('Import paused, will resume');
    expect(paused).toMatchObject({ status: 'running', leaseOwner: expect.any(String) });
    expect((paused?.rowsRead as number) >= running.rows).toBe(true);
    expect(new Date(paused?.leaseExpiresAt as string).getTime() <= Date.now()).toBe(true);
    expect(offsets.behind).toEqual([]);

    await fixture.restartImporter('SIGTERM');
    const finished = await fixture.importDone(datasetId, importId);
    const stored = await fixture.storedRecords(importId);
    const resumed = await events.waitForMessages(
      (m) => m.topic === IMPORT_STARTED_V1.topic && JSON.parse(m.value ?? '{}').importId === importId,
      2,
    );

    expect(finished).toMatchObject({ status: 'succeeded', rows: ROWS, records: ROWS, error: null });
    expect(stored).toEqual({ count: ROWS, positions: ROWS, mismatched: 0, lastPosition: ROWS - 1 });
    expect(resumed.map((m) => JSON.parse(m.value ?? '{}').resumed as boolean)).toEqual([false, true]);
  });
});

/** Publishes one command with the headers every connector message carries. */
async function sendCommand(
  brokers: string[],
  command: { topic: string; key: string; domain: string; value: object },
): Promise<void> {
  const producer = new Kafka({ clientId: 'reliability-command', brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    await producer.send({
      topic: command.topic,
      messages: [
        {
          key: command.key,
          value: JSON.stringify(command.value),
          headers: {
            [MessageHeader.CorrelationId]: randomUUID(),
            [MessageHeader.SchemaVersion]: '1',
            [MessageHeader.Domain]: command.domain,
            [MessageHeader.MessageId]: randomUUID(),
            [MessageHeader.ContentType]: 'application/json',
          },
        },
      ],
    });
  } finally {
    await producer.disconnect();
  }
}

/** Partitions of `topic` where the group's committed offset is behind the end of the log. */
async function committedVersusEnd(
  brokers: string[],
  groupId: string,
  topic: string,
): Promise<{ behind: { partition: number; committed: string; end: string }[] }> {
  const admin = new Kafka({ clientId: 'reliability-offsets', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    const behind = ends
      .map((end) => ({
        partition: end.partition,
        end: end.high,
        committed: committed.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1',
      }))
      .filter((partition) => partition.end !== '0' && partition.committed !== partition.end);
    return { behind };
  } finally {
    await admin.disconnect();
  }
}
