import { currentEnvironment, FaultProxy, waitFor } from '@s3c/testing';
import { numberedCsv, ReliabilityFixture } from './reliability-fixture';

const ROWS = 100_000;
/** Runs × (first read + resumes) an import makes before it fails for good (import-runner: 8 runs, 5 resumes each). */
const MAX_READS = 8 * 6;

function rangeStart(range: string | string[] | undefined): number {
  const match = /^bytes=(\d+)-$/.exec(String(range));
  return match ? Number(match[1]) : -1;
}

/** Records a failed import left in the store, once its clean-up had time to run (0 expected). */
async function leftoverRecords(fixture: ReliabilityFixture, importId: string): Promise<number> {
  const settled = await waitFor(
    async () => ((await fixture.storedRecords(importId)).count === 0 ? 0 : undefined),
    { timeoutMs: 90_000, what: 'the failed import to be cleaned up' },
  ).catch(() => undefined);
  return settled ?? (await fixture.storedRecords(importId)).count;
}

describe('an import through a faulty connection to S3 (fault proxy on loopback)', () => {
  const awsHost = new URL(currentEnvironment().awsEndpoint).host;
  const proxy = new FaultProxy(currentEnvironment().awsEndpoint);
  let fixture: ReliabilityFixture;
  let connectionId: string;
  let fileSize: number;

  beforeAll(async () => {
    await proxy.start();
    // The broker signs for the proxy's address; the proxy passes the Host header on, so moto verifies it.
    fixture = new ReliabilityFixture({
      EGRESS_ALLOW_LIST: `${awsHost},${proxy.host}`,
      EGRESS_ALLOW_HTTP: `${awsHost},${proxy.host}`,
      IMPORT_IDLE_TIMEOUT_MS: '1500',
      IMPORT_BATCH_SIZE: '1000',
    });
    await fixture.setUp();
    const file = numberedCsv(ROWS);
    fileSize = file.length;
    await fixture.put('large.csv', file);
    connectionId = await fixture.sigv4Connection(`${proxy.url}/${fixture.bucket}/`);
  }, 180_000);

  afterAll(async () => {
    await fixture?.tearDown();
    await proxy.stop();
  });

  /** Imports large.csv with `fault` applied to its reads; returns the import's end, its reads and what the store holds. */
  async function importLargeFile(fault: Parameters<FaultProxy['onStreamingGet']>[0]) {
    proxy.onStreamingGet(fault);
    const first = proxy.streamingGets().length;
    const { datasetId, importId } = await fixture.createDataset({
      connection_id: connectionId,
      location: 'large.csv',
    });
    const finished = await fixture.importDone(datasetId, importId);
    return {
      finished,
      reads: proxy.streamingGets().slice(first),
      stored: await fixture.storedRecords(importId),
    };
  }

  it('should resume with a ranged GET from its checkpoint when the connection drops mid-body', async () => {
    const { finished, reads, stored } = await importLargeFile((index) =>
      index === 0 ? { dropAfterBytes: Math.floor(fileSize * 0.6), bytesPerSecond: 2_000_000 } : undefined,
    );

    expect(reads.map((read) => read.fault)).toEqual(['dropped', 'none']);
    expect(rangeStart(reads[0].headers.range)).toBe(0);
    // Resumed from the last checkpoint: past the start, not past the cut.
    expect(
      rangeStart(reads[1].headers.range) > 0 && rangeStart(reads[1].headers.range) <= reads[0].bytesSent,
    ).toBe(true);
    expect(reads[1].status).toBe(206);
    expect(finished).toMatchObject({
      status: 'succeeded',
      rows: ROWS,
      records: ROWS,
      rejected: 0,
      error: null,
    });
    expect(stored).toEqual({ count: ROWS, positions: ROWS, mismatched: 0, lastPosition: ROWS - 1 });
  });

  it('should cut a body that stalls after its headers (idle timeout) and resume from the checkpoint', async () => {
    const { finished, reads, stored } = await importLargeFile((index) =>
      index === 0 ? { stallAfterBytes: Math.floor(fileSize * 0.5), bytesPerSecond: 2_000_000 } : undefined,
    );

    expect(reads.map((read) => read.fault)).toEqual(['stalled', 'none']);
    expect(
      rangeStart(reads[1].headers.range) > 0 && rangeStart(reads[1].headers.range) <= reads[0].bytesSent,
    ).toBe(true);
    expect(finished).toMatchObject({ status: 'succeeded', rows: ROWS, records: ROWS, error: null });
    expect(stored).toEqual({ count: ROWS, positions: ROWS, mismatched: 0, lastPosition: ROWS - 1 });
  });

  it('should stall right after the headers and still resume', async () => {
    const { finished, reads, stored } = await importLargeFile((index) =>
      index === 0 ? { stallAfterBytes: 0 } : undefined,
    );

    expect(reads.map((read) => [read.fault, rangeStart(read.headers.range)])).toEqual([
      ['stalled', 0],
      ['none', 0],
    ]);
    expect(finished).toMatchObject({ status: 'succeeded', rows: ROWS, records: ROWS, error: null });
    expect(stored).toEqual({ count: ROWS, positions: ROWS, mismatched: 0, lastPosition: ROWS - 1 });
  });

  it(`should give up with SOURCE_UNREACHABLE after ${MAX_READS} cut reads and keep the previous records`, async () => {
    await fixture.put('flaky.csv', numberedCsv(1_000));
    proxy.onStreamingGet(() => undefined);
    const { datasetId, importId: firstImport } = await fixture.createDataset({
      connection_id: connectionId,
      location: 'flaky.csv',
    });
    expect(await fixture.importDone(datasetId, firstImport)).toMatchObject({
      status: 'succeeded',
      records: 1_000,
    });
    await fixture.put('flaky.csv', numberedCsv(2_000));
    proxy.onStreamingGet(() => ({ dropAfterBytes: 100 }));
    const first = proxy.streamingGets().length;

    const requested = await fixture.datasets.call<{ import_id: string }>(
      'POST',
      `/api/v1/datasets/${datasetId}/imports`,
      {},
    );
    const finished = await fixture.importDone(datasetId, requested.body.import_id, 400_000);
    const reads = proxy.streamingGets().slice(first);
    const served = await fixture.recordTotal(datasetId);

    const leftover = await leftoverRecords(fixture, requested.body.import_id);

    // One exact outcome: the code, the bounded number of reads (every one cut), the old records served, nothing left behind.
    expect({
      status: finished.status,
      code: finished.error?.code,
      reads: reads.length,
      dropped: reads.filter((read) => read.fault === 'dropped').length,
      served: served.body.total,
      leftover,
    }).toEqual({
      status: 'failed',
      code: 'SOURCE_UNREACHABLE',
      reads: MAX_READS,
      dropped: MAX_READS,
      served: 1_000,
      leftover: 0,
    });
  });

  it('should fail with OBJECT_CHANGED, never mixing versions, when the object is replaced during the import', async () => {
    await fixture.put('replaced.csv', numberedCsv(ROWS));
    proxy.onStreamingGet(() => undefined);
    const { datasetId, importId: firstImport } = await fixture.createDataset({
      connection_id: connectionId,
      location: 'replaced.csv',
    });
    expect(await fixture.importDone(datasetId, firstImport)).toMatchObject({
      status: 'succeeded',
      records: ROWS,
    });
    await fixture.put('replaced.csv', numberedCsv(ROWS + 1));
    // Slow the new read down, replace the object under it, then cut the connection: the resume must not read the replacement.
    proxy.onStreamingGet((index) =>
      index === 0 ? { dropAfterBytes: Math.floor(fileSize * 0.6), bytesPerSecond: 1_000_000 } : undefined,
    );
    const first = proxy.streamingGets().length;

    const requested = await fixture.datasets.call<{ import_id: string }>(
      'POST',
      `/api/v1/datasets/${datasetId}/imports`,
      {},
    );
    await waitFor(() => (proxy.streamingGets()[first]?.bytesSent ?? 0) > fileSize * 0.2, {
      timeoutMs: 60_000,
      what: 'the new version to be half read',
    });
    await fixture.put('replaced.csv', numberedCsv(ROWS + 2));
    const finished = await fixture.importDone(datasetId, requested.body.import_id);
    const reads = proxy.streamingGets().slice(first);
    const served = await fixture.recordTotal(datasetId);
    const dataset = await fixture.datasets.call<{ record_count: number }>(
      'GET',
      `/api/v1/datasets/${datasetId}`,
    );

    expect(finished).toMatchObject({ status: 'failed', error: { code: 'OBJECT_CHANGED' } });
    expect(reads.map((read) => [read.fault, read.status])).toEqual([
      ['dropped', 206],
      ['none', 412],
    ]);
    expect([served.body.total, dataset.body.record_count]).toEqual([ROWS, ROWS]);
    expect(await leftoverRecords(fixture, requested.body.import_id)).toBe(0);
    expect(await fixture.storedRecords(firstImport)).toEqual({
      count: ROWS,
      positions: ROWS,
      mismatched: 0,
      lastPosition: ROWS - 1,
    });
  });
});
