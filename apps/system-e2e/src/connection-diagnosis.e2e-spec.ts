import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { ApiClient, ConnectorStack, currentEnvironment, freePort, uniqueName } from '@s3c/testing';

interface ConnectionBody {
  status: string;
  status_reason: { code: string; message: string; hint?: string } | null;
}

/** An https server with a certificate nobody trusts, as a misconfigured S3-compatible store would have. */
function selfSignedServer(port: number): Promise<https.Server> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 's3c-tls-'));
  const [key, cert] = [path.join(folder, 'key.pem'), path.join(folder, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-days', '1'], { stdio: 'ignore' });
  const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_request, response) => response.end('<Error/>'));
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

describe('connection diagnosis of endpoints (unreachable, TLS)', () => {
  const environment = currentEnvironment();
  let stack: ConnectorStack;
  let api: ApiClient;
  let tlsServer: https.Server;
  let tlsPort: number;
  let deadPort: number;

  beforeAll(async () => {
    [tlsPort, deadPort] = [await freePort(), await freePort()];
    tlsServer = await selfSignedServer(tlsPort);
    const awsHost = new URL(environment.awsEndpoint).host;
    // Loopback endpoints are refused unless listed: list exactly the two this suite needs.
    stack = new ConnectorStack({
      EGRESS_ALLOW_LIST: [awsHost, `127.0.0.1:${tlsPort}`, `127.0.0.1:${deadPort}`].join(','),
      EGRESS_ALLOW_HTTP: [awsHost, `127.0.0.1:${deadPort}`].join(','),
    });
    await stack.start();
    api = new ApiClient(stack.apps.connections.baseUrl, stack.createDomainKey(uniqueName('diag').slice(0, 40)));
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    tlsServer?.close();
  });

  function sigv4(url: string) {
    return api.call<ConnectionBody>('POST', '/api/v1/connections', {
      title: 'Diagnosis',
      type: 's3',
      auth: { method: 'sigv4', url, region: 'us-east-1', access_key: 'AKIAEXAMPLEEXAMPLE00', secret_access_key: 'x'.repeat(40) },
    });
  }

  it('should report ENDPOINT_UNREACHABLE when nothing listens at the endpoint', async () => {
    const created = await sigv4(`http://127.0.0.1:${deadPort}/bucket/file.csv`);

    expect(created.status).toBe(201);
    expect(created.body.status_reason?.code).toBe('ENDPOINT_UNREACHABLE');
  });

  it('should report TLS_FAILURE when the endpoint certificate cannot be trusted', async () => {
    const created = await sigv4(`https://127.0.0.1:${tlsPort}/bucket/file.csv`);

    expect(created.status).toBe(201);
    expect(created.body.status_reason?.code).toBe('TLS_FAILURE');
  });

  it('should refuse a loopback endpoint that is not on the allow-list, at save time', async () => {
    const created = await sigv4(`http://127.0.0.1:${deadPort + 1}/bucket/file.csv`);

    expect(created.status).toBe(400);
    expect((created.body as unknown as { error: { code: string } }).error.code).toBe('EGRESS_DENIED');
  });
});
