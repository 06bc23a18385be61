import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import mongoose from 'mongoose';
import {
  type ApiAnswer,
  ApiClient,
  AppProcess,
  bucketReaderPolicy,
  ConnectorStack,
  createBucketWith,
  createIamUser,
  localAwsClients,
  uniqueName,
  waitFor,
} from '@s3c/testing';

export interface ImportBody {
  import_id: string;
  status: string;
  rows: number;
  records: number;
  rejected: number;
  error: { code: string; message: string; hint?: string } | null;
}

export interface ErrorBody {
  error?: { code: string; message: string };
}

/**
 * Where the importer keeps one import's records (apps/dataset-import record-store, record-blocks): blocks
 * of 1 000 consecutive records, `_id` the block's index as a zero-padded string, `count` records stored by
 * column (`columns.<field>[position]`); a large record is stored alone under `<block id>.<position>`, its
 * position listed in the block's `apart`. Read here independently of the importer's code, as a check.
 */
export function recordsCollectionName(importId: string): string {
  return `records_${importId}`;
}

const RECORDS_PER_BLOCK = 1000;

export interface StoredRecords {
  count: number;
  /** Distinct ordinals found. */
  positions: number;
  /** Records whose `id` is not their ordinal. */
  mismatched: number;
  lastPosition: number;
}

/**
 * Reads every stored record of an import: positions 0…n-1 each exactly once, and each holding the row
 * written at that position (`id` = position). Returns what was found, for one exact assertion.
 */
export async function readStoredRecords(store: mongoose.Connection, importId: string): Promise<StoredRecords> {
  const seen = new Set<number>();
  let count = 0;
  let mismatched = 0;
  let lastPosition = -1;
  type Stored = { _id: string; count?: number; columns?: { id?: unknown[] }; apart?: number[]; record?: { id?: unknown } };
  const cursor = store.collection<Stored>(recordsCollectionName(importId)).find({});
  for await (const stored of cursor) {
    const [block, position] = stored._id.split('.').map(Number);
    const apart = new Set(stored.apart);
    const ids: [number, unknown][] = stored.record
      ? [[block * RECORDS_PER_BLOCK + position, stored.record.id]]
      : Array.from({ length: stored.count ?? 0 }, (_, index) => [block * RECORDS_PER_BLOCK + index, stored.columns?.id?.[index]]);
    for (const [ordinal, id] of ids) {
      if (!stored.record && apart.has(ordinal % RECORDS_PER_BLOCK)) {
        continue; // a large record: counted from its own document
      }
      count += 1;
      seen.add(ordinal);
      lastPosition = Math.max(lastPosition, ordinal);
      if (id !== ordinal) {
        mismatched += 1;
      }
    }
  }
  return { count, positions: seen.size, mismatched, lastPosition };
}

