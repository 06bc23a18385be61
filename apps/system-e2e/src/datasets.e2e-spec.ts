import { PutObjectCommand } from '@aws-sdk/client-s3';
import iconv from 'iconv-lite';
import {
  DATASET_CREATED_V1,
  DATASET_UPDATED_V1,
  IMPORT_REQUESTED_V1,
  IMPORT_STARTED_V1,
  IMPORT_SUCCEEDED_V1,
  IMPORT_UNCHANGED_V1,
} from '@s3c/contracts';
import { type ApiAnswer, ApiClient, bucketReaderPolicy, ConnectorStack, createBucketWith, createIamUser, KafkaTestConsumer, localAwsClients, uniqueName, waitFor } from '@s3c/testing';

interface ImportBody {
  import_id: string;
  status: string;
  rows: number;
  records: number;
  rejected: number;
  percent: number;
  error: { code: string } | null;
}

const COMMUNES = ['Évreux', 'Besançon', 'Mâcon', 'Saint-Étienne', 'Orléans', 'Nîmes', 'Sète', 'Angoulême', 'Nancy', 'Béziers'];

/** A semicolon-separated Windows-1252 file as French open data often is. */
function communesCsv(rows: number): Buffer {
  const lines = ['Commune;Code postal;Population;Date de création;Superficie (km²)'];
  for (let index = 0; index < rows; index += 1) {
    const day = String((index % 28) + 1).padStart(2, '0');
    lines.push(`${COMMUNES[index % COMMUNES.length]} ${index};${String(1000 + index).padStart(5, '0')};${1000 * (index + 1)};1790-03-${day};${(index + 1) * 1.5}`.replace('.', ','));
  }
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'win1252');
}

