import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import {
  ApiClient,
  CanaryServer,
  ConnectorStack,
  currentEnvironment,
  uniqueName,
  waitFor,
  type ApiAnswer,
} from '@s3c/testing';

interface Answer {
  id?: string;
  status?: 'valid' | 'invalid';
  status_reason?: { code: string } | null;
  error?: { code: string };
}

/** Names this machine's /etc/hosts maps to loopback (`localhost`, the host name, `ip6-localhost`...). */
function loopbackNamesFromHosts(): string[] {
  const names = new Set<string>();
  for (const line of readFileSync('/etc/hosts', 'utf8').split('\n')) {
    const [address, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (address && (address.startsWith('127.') || address === '::1')) {
      aliases.filter((name) => /^[a-z0-9.-]+$/i.test(name)).forEach((name) => names.add(name));
    }
  }
  return [...names];
}

function hostOf(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

/**
 * The SSRF table through the running apps: every endpoint an admin could type to reach this machine,
 * its private network or a metadata service is refused when the connection is saved (or reported
 * invalid with EGRESS_DENIED), and canaries listening on every local address record no connection.
 */
describe('egress guard end to end (refused endpoints, canaries on every local address)', () => {
  const environment = currentEnvironment();
  const awsHost = new URL(environment.awsEndpoint).host;
  // Listens on a port nobody allows, on 127.0.0.1, ::1 and the interface addresses: the target of every loopback URL below.
  const canary = new CanaryServer();
  // The second hop of the redirect cases: nothing may ever connect to it.
  const redirectTarget = new CanaryServer();
  // Allow-listed (like a MinIO on loopback in development): it may be reached, and answers with redirects.
  const redirector = new CanaryServer((request, response) => {
    const location = `http://127.0.0.1:${redirectTarget.port}${request.url ?? '/'}`;
    const redirectsAll = (request.url ?? '').includes('/redirect-all');
    if (request.method === 'HEAD' && !redirectsAll) {
      response
        .writeHead(200, {
          'content-length': '24',
          etag: '"canary-etag"',
          'last-modified': new Date().toUTCString(),
          'content-type': 'text/csv',
        })
        .end();
      return;
    }
    response.writeHead((request.url ?? '').includes('301') ? 301 : 307, { location }).end();
  });
  let stack: ConnectorStack;
  let api: ApiClient;
  let datasets: ApiClient;

  beforeAll(async () => {
    await Promise.all([canary.start(), redirectTarget.start(), redirector.start()]);
    const redirectorHost = `127.0.0.1:${redirector.port}`;
    stack = new ConnectorStack({
      EGRESS_ALLOW_LIST: [awsHost, redirectorHost].join(','),
      EGRESS_ALLOW_HTTP: [awsHost, redirectorHost].join(','),
    });
    await stack.start();
    const key = stack.createDomainKey(uniqueName('egress').slice(0, 40));
    await stack.waitUntilImporterKnows(key);
    api = new ApiClient(stack.apps.connections.baseUrl, key);
    datasets = new ApiClient(stack.apps['dataset-import'].baseUrl, key);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([canary.stop(), redirectTarget.stop(), redirector.stop()]);
  });

  function sigv4(url: string): Promise<ApiAnswer<Answer>> {
    return api.call<Answer>('POST', '/api/v1/connections', {
      title: 'Egress probe',
      type: 's3',
      auth: {
        method: 'sigv4',
        url,
        region: 'us-east-1',
        access_key: 'AKIAEXAMPLEEXAMPLE00',
        secret_access_key: 'x'.repeat(40),
      },
    });
  }

  /** The importer learns connections from events: asks again while it has not heard of this one. */
  function previewOnceKnown(body: object): Promise<ApiAnswer<Answer>> {
    return waitFor(
      async () => {
        const answer = await datasets.call<Answer>('POST', '/api/v1/sources/preview', body);
        return answer.body.error?.code === 'CONNECTION_NOT_FOUND' ? undefined : answer;
      },
      { what: 'the importer to know the connection' },
    );
  }

  /** Refused at save time (400 and the code), or saved but invalid with that code: either way never used. */
  function refusalOf(answer: ApiAnswer<Answer>): string {
    if (answer.status === 400) {
      return `400 ${answer.body.error?.code}`;
    }
    return `${answer.status} ${answer.body.status} ${answer.body.status_reason?.code}`;
  }

  const C = () => canary.port;
  const ownAddressCases = (): [string, string][] =>
    canary.addresses
      .filter((address) => !['127.0.0.1', '::1'].includes(address))
      .map((address) => [
        `this machine's interface address ${address}`,
        `https://${hostOf(address)}:${C()}/bucket/file.csv`,
      ]);

  const EGRESS_DENIED = '400 EGRESS_DENIED';
  // The URL parser refuses these before the guard sees them; still a 400 at save time.
  const INVALID_S3_URL = '400 INVALID_S3_URL';

  const table: [kind: string, label: string, url: () => string, refusal: string][] = [
    ['loopback', 'IPv4 loopback', () => `https://127.0.0.1:${C()}/bucket/file.csv`, EGRESS_DENIED],
    ['loopback', 'another 127/8 address', () => `https://127.0.0.2:${C()}/bucket/file.csv`, EGRESS_DENIED],
    ['loopback', 'IPv6 loopback', () => `https://[::1]:${C()}/bucket/file.csv`, EGRESS_DENIED],
    [
      'loopback',
      'IPv6 loopback, long form',
      () => `https://[0:0:0:0:0:0:0:1]:${C()}/bucket/file.csv`,
      EGRESS_DENIED,
    ],
    [
      'loopback',
      'unspecified 0.0.0.0 (reaches loopback on Linux)',
      () => `https://0.0.0.0:${C()}/bucket/file.csv`,
      EGRESS_DENIED,
    ],
    ['loopback', 'unspecified ::', () => `https://[::]:${C()}/bucket/file.csv`, EGRESS_DENIED],
    ['encoding', 'shortened 127.1', () => `https://127.1:${C()}/bucket/file.csv`, EGRESS_DENIED],
    ['encoding', 'decimal 2130706433', () => `https://2130706433:${C()}/bucket/file.csv`, EGRESS_DENIED],
    ['encoding', 'hex 0x7f000001', () => `https://0x7f000001:${C()}/bucket/file.csv`, EGRESS_DENIED],
    ['encoding', 'octal 0177.0.0.1', () => `https://0177.0.0.1:${C()}/bucket/file.csv`, EGRESS_DENIED],
    ['encoding', 'octal 017700000001', () => `https://017700000001:${C()}/bucket/file.csv`, EGRESS_DENIED],
    ['encoding', 'mixed hex 0x7f.0.0.1', () => `https://0x7f.0.0.1:${C()}/bucket/file.csv`, EGRESS_DENIED],
    [
      'encoding',
      'IPv4-mapped ::ffff:127.0.0.1',
      () => `https://[::ffff:127.0.0.1]:${C()}/bucket/file.csv`,
      EGRESS_DENIED,
    ],
    [
      'encoding',
      'IPv4-mapped hex ::ffff:7f00:1',
      () => `https://[::ffff:7f00:1]:${C()}/bucket/file.csv`,
      EGRESS_DENIED,
    ],
    [
      'encoding',
      'IPv4-compatible ::127.0.0.1',
      () => `https://[::127.0.0.1]:${C()}/bucket/file.csv`,
      EGRESS_DENIED,
    ],
    ['name', 'localhost', () => `https://localhost:${C()}/bucket/file.csv`, EGRESS_DENIED],
    [
      'name',
      'LOCALHOST. (case, trailing dot)',
      () => `https://LOCALHOST.:${C()}/bucket/file.csv`,
      EGRESS_DENIED,
    ],
    ['name', 'a *.localhost name', () => `https://s3.localhost:${C()}/bucket/file.csv`, EGRESS_DENIED],
    [
      'bucket subdomain',
      'bucket.localhost virtual-hosted',
      () => `https://bucket.localhost:${C()}/file.csv`,
      EGRESS_DENIED,
    ],
    [
      'bucket subdomain',
      'bucket.s3.localhost virtual-hosted',
      () => `https://my-bucket.s3.localhost:${C()}/file.csv`,
      EGRESS_DENIED,
    ],
    ['private', '10/8', () => 'https://10.0.0.1/bucket/file.csv', EGRESS_DENIED],
    ['private', '172.16/12', () => 'https://172.16.5.4/bucket/file.csv', EGRESS_DENIED],
    ['private', '192.168/16', () => 'https://192.168.1.1/bucket/file.csv', EGRESS_DENIED],
    ['private', 'CGNAT 100.64/10', () => 'https://100.64.0.1/bucket/file.csv', EGRESS_DENIED],
    ['private', 'IPv6 unique local fc00::/7', () => 'https://[fc00::1]/bucket/file.csv', EGRESS_DENIED],
    ['link-local', '169.254/16', () => 'https://169.254.1.1/bucket/file.csv', EGRESS_DENIED],
    ['link-local', 'IPv6 fe80::/10', () => 'https://[fe80::1]/bucket/file.csv', EGRESS_DENIED],
    [
      'metadata',
      'AWS/GCP/Azure IMDS over http',
      () => 'http://169.254.169.254/latest/meta-data',
      EGRESS_DENIED,
    ],
    ['metadata', 'IMDS over https', () => 'https://169.254.169.254/bucket/file.csv', EGRESS_DENIED],
    ['metadata', 'ECS task metadata', () => 'https://169.254.170.2/bucket/file.csv', EGRESS_DENIED],
    ['metadata', 'EKS pod identity', () => 'https://169.254.170.23/bucket/file.csv', EGRESS_DENIED],
    [
      'metadata',
      'AWS IMDS IPv6 fd00:ec2::254',
      () => 'https://[fd00:ec2::254]/bucket/file.csv',
      EGRESS_DENIED,
    ],
    ['metadata', 'Alibaba 100.100.100.200', () => 'https://100.100.100.200/bucket/file.csv', EGRESS_DENIED],
    [
      'metadata',
      'Azure WireServer 168.63.129.16',
      () => 'https://168.63.129.16/bucket/file.csv',
      EGRESS_DENIED,
    ],
    [
      'metadata',
      'metadata.google.internal',
      () => 'https://metadata.google.internal/bucket/file.csv',
      EGRESS_DENIED,
    ],
    ['metadata', 'decimal 2852039166', () => 'https://2852039166/bucket/file.csv', EGRESS_DENIED],
    ['metadata', 'hex 0xa9fea9fe', () => 'https://0xa9fea9fe/bucket/file.csv', EGRESS_DENIED],
    [
      'metadata',
      'octal 0251.0376.0251.0376',
      () => 'https://0251.0376.0251.0376/bucket/file.csv',
      EGRESS_DENIED,
    ],
    [
      'metadata',
      'IPv4-mapped ::ffff:169.254.169.254',
      () => 'https://[::ffff:169.254.169.254]/bucket/file.csv',
      EGRESS_DENIED,
    ],
    [
      'metadata',
      'NAT64 64:ff9b::a9fe:a9fe',
      () => 'https://[64:ff9b::a9fe:a9fe]/bucket/file.csv',
      EGRESS_DENIED,
    ],
    ['metadata', '6to4 2002:a9fe:a9fe::', () => 'https://[2002:a9fe:a9fe::]/bucket/file.csv', EGRESS_DENIED],
    [
      'userinfo',
      'user:password@loopback',
      () => `https://user:pass@127.0.0.1:${C()}/bucket/file.csv`,
      INVALID_S3_URL,
    ],
    [
      'userinfo',
      'public-looking user part @loopback',
      () => `https://s3.amazonaws.com@127.0.0.1:${C()}/bucket/file.csv`,
      INVALID_S3_URL,
    ],
    [
      'userinfo',
      'keys in the URL of a public endpoint',
      () => 'https://AKIA:secret@s3.eu-west-1.amazonaws.com/bucket/file.csv',
      INVALID_S3_URL,
    ],
    [
      'userinfo',
      'fragment hiding a public host',
      () => `https://127.0.0.1:${C()}#@s3.amazonaws.com/bucket/file.csv`,
      INVALID_S3_URL,
    ],
    ['scheme', 'ftp', () => `ftp://127.0.0.1:${C()}/bucket/file.csv`, INVALID_S3_URL],
    ['scheme', 'file', () => 'file:///etc/passwd', INVALID_S3_URL],
    ['scheme', 'gopher', () => `gopher://127.0.0.1:${C()}/bucket/file.csv`, INVALID_S3_URL],
    ['scheme', 'dict', () => `dict://127.0.0.1:${C()}/bucket/file.csv`, INVALID_S3_URL],
    ['scheme', 'ws', () => `ws://127.0.0.1:${C()}/bucket/file.csv`, INVALID_S3_URL],
    [
      'port',
      'plain http to a loopback port nobody allows',
      () => `http://127.0.0.1:${C()}/bucket/file.csv`,
      EGRESS_DENIED,
    ],
    [
      'port',
      'the allow-listed local AWS host on another port',
      () => `http://127.0.0.1:${Number(new URL(environment.awsEndpoint).port) + 1}/bucket/file.csv`,
      EGRESS_DENIED,
    ],
    [
      'port',
      'the allow-listed port under another loopback name',
      () => `http://localhost:${new URL(environment.awsEndpoint).port}/bucket/file.csv`,
      EGRESS_DENIED,
    ],
    ['port', 'ssh port on loopback', () => 'https://127.0.0.1:22/bucket/file.csv', EGRESS_DENIED],
    ['port', 'port 0 on loopback', () => 'https://127.0.0.1:0/bucket/file.csv', EGRESS_DENIED],
  ];

  it.each(table)('should refuse %s: %s', async (_kind, _label, url, refusal) => {
    expect(refusalOf(await sigv4(url()))).toBe(refusal);
  });

  it('should refuse every name /etc/hosts maps to loopback and every address of this machine', async () => {
    const cases: [string, string][] = [
      ...loopbackNamesFromHosts().map((name): [string, string] => [
        `/etc/hosts name ${name}`,
        `https://${name}:${C()}/bucket/file.csv`,
      ]),
      ...ownAddressCases(),
    ];

    const refusals = await Promise.all(
      cases.map(async ([label, url]) => [label, refusalOf(await sigv4(url))]),
    );

    expect(cases.length).toBeGreaterThan(0);
    expect(refusals).toEqual(cases.map(([label]) => [label, EGRESS_DENIED]));
  });

  it('should refuse an update that moves a valid connection to a loopback endpoint', async () => {
    const created = await sigv4(`http://127.0.0.1:${redirector.port}/bucket/file.csv`);

    const moved = await api.call<Answer>('PATCH', `/api/v1/connections/${created.body.id}`, {
      auth: { url: `https://[::ffff:7f00:1]:${C()}/bucket/file.csv` },
    });

    expect(created.body.status).toBe('valid');
    expect(refusalOf(moved)).toBe(EGRESS_DENIED);
  });

  it('should refuse a preview location that points to another endpoint than the connection', async () => {
    const created = await sigv4(`http://127.0.0.1:${redirector.port}/bucket/file.csv`);

    const answers = await Promise.all(
      [
        `https://127.0.0.1:${C()}/bucket/file.csv`,
        `http://localhost:${C()}/bucket/file.csv`,
        'https://169.254.169.254/bucket/file.csv',
      ].map((location) => previewOnceKnown({ connection_id: created.body.id, location })),
    );

    expect(answers.map((answer) => `${answer.status} ${answer.body.error?.code}`)).toEqual(
      Array(3).fill('400 LOCATION_OUTSIDE_CONNECTION'),
    );
  });

  describe('redirects from an allowed endpoint', () => {
    it.each([
      ['301', '/bucket/redirect-all-301/file.csv'],
      ['307', '/bucket/redirect-all-307/file.csv'],
    ])(
      'should not follow a %s to a loopback port that is not allowed while validating',
      async (_status, path) => {
        const created = await sigv4(`http://127.0.0.1:${redirector.port}${path}`);

        expect(created.status).toBe(201);
        expect(created.body.status).toBe('invalid');
        expect(redirector.requests.some((request) => request.url.startsWith(path))).toBe(true);
      },
    );

    it('should not follow a redirect of the object read while previewing and importing', async () => {
      const created = await sigv4(`http://127.0.0.1:${redirector.port}/bucket/redirect-get-307/file.csv`);
      expect(created.body.status).toBe('valid');

      const preview = await previewOnceKnown({ connection_id: created.body.id });
      const dataset = await datasets.call<Answer>('POST', '/api/v1/datasets', {
        title: 'Redirected',
        dataset_id: uniqueName('redirected'),
        source: { connection_id: created.body.id },
      });

      expect(preview.status).toBeGreaterThanOrEqual(400);
      expect(preview.body.error?.code).toBe('SOURCE_UNREACHABLE');
      expect(dataset.status).toBeGreaterThanOrEqual(400);
      expect(redirector.requests.filter((request) => request.method === 'GET').length).toBeGreaterThan(0);
    });
  });

  describe('the canaries', () => {
    it('should have recorded no connection on any local address, and none on the redirect target', () => {
      expect(canary.addresses).toEqual(expect.arrayContaining(['127.0.0.1', '::1']));
      expect(canary.connections).toEqual([]);
      expect(redirectTarget.connections).toEqual([]);
      // The allow-listed first hop was reached: the canaries watch a path that was really taken.
      expect(redirector.connections.length).toBeGreaterThan(0);
    });
  });
});