/** `id` equals the row's position, so that stored records can be checked one by one. */
export function numberedCsv(rows: number): Buffer {
  const lines = ['id,name,amount,day,comment'];
  for (let index = 0; index < rows; index += 1) {
    lines.push(
      `${index},"Name, ${index}",${(index * 0.37).toFixed(2)},2024-01-${String((index % 28) + 1).padStart(2, '0')},"line with ""quotes"" ${index}"`,
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** Distinct random integers in [min, max), ascending. */
export function randomPoints(count: number, min: number, max: number): number[] {
  const points = new Set<number>();
  while (points.size < count) {
    points.add(min + Math.floor(Math.random() * (max - min)));
  }
  return [...points].sort((a, b) => a - b);
}

/**
 * One connector stack with a domain, a bucket and helpers to create connections and datasets and to
 * check what the store holds; the importer can be replaced (killed and started again) between steps.
 */
export class ReliabilityFixture {
  readonly stack: ConnectorStack;
  readonly environment: ConnectorStack['environment'];
  readonly admin: ReturnType<typeof localAwsClients>;
  readonly bucket = uniqueName('reliability');
  readonly domain = uniqueName('reldomain').slice(0, 40);
  apiKey = '';
  connections!: ApiClient;
  private storeConnection?: mongoose.Connection;

  constructor(extraEnv: Record<string, string> = {}) {
    this.stack = new ConnectorStack(extraEnv);
    this.environment = this.stack.environment;
    this.admin = localAwsClients(this.environment, this.environment.adminCredentials);
  }

  get importer(): AppProcess {
    return this.stack.apps['dataset-import'];
  }

  /** A client of the importer as it runs now (its port changes when it is restarted). */
  get datasets(): ApiClient {
    return new ApiClient(this.importer.baseUrl, this.apiKey);
  }

  async setUp(): Promise<this> {
    await this.stack.start();
    this.apiKey = this.stack.createDomainKey(this.domain);
    await this.stack.waitUntilImporterKnows(this.apiKey);
    this.connections = new ApiClient(this.stack.apps.connections.baseUrl, this.apiKey);
    await createBucketWith(this.admin.s3, this.environment, this.bucket);
    return this;
  }

  async tearDown(): Promise<void> {
    await this.stack.stop();
    await this.storeConnection?.close();
  }

  /**
   * SIGKILLs the importer and starts another without waiting for it to be ready: the new one takes
   * the import over as soon as the lease expires, long before it has joined its consumer group.
   * Returns the new one's start, to await once no more kills are planned.
   */
  async killImporter(): Promise<{ started: Promise<unknown> }> {
    await this.importer.stop('SIGKILL');
    const next = new AppProcess('dataset-import', this.stack.env);
    this.stack.apps['dataset-import'] = next;
    const started = next.start(120_000);
    started.catch(() => undefined);
    return { started };
  }

  /** Kills (or stops) the importer and starts a new one on the same databases and consumer group. */
  async restartImporter(signal: NodeJS.Signals): Promise<number | null> {
    const code = await this.importer.stop(signal);
    this.stack.apps['dataset-import'] = await new AppProcess('dataset-import', this.stack.env).start();
    return code;
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    await this.admin.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body }));
  }

  /** Access keys of a new IAM user allowed to read (and list) the bucket. */
  readerKeys(): Promise<{ accessKeyId: string; secretAccessKey: string }> {
    return createIamUser(this.admin.iam, bucketReaderPolicy(this.bucket));
  }


  /** A valid SigV4 connection to `url` (by default the bucket on the local AWS), known to the importer. */
  async sigv4Connection(url = `${this.environment.awsEndpoint}/${this.bucket}/`): Promise<string> {
    const keys = await this.readerKeys();
    // CREDENTIAL_BROKER_UNAVAILABLE (503) says "try again in a moment": a broker just started may still be catching up.
    const created = await waitFor(
      async () => {
        const answer = await this.connections.call<{ id: string; status: string } & ErrorBody>(
          'POST',
          '/api/v1/connections',
          {
            title: 'Reliability bucket',
            type: 's3',
            auth: {
              method: 'sigv4',
              url,
              region: this.environment.awsRegion,
              access_key: keys.accessKeyId,
              secret_access_key: keys.secretAccessKey,
            },
          },
        );
        return answer.body.error?.code === 'CREDENTIAL_BROKER_UNAVAILABLE' ? undefined : answer;
      },
      { timeoutMs: 90_000, intervalMs: 2_000, what: 'the credential broker to validate the connection' },
    );
    if (created.body.status !== 'valid') {
      throw new Error(`connection is ${created.body.status}: ${created.text}`);
    }
    await this.waitUntilImporterKnowsConnection(created.body.id);
    return created.body.id;
  }

  /**
   * A valid IAM-role connection, as the product documentation tells an admin to make it: the role
   * trusts the platform with the connection's external ID (its generated trust policy) and may read
   * the bucket. Returns the role's name and trust policy, to change or restore them.
   */
  async iamRoleConnection(): Promise<{
    connectionId: string;
    roleName: string;
    roleArn: string;
    trustPolicy: string;
  }> {
    const created = await waitFor(
      async () => {
        const answer = await this.connections.call<
          { id: string; setup?: { trust_policy: object } } & ErrorBody
        >('POST', '/api/v1/connections', {
          title: 'Reliability role',
          type: 's3',
          auth: { method: 'iam_role', region: this.environment.awsRegion },
        });
        return answer.body.error?.code === 'CREDENTIAL_BROKER_UNAVAILABLE' ? undefined : answer;
      },
      { timeoutMs: 90_000, intervalMs: 2_000, what: 'the connections service to know the platform identity' },
    );
    if (!created.body.setup) {
      throw new Error(`IAM-role connection not created: ${created.text}`);
    }
    const trustPolicy = JSON.stringify(created.body.setup.trust_policy);
    const roleName = uniqueName('reliability-role');
    const { Role } = await this.admin.iam.send(
      new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trustPolicy }),
    );
    const { actions, resources } = bucketReaderPolicy(this.bucket);
    await this.admin.iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: 'read-bucket',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: actions, Resource: resources }],
        }),
      }),
    );
    const roleArn = Role?.Arn ?? '';
    const updated = await this.connections.call<{ status: string }>(
      'PATCH',
      `/api/v1/connections/${created.body.id}`,
      { auth: { role_arn: roleArn } },
    );
    if (updated.body.status !== 'valid') {
      throw new Error(`IAM-role connection is ${updated.body.status}: ${updated.text}`);
    }
    // The importer learns the connection from its created event (invalid), then from its validation.
    await waitFor(
      async () => {
        const answer = await this.datasets.call<ErrorBody>('POST', '/api/v1/sources/preview', {
          connection_id: created.body.id,
          location: `s3://${this.bucket}/never-there.csv`,
        });
        return !['CONNECTION_NOT_FOUND', 'CONNECTION_NOT_VALID'].includes(answer.body.error?.code ?? '');
      },
      { timeoutMs: 60_000, what: 'the importer to know the connection as valid' },
    );
    return { connectionId: created.body.id, roleName, roleArn, trustPolicy };
  }

  async waitUntilImporterKnowsConnection(connectionId: string): Promise<void> {
    await waitFor(
      async () => {
        const answer = await this.datasets.call<ErrorBody>('POST', '/api/v1/sources/preview', {
          connection_id: connectionId,
          location: 'never-there.csv',
        });
        return answer.body.error?.code !== 'CONNECTION_NOT_FOUND';
      },
      { timeoutMs: 60_000, what: 'the importer to know the connection' },
    );
  }

  async createDataset(
    source: Record<string, unknown>,
    title = uniqueName('Reliability'),
  ): Promise<{ datasetId: string; importId: string }> {
    // Right after an outage the broker may still be rejoining its group: a 503 asks to try again, as a client would.
    const created = await waitFor(
      async () => {
        const answer = await this.datasets.call<{ dataset_id: string; import: ImportBody }>(
          'POST',
          '/api/v1/datasets',
          { title, source },
        );
        return answer.status === 503 ? undefined : answer;
      },
      { timeoutMs: 60_000, intervalMs: 2_000, what: 'the dataset to be created (503 while the credential broker is unavailable)' },
    );
    if (created.status !== 201) {
      throw new Error(`dataset not created (${created.status}): ${created.text}`);
    }
    return { datasetId: created.body.dataset_id, importId: created.body.import.import_id };
  }

  async importState(datasetId: string, importId: string): Promise<ImportBody> {
    return (await this.datasets.call<ImportBody>('GET', `/api/v1/datasets/${datasetId}/imports/${importId}`))
      .body;
  }

  /** Polls the import until it is at least `rows` in (or finished). */
  async importPast(
    datasetId: string,
    importId: string,
    rows: number,
    timeoutMs = 300_000,
  ): Promise<ImportBody> {
    return waitFor(
      async () => {
        const state = await this.importState(datasetId, importId);
        return state.rows >= rows || ['succeeded', 'failed'].includes(state.status) ? state : undefined;
      },
      { timeoutMs, intervalMs: 25, what: `import ${importId} past row ${rows}` },
    );
  }

  async importDone(datasetId: string, importId: string, timeoutMs = 300_000): Promise<ImportBody> {
    return waitFor(
      async () => {
        const state = await this.importState(datasetId, importId);
        return ['succeeded', 'failed', 'unchanged'].includes(state.status) ? state : undefined;
      },
      { timeoutMs, intervalMs: 250, what: `import ${importId} to finish` },
    );
  }

  async recordTotal(
    datasetId: string,
  ): Promise<ApiAnswer<{ total: number; items: Record<string, unknown>[] }>> {
    return this.datasets.call('GET', `/api/v1/datasets/${datasetId}/records?limit=5`);
  }

  /** The importer's database, read directly: it answers while the importer is down or restarting. */
  async store(): Promise<mongoose.Connection> {
    this.storeConnection ??= await mongoose
      .createConnection(this.environment.mongodbUri, { dbName: this.stack.env.DATASET_IMPORT_DATABASE })
      .asPromise();
    return this.storeConnection;
  }

  /** Every stored record of an import, checked position by position (see readStoredRecords). */
  async storedRecords(importId: string): Promise<StoredRecords> {
    return readStoredRecords(await this.store(), importId);
  }

  async importDocument(importId: string): Promise<Record<string, unknown> | null> {
    return (await this.store())
      .collection('imports')
      .findOne({ _id: importId as never }, { projection: { outbox: 0 } });
  }

  /** Waits, reading the store, until the import's checkpoint is at least `rows` in (or it finished). */
  async checkpointPast(
    importId: string,
    rows: number,
    timeoutMs = 300_000,
  ): Promise<{ status: string; rowsRead: number }> {
    return waitFor(
      async () => {
        const state = (await this.importDocument(importId)) as { status: string; rowsRead: number } | null;
        return state &&
          (state.rowsRead >= rows || ['succeeded', 'failed', 'unchanged'].includes(state.status))
          ? state
          : undefined;
      },
      { timeoutMs, intervalMs: 50, what: `import ${importId} checkpointed past row ${rows}` },
    );
  }
}