describe('datasets end to end (preview, create, import, records, events)', () => {
  const stack = new ConnectorStack();
  const { environment } = stack;
  const admin = localAwsClients(environment, environment.adminCredentials);
  const bucket = uniqueName('opendata');
  const domain = uniqueName('mvdomain').slice(0, 40);
  let connections: ApiClient;
  let datasets: ApiClient;
  let otherDomain: ApiClient;
  let events: KafkaTestConsumer;
  let connectionId: string;

  async function put(key: string, body: Buffer | string): Promise<void> {
    await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  async function sigv4Connection(url: string): Promise<string> {
    const reader = await createIamUser(admin.iam, bucketReaderPolicy(bucket));
    const created = await connections.call<{ id: string; status: string }>('POST', '/api/v1/connections', {
      title: 'Open data bucket',
      type: 's3',
      auth: { method: 'sigv4', url, region: environment.awsRegion, access_key: reader.accessKeyId, secret_access_key: reader.secretAccessKey },
    });
    expect(created.body.status).toBe('valid');
    return created.body.id;
  }

  /** The importer learns connections from events: retry while it has not heard of this one yet. */
  function preview(body: object): Promise<ApiAnswer> {
    return waitFor(
      async () => {
        const answer = await datasets.call('POST', '/api/v1/sources/preview', body);
        return (answer.body as { error?: { code: string } }).error?.code === 'CONNECTION_NOT_FOUND' ? undefined : answer;
      },
      { what: 'the importer to know the connection' },
    );
  }

  function importDone(datasetId: string, importId: string): Promise<ImportBody> {
    return waitFor(
      async () => {
        const answer = await datasets.call<ImportBody>('GET', `/api/v1/datasets/${datasetId}/imports/${importId}`);
        return ['succeeded', 'failed', 'unchanged'].includes(answer.body.status) ? answer.body : undefined;
      },
      { timeoutMs: 120_000, what: `import ${importId} to finish` },
    );
  }

  beforeAll(async () => {
    events = await new KafkaTestConsumer(environment.kafkaBrokers).start(
      [DATASET_CREATED_V1, DATASET_UPDATED_V1, IMPORT_REQUESTED_V1, IMPORT_STARTED_V1, IMPORT_SUCCEEDED_V1, IMPORT_UNCHANGED_V1].map((contract) => contract.topic),
    );
    await stack.start();
    const key = stack.createDomainKey(domain);
    const otherKey = stack.createDomainKey(`${domain}-other`);
    await Promise.all([stack.waitUntilImporterKnows(key), stack.waitUntilImporterKnows(otherKey)]);
    connections = new ApiClient(stack.apps.connections.baseUrl, key);
    datasets = new ApiClient(stack.apps['dataset-import'].baseUrl, key);
    otherDomain = new ApiClient(stack.apps['dataset-import'].baseUrl, otherKey);
    await createBucketWith(admin.s3, environment, bucket);
    await put('communes.csv', communesCsv(30));
    connectionId = await sigv4Connection(`${environment.awsEndpoint}/${bucket}/`);
  }, 180_000);

  afterAll(async () => {
    await stack.stop();
    await events?.stop();
  });

  describe('the dataset story of the product documentation', () => {
    let datasetId: string;

    it('should preview the first 20 records of a semicolon-separated Windows-1252 file with the detected options', async () => {
      const answer = await preview({ connection_id: connectionId, location: 'communes.csv' });

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        config: { encoding: 'windows-1252', compression: 'none', delimiter: ';', quote_char: '"', header_row: true, skip_rows: 0 },
        detection: { delimiter: { value: ';', detected: true }, encoding: { value: 'windows-1252', detected: true } },
        fields: [
          { name: 'commune', label: 'Commune', type: 'text' },
          { name: 'code_postal', label: 'Code postal', type: 'text' },
          { name: 'population', label: 'Population', type: 'int' },
          { name: 'date_de_creation', label: 'Date de création', type: 'date' },
          { name: 'superficie_km2', label: 'Superficie (km²)', type: 'double' },
        ],
      });
      const records = answer.body.records as Record<string, unknown>[];
      expect(records).toHaveLength(20);
      expect(records[0]).toEqual({ commune: 'Évreux 0', code_postal: '01000', population: 1000, date_de_creation: '1790-03-01', superficie_km2: 1.5 });
      expect(answer.body.bytes_read).toBeLessThanOrEqual(512 * 1024);
    });

    it('should let the admin override an option and reflect it in the preview', async () => {
      const answer = await preview({ connection_id: connectionId, location: 'communes.csv', config: { header_row: false } });

      expect(answer.body).toMatchObject({ config: { header_row: false }, detection: { header_row: { value: false, detected: false } } });
      expect((answer.body.records as Record<string, unknown>[])[0]).toMatchObject({ column_1: 'Commune', column_3: 'Population' });
    });

    it('should create the dataset with its title and technical identifier and import the file', async () => {
      const created = await datasets.call<{ dataset_id: string; import: ImportBody }>('POST', '/api/v1/datasets', {
        title: 'Communes de France',
        source: { connection_id: connectionId, location: 'communes.csv', config: { delimiter: ';', encoding: 'windows-1252' } },
      });

      expect(created.status).toBe(201);
      datasetId = created.body.dataset_id;
      expect(datasetId).toBe('communes-de-france');
      const finished = await importDone(datasetId, created.body.import.import_id);
      expect(finished).toMatchObject({ status: 'succeeded', rows: 30, records: 30, rejected: 0, percent: 100, error: null });
    });

    it('should serve the records with their types', async () => {
      const page = await datasets.call<{ total: number; items: Record<string, unknown>[] }>('GET', `/api/v1/datasets/${datasetId}/records?limit=3&offset=10`);
      const dataset = await datasets.call<{ record_count: number; fields: unknown[] }>('GET', `/api/v1/datasets/${datasetId}`);

      expect(page.body.total).toBe(30);
      expect(page.body.items).toEqual([
        { commune: 'Évreux 10', code_postal: '01010', population: 11000, date_de_creation: '1790-03-11', superficie_km2: 16.5 },
        { commune: 'Besançon 11', code_postal: '01011', population: 12000, date_de_creation: '1790-03-12', superficie_km2: 18 },
        { commune: 'Mâcon 12', code_postal: '01012', population: 13000, date_de_creation: '1790-03-13', superficie_km2: 19.5 },
      ]);
      expect(dataset.body.record_count).toBe(30);
    });

    it('should tell consumers on Kafka: dataset created, import requested, started, succeeded, dataset updated', async () => {
      // Dataset ids are unique per domain, and the topics keep earlier runs' messages: match both.
      const messages = await events.waitForMessages((m) => m.key === datasetId && m.headers.domain === domain, 5);

      expect(new Set(messages.map((m) => m.topic))).toEqual(
        new Set([DATASET_CREATED_V1.topic, IMPORT_REQUESTED_V1.topic, IMPORT_STARTED_V1.topic, IMPORT_SUCCEEDED_V1.topic, DATASET_UPDATED_V1.topic]),
      );
    });

    it('should answer unchanged when the file did not change', async () => {
      const requested = await datasets.call<ImportBody>('POST', `/api/v1/datasets/${datasetId}/imports`, {});

      expect(requested.status).toBe(202);
      expect(await importDone(datasetId, requested.body.import_id)).toMatchObject({ status: 'unchanged' });
      await events.waitForMessages((m) => m.key === datasetId && m.headers.domain === domain && m.topic === IMPORT_UNCHANGED_V1.topic);
    });

    it('should replace the records when the file changed', async () => {
      await put('communes.csv', communesCsv(31));

      const requested = await datasets.call<ImportBody>('POST', `/api/v1/datasets/${datasetId}/imports`, {});

      expect(await importDone(datasetId, requested.body.import_id)).toMatchObject({ status: 'succeeded', records: 31 });
      const page = await datasets.call<{ total: number; items: unknown[] }>('GET', `/api/v1/datasets/${datasetId}/records?limit=100`);
      expect(page.body.total).toBe(31);
      expect(page.body.items).toHaveLength(31);
    });

    it('should add a second source with the same fields and import both', async () => {
      await put('communes-2.csv', communesCsv(5));

      const added = await datasets.call<{ sources: unknown[]; import: ImportBody }>('POST', `/api/v1/datasets/${datasetId}/sources`, {
        connection_id: connectionId,
        location: 'communes-2.csv',
        config: { delimiter: ';', encoding: 'windows-1252' },
      });

      expect(added.status).toBe(201);
      expect(added.body.sources).toHaveLength(2);
      expect(await importDone(datasetId, added.body.import.import_id)).toMatchObject({ status: 'succeeded', records: 36 });
      expect((await datasets.call<{ record_count: number }>('GET', `/api/v1/datasets/${datasetId}`)).body.record_count).toBe(36);
    });

    it('should refuse a source whose fields differ from the dataset', async () => {
      await put('other-shape.csv', 'a,b\n1,2\n');

      const added = await datasets.call<{ error: { code: string } }>('POST', `/api/v1/datasets/${datasetId}/sources`, { connection_id: connectionId, location: 'other-shape.csv' });

      expect([added.status, added.body.error.code]).toEqual([400, 'SOURCE_FIELDS_MISMATCH']);
    });

    it("should answer 404 for another domain's dataset", async () => {
      expect((await otherDomain.call('GET', `/api/v1/datasets/${datasetId}`)).status).toBe(404);
      expect((await otherDomain.call('GET', `/api/v1/datasets/${datasetId}/records`)).status).toBe(404);
      expect((await otherDomain.call('POST', '/api/v1/sources/preview', { connection_id: connectionId, location: 'communes.csv' })).status).toBe(404);
    });
  });

  describe('the OVH form: the connection URL names the file', () => {
    it('should preview and import without a location', async () => {
      await put('fruits.csv', 'name,price\napple,1.5\npear,2\n');
      const fileConnection = await sigv4Connection(`${environment.awsEndpoint}/${bucket}/fruits.csv`);

      const answer = await preview({ connection_id: fileConnection });
      const created = await datasets.call<{ dataset_id: string; import: ImportBody }>('POST', '/api/v1/datasets', {
        title: 'Fruits',
        dataset_id: uniqueName('fruits'),
        source: { connection_id: fileConnection },
      });

      expect(answer.body).toMatchObject({ records: [{ name: 'apple', price: 1.5 }, { name: 'pear', price: 2 }], complete: true });
      expect(await importDone(created.body.dataset_id, created.body.import.import_id)).toMatchObject({ status: 'succeeded', records: 2 });
    });
  });

  describe('bad input', () => {
    it.each([
      ['an empty file', 'empty.csv', Buffer.alloc(0), 'EMPTY_FILE'],
      ['a PNG image', 'image.csv', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'NOT_TEXT'],
    ])('should refuse %s with a stable code', async (_label, key, body, code) => {
      await put(key, body);

      const answer = await preview({ connection_id: connectionId, location: key });

      expect(answer.status).toBe(422);
      expect((answer.body as { error: { code: string } }).error.code).toBe(code);
    });

    it('should keep ragged and uncastable rows in the rejected report with their line numbers', async () => {
      await put('ragged.csv', 'id,amount\n1,10\n2\n3,thirty\n4,40\n');
      const created = await datasets.call<{ dataset_id: string; import: ImportBody }>('POST', '/api/v1/datasets', {
        title: 'Ragged',
        source: { connection_id: connectionId, location: 'ragged.csv', fields: [{}, { type: 'int' }] },
      });
      const datasetId = created.body.dataset_id;
      const importId = created.body.import.import_id;

      const finished = await importDone(datasetId, importId);
      const rejected = await datasets.call<{ items: { line: number; reason: string; raw: string }[] }>('GET', `/api/v1/datasets/${datasetId}/imports/${importId}/rejected`);

      expect(finished.status).toBe('failed');
      expect(finished.error?.code).toBe('REJECTION_THRESHOLD_EXCEEDED');
      expect(rejected.body.items.map(({ line, reason, raw }) => ({ line, reason, raw }))).toEqual([
        { line: 3, reason: 'RAGGED_ROW', raw: '2' },
        { line: 4, reason: 'INVALID_VALUE', raw: '3,thirty' },
      ]);
    });

    it('should refuse a dataset_id that is taken (409) or malformed (400)', async () => {
      const first = await datasets.call('POST', '/api/v1/datasets', { title: 'Twice', dataset_id: 'twice', source: { connection_id: connectionId, location: 'communes.csv' } });
      const second = await datasets.call('POST', '/api/v1/datasets', { title: 'Twice', dataset_id: 'twice', source: { connection_id: connectionId, location: 'communes.csv' } });
      const malformed = await datasets.call('POST', '/api/v1/datasets', { title: 'Bad', dataset_id: 'Not Valid!', source: { connection_id: connectionId, location: 'communes.csv' } });

      expect(first.status).toBe(201);
      expect([second.status, (second.body as { error: { code: string } }).error.code]).toEqual([409, 'DATASET_ID_TAKEN']);
      expect([malformed.status, (malformed.body as { error: { code: string } }).error.code]).toEqual([400, 'INVALID_DATASET_ID']);
    });
  });
});
