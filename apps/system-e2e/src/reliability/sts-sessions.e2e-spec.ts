import { UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { currentEnvironment, FaultProxy, waitFor } from '@s3c/testing';
import { numberedCsv, ReliabilityFixture } from './reliability-fixture';

const ROWS = 200_000;
/** The shortest session STS grants; a margin one second shorter makes every signing a second later renew it. */
const SESSION_DURATION_SECONDS = 900;
const REFRESH_MARGIN_SECONDS = 899;
/** Reads cut before the one that finishes: resumes stay within one run (import-runner allows 5). */
const CUT_READS = 4;
const ROLE_NOT_ASSUMABLE_MESSAGE =
  'ODS AWS account is not authorized to assume the role identified by role_arn';

interface BrokerLine {
  msg?: string;
  connectionId?: string;
  accessKeyId?: string;
  expiresAt?: string;
  code?: string;
}

function rangeStart(range: string | string[] | undefined): number {
  const match = /^bytes=(\d+)-$/.exec(String(range));
  return match ? Number(match[1]) : -1;
}

/** The access key ID a SigV4 Authorization header names (`Credential=<key>/<date>/…`). */
function accessKeyOf(authorization: string | string[] | undefined): string {
  return /Credential=([^/]+)\//.exec(String(authorization))?.[1] ?? '';
}

describe('role sessions during long imports (short STS sessions, trust withdrawn mid-import)', () => {
  const awsHost = new URL(currentEnvironment().awsEndpoint).host;
  // Between the apps and the local AWS: the broker's STS calls and every read of an IAM-role connection.
  const proxy = new FaultProxy(currentEnvironment().awsEndpoint);
  let fixture: ReliabilityFixture;

  beforeAll(async () => {
    await proxy.start();
    fixture = new ReliabilityFixture({
      AWS_ENDPOINT_URL: proxy.url,
      EGRESS_ALLOW_LIST: `${awsHost},${proxy.host}`,
      EGRESS_ALLOW_HTTP: `${awsHost},${proxy.host}`,
      STS_SESSION_DURATION_SECONDS: String(SESSION_DURATION_SECONDS),
      STS_SESSION_REFRESH_MARGIN_SECONDS: String(REFRESH_MARGIN_SECONDS),
      IMPORT_BATCH_SIZE: '1000',
    });
    await fixture.setUp();
  }, 180_000);

  afterAll(async () => {
    await fixture?.tearDown();
    await proxy.stop();
  });

  /** What the broker logged about role sessions of one connection. */
  function brokerLines(connectionId: string): BrokerLine[] {
    return fixture.stack.apps['credential-broker'].output
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as BrokerLine)
      .filter((line) => line.connectionId === connectionId);
  }

  it('should sign every resumed read of a long import with a renewed, unexpired session and succeed', async () => {
    const { connectionId } = await fixture.iamRoleConnection();
    const file = numberedCsv(ROWS);
    await fixture.put('long.csv', file);
    const sentAt: number[] = [];
    proxy.onStreamingGet((index) => {
      sentAt.push(Date.now());
      // A sixth of the file per cut read: each read outlasts the one-second life of a session.
      return index < CUT_READS
        ? { dropAfterBytes: Math.floor(file.length / 6), bytesPerSecond: 1_000_000 }
        : undefined;
    });
    const firstRead = proxy.streamingGets().length;
    const firstRequest = proxy.requests.length;

    const { datasetId, importId } = await fixture.createDataset({
      connection_id: connectionId,
      location: `s3://${fixture.bucket}/long.csv`,
    });
    const finished = await fixture.importDone(datasetId, importId);
    const reads = proxy.streamingGets().slice(firstRead);
    const stored = await fixture.storedRecords(importId);
    const sessions = brokerLines(connectionId).filter((line) =>
      /^Role session (assumed|renewed)$/.test(line.msg ?? ''),
    );
    const expiresAt = new Map(sessions.map((line) => [line.accessKeyId, Date.parse(line.expiresAt ?? '')]));
    const usedKeys = reads.map((read) => accessKeyOf(read.headers.authorization));
    const tokens = reads.map((read) => String(read.headers['x-amz-security-token']));
    const logs = fixture.stack.logs().join('\n');

    // moto honours expired sessions (it never answers ExpiredToken), so the suite checks expiry as AWS does:
    // each read must carry a session the broker logged, unexpired when the read reached the store.
    expect({
      status: finished.status,
      records: finished.records,
      error: finished.error,
      reads: reads.map((read) => [read.fault, read.status]),
      refusedRequests: proxy.requests
        .slice(firstRequest)
        .filter((request) => request.status !== 200 && request.status !== 206)
        .map((request) => `${request.method} ${request.path} ${request.status}`),
      distinctSessions: new Set(usedKeys).size,
      sessionsNotLogged: usedKeys.filter((key) => !expiresAt.has(key)),
      expiredWhenSent: usedKeys.filter((key, index) => !((expiresAt.get(key) ?? 0) > sentAt[index])),
      tokensInLogs: tokens.filter((token) => logs.includes(token)).length,
    }).toEqual({
      status: 'succeeded',
      records: ROWS,
      error: null,
      reads: [...Array.from({ length: CUT_READS }, () => ['dropped', 206]), ['none', 206]],
      refusedRequests: [],
      distinctSessions: CUT_READS + 1,
      sessionsNotLogged: [],
      expiredWhenSent: [],
      tokensInLogs: 0,
    });
    expect(sessions.filter((line) => line.msg === 'Role session renewed').length).toBeGreaterThanOrEqual(
      CUT_READS,
    );
    expect(stored).toEqual({ count: ROWS, positions: ROWS, mismatched: 0, lastPosition: ROWS - 1 });
  });

  it('should fail with ROLE_NOT_ASSUMABLE when the trust is withdrawn mid-import, keep the served records, and import again once restored', async () => {
    const { connectionId, roleName, trustPolicy } = await fixture.iamRoleConnection();
    const location = `s3://${fixture.bucket}/revoked.csv`;
    await fixture.put('revoked.csv', numberedCsv(1_000));
    proxy.onStreamingGet(() => undefined);
    const { datasetId, importId: servedImport } = await fixture.createDataset({
      connection_id: connectionId,
      location,
    });
    expect(await fixture.importDone(datasetId, servedImport)).toMatchObject({
      status: 'succeeded',
      records: 1_000,
    });
    const file = numberedCsv(ROWS);
    await fixture.put('revoked.csv', file);
    // Slow and cut half-way: the trust is withdrawn while the first read streams, and the resume needs a new session.
    proxy.onStreamingGet((index) =>
      index === 0 ? { dropAfterBytes: Math.floor(file.length / 2), bytesPerSecond: 500_000 } : undefined,
    );
    const firstRead = proxy.streamingGets().length;

    const requested = await fixture.datasets.call<{ import_id: string }>(
      'POST',
      `/api/v1/datasets/${datasetId}/imports`,
      {},
    );
    const running = await fixture.checkpointPast(requested.body.import_id, 10_000);
    await fixture.admin.iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: roleName,
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::111122223333:root' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );
    const failed = await fixture.importDone(datasetId, requested.body.import_id);
    const failedReads = proxy.streamingGets().slice(firstRead);
    const served = await fixture.recordTotal(datasetId);
    const leftover = await waitFor(
      async () => ((await fixture.storedRecords(requested.body.import_id)).count === 0 ? 0 : undefined),
      { timeoutMs: 90_000, what: 'the failed import to be cleaned up' },
    ).catch(async () => (await fixture.storedRecords(requested.body.import_id)).count);
    const refusals = brokerLines(connectionId).filter((line) => line.msg === 'Role session refused');

    expect({
      statusWhenWithdrawn: running.status,
      status: failed.status,
      error: failed.error,
      reads: failedReads.map((read) => [read.fault, read.status]),
      served: served.body.total,
      leftover,
      refusals: refusals.map((line) => line.code),
    }).toEqual({
      statusWhenWithdrawn: 'running',
      status: 'failed',
      // The hint names the role and the condition to put back in its trust policy.
      error: {
        code: 'ROLE_NOT_ASSUMABLE',
        message: ROLE_NOT_ASSUMABLE_MESSAGE,
        hint: expect.stringMatching(new RegExp(`role/${roleName} .*sts:ExternalId`)),
      },
      reads: [['dropped', 206]],
      served: 1_000,
      leftover: 0,
      refusals: ['ROLE_NOT_ASSUMABLE'],
    });

    await fixture.admin.iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trustPolicy }),
    );
    proxy.onStreamingGet(() => undefined);
    const retryRead = proxy.streamingGets().length;
    const again = await fixture.datasets.call<{ import_id: string }>(
      'POST',
      `/api/v1/datasets/${datasetId}/imports`,
      {},
    );
    const finished = await fixture.importDone(datasetId, again.body.import_id);
    const retryReads = proxy.streamingGets().slice(retryRead);
    const stored = await fixture.storedRecords(again.body.import_id);
    const dataset = await fixture.datasets.call<{ record_count: number }>(
      'GET',
      `/api/v1/datasets/${datasetId}`,
    );

    // A failed import's records are deleted: the new import starts over from the first byte.
    expect({
      status: finished.status,
      records: finished.records,
      error: finished.error,
      readsFrom: retryReads.map((read) => rangeStart(read.headers.range)),
      recordCount: dataset.body.record_count,
    }).toEqual({ status: 'succeeded', records: ROWS, error: null, readsFrom: [0], recordCount: ROWS });
    expect(stored).toEqual({ count: ROWS, positions: ROWS, mismatched: 0, lastPosition: ROWS - 1 });
  });
});
