import mongoose from 'mongoose';
import { ApiClient, AppProcess, ConnectorStack, createBucketWith, createIamUser, localAwsClients, uniqueName, waitFor } from '@s3c/testing';
import { readStoredRecords } from './reliability/reliability-fixture';

// Progress is checkpointed once a second, so the import must last a few seconds for the test to see it
// running: 150 000 rows once did, and were imported in under a second once writes got faster.
const ROWS = 600_000;

interface ImportBody {
  import_id: string;
  status: string;
  rows: number;
  records: number;
  error: { code: string } | null;
}

function largeCsv(rows: number): Buffer {
  const lines = ['id,name,amount,day,comment'];
  for (let index = 0; index < rows; index += 1) {
    lines.push(`${index},"Name, ${index}",${(index * 0.37).toFixed(2)},2024-01-${String((index % 28) + 1).padStart(2, '0')},"line with ""quotes"" ${index}"`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

describe('an import survives its importer being killed', () => {
  // Small batches and a short lease: many checkpoints, and a quick takeover by the restarted importer.
  const stack = new ConnectorStack({ IMPORT_BATCH_SIZE: '1000', IMPORT_LEASE_MS: '3000' });
  const { environment } = stack;
  const admin = localAwsClients(environment, environment.adminCredentials);
  const bucket = uniqueName('large');
  let datasets: ApiClient;
  let importer: AppProcess;

  beforeAll(async () => {
    await stack.start();
    const key = stack.createDomainKey(uniqueName('resume').slice(0, 40));
    await stack.waitUntilImporterKnows(key);
    const connections = new ApiClient(stack.apps.connections.baseUrl, key);
    datasets = new ApiClient(stack.apps['dataset-import'].baseUrl, key);
    importer = stack.apps['dataset-import'];
    await createBucketWith(admin.s3, environment, bucket, { 'large.csv': largeCsv(ROWS) });
    const reader = await createIamUser(admin.iam, { actions: ['s3:GetObject'], resources: [`arn:aws:s3:::${bucket}/*`] });
    const created = await connections.call<{ id: string }>('POST', '/api/v1/connections', {
      title: 'Large',
      type: 's3',
      auth: { method: 'sigv4', url: `${environment.awsEndpoint}/${bucket}/large.csv`, region: environment.awsRegion, access_key: reader.accessKeyId, secret_access_key: reader.secretAccessKey },
    });
    await waitFor(async () => (await datasets.call('POST', '/api/v1/sources/preview', { connection_id: created.body.id })).status === 200, {
      what: 'the importer to know the connection',
    });
    const dataset = await datasets.call<{ dataset_id: string; import: ImportBody }>('POST', '/api/v1/datasets', {
      title: 'Large file',
      source: { connection_id: created.body.id },
    });
    datasetId = dataset.body.dataset_id;
    importId = dataset.body.import.import_id;
  }, 180_000);

  let datasetId: string;
  let importId: string;

  afterAll(async () => {
    await stack.stop();
    await importer?.stop();
  });

  it('should finish with exactly the rows of the file after a SIGKILL mid-import', async () => {
    const before = await waitFor(
      async () => {
        const state = await datasets.call<ImportBody>('GET', `/api/v1/datasets/${datasetId}/imports/${importId}`);
        return state.body.rows >= 10_000 ? state.body : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 50, what: 'the import to be under way' },
    );
    expect(before.status).toBe('running');

    await stack.apps['dataset-import'].stop('SIGKILL');
    importer = await new AppProcess('dataset-import', stack.env).start();
    const restarted = new ApiClient(importer.baseUrl, datasets.apiKey);

    const finished = await waitFor(
      async () => {
        const state = await restarted.call<ImportBody>('GET', `/api/v1/datasets/${datasetId}/imports/${importId}`);
        return ['succeeded', 'failed'].includes(state.body.status) ? state.body : undefined;
      },
      { timeoutMs: 300_000, what: 'the resumed import to finish' },
    );
    expect(finished).toMatchObject({ status: 'succeeded', rows: ROWS, records: ROWS, error: null });
    const dataset = await restarted.call<{ record_count: number }>('GET', `/api/v1/datasets/${datasetId}`);
    expect(dataset.body.record_count).toBe(ROWS);

    // No duplicate and no gap: one stored record per position 0…ROWS-1.
    const store = await mongoose.createConnection(environment.mongodbUri, { dbName: stack.env.DATASET_IMPORT_DATABASE }).asPromise();
    try {
      expect(await readStoredRecords(store, importId)).toEqual({ count: ROWS, positions: ROWS, mismatched: 0, lastPosition: ROWS - 1 });
    } finally {
      await store.close();
    }
  });
});
