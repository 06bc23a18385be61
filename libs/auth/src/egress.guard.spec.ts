import { LookupAddress } from 'node:dns';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { AuthErrorCode, AuthException } from './auth.exception';
import { createEgressGuard, EgressGuard, EgressGuardOptions, HostResolver } from './egress.guard';
import { asyncErrorCodeOf, errorCodeOf } from './testing/error-code';

const DNS: Record<string, LookupAddress[]> = {
  's3.eu-west-3.amazonaws.com': [{ address: '52.95.155.10', family: 4 }],
  'public.example.com': [
    { address: '93.184.216.34', family: 4 },
    { address: '2606:2800:220:1::1', family: 6 },
  ],
  'rebind.example.com': [
    { address: '93.184.216.34', family: 4 },
    { address: '127.0.0.1', family: 4 },
  ],
  'internal.example.com': [{ address: '10.0.0.5', family: 4 }],
  'metadata.example.com': [{ address: '169.254.169.254', family: 4 }],
  'mapped.example.com': [{ address: '::ffff:127.0.0.1', family: 6 }],
  'nat64.example.com': [{ address: '64:ff9b::a00:1', family: 6 }],
  localhost: [
    { address: '127.0.0.1', family: 4 },
    { address: '::1', family: 6 },
  ],
  'minio.local': [{ address: '192.168.1.20', family: 4 }],
  // getaddrinfo reads these legacy forms as 127.0.0.1
  '2130706433': [{ address: '127.0.0.1', family: 4 }],
};

const fakeResolver: HostResolver = async (hostname, family) => {
  const addresses = DNS[hostname];
  if (addresses === undefined) {
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  }
  return family === 0 ? addresses : addresses.filter((entry) => entry.family === family);
};

function guardWith(options: EgressGuardOptions = {}): EgressGuard {
  return createEgressGuard({ resolve: fakeResolver, ...options });
}

function lookup(
  guard: EgressGuard,
  hostname: string,
  options: { all?: boolean; family?: number },
  port?: number,
): Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }> {
  const lookupFunction = port === undefined ? guard.lookup : guard.lookupForPort(port);
  return new Promise((resolve) => {
    lookupFunction(hostname, options, (error, address, family) => resolve({ error, address, family }));
  });
}

describe('EgressGuard.checkUrl', () => {
  const strict = guardWith();
  const development = guardWith({
    allowList: ['127.0.0.1:4566', 'minio.local', '10.20.0.0/16', '[::1]:9000', '*.corp.test'],
    allowHttpFor: ['127.0.0.1:4566', 'minio.local', '[::1]:9000'],
  });

  it.each([
    ['a public https endpoint', strict, 'https://s3.eu-west-3.amazonaws.com', undefined],
    ['a public IP on an odd port', strict, 'https://93.184.216.34:8443/', undefined],
    ['plain http', strict, 'http://s3.eu-west-3.amazonaws.com', AuthErrorCode.EGRESS_DENIED],
    ['another scheme', strict, 'ftp://example.com/', AuthErrorCode.EGRESS_DENIED],
    ['credentials in the URL', strict, 'https://user:secret@example.com/', AuthErrorCode.EGRESS_DENIED],
    ['a loopback IP', strict, 'https://127.0.0.1/', AuthErrorCode.EGRESS_DENIED],
    ['decimal 2130706433', strict, 'https://2130706433/', AuthErrorCode.EGRESS_DENIED],
    ['octal 0177.0.0.1', strict, 'https://0177.0.0.1/', AuthErrorCode.EGRESS_DENIED],
    ['hex 0x7f.1', strict, 'https://0x7f.1/', AuthErrorCode.EGRESS_DENIED],
    ['short 127.1', strict, 'https://127.1/', AuthErrorCode.EGRESS_DENIED],
    ['hex 0xa9fea9fe (metadata)', strict, 'https://0xa9fea9fe/', AuthErrorCode.EGRESS_DENIED],
    ['IPv6 loopback', strict, 'https://[::1]/', AuthErrorCode.EGRESS_DENIED],
    ['IPv4-mapped IPv6 loopback', strict, 'https://[::ffff:127.0.0.1]/', AuthErrorCode.EGRESS_DENIED],
    ['the EC2 IPv6 metadata address', strict, 'https://[fd00:ec2::254]/', AuthErrorCode.EGRESS_DENIED],
    ['the metadata IP', strict, 'http://169.254.169.254/latest/meta-data/', AuthErrorCode.EGRESS_DENIED],
    ['localhost', strict, 'https://localhost:4566/', AuthErrorCode.EGRESS_DENIED],
    ['a *.localhost name', strict, 'https://bucket.localhost/', AuthErrorCode.EGRESS_DENIED],
    ['the GCP metadata name', strict, 'https://metadata.google.internal/', AuthErrorCode.EGRESS_DENIED],
    ['an allow-listed IP and port over http', development, 'http://127.0.0.1:4566/', undefined],
    [
      'an allow-listed IP on another port',
      development,
      'http://127.0.0.1:4567/',
      AuthErrorCode.EGRESS_DENIED,
    ],
    ['an allow-listed CIDR', development, 'https://10.20.3.4/', undefined],
    ['outside an allow-listed CIDR', development, 'https://10.21.3.4/', AuthErrorCode.EGRESS_DENIED],
    ['an allow-listed IPv6 and port', development, 'http://[::1]:9000/', undefined],
    ['an allow-listed host over http', development, 'http://minio.local:9000/', undefined],
    ['a host not allowed for http', development, 'http://public.example.com/', AuthErrorCode.EGRESS_DENIED],
  ])('should check %s', (_label, guard, url, expected) => {
    // Act / Assert
    expect(errorCodeOf(() => guard.checkUrl(url))).toBe(expected);
  });

  it('should name the host and the address class but not the allow-list when refusing', () => {
    // Arrange
    const guard = guardWith({ allowList: ['10.20.0.0/16'] });

    // Act
    let error: AuthException | undefined;
    try {
      guard.checkUrl('https://169.254.169.254/');
    } catch (caught) {
      error = caught as AuthException;
    }

    // Assert
    expect([
      error?.message.includes('169.254.169.254'),
      error?.message.includes('metadata'),
      error?.message.includes('10.20'),
      error?.details,
    ]).toEqual([true, true, false, { host: '169.254.169.254', addressClass: 'metadata' }]);
  });
});

describe('EgressGuard.lookup', () => {
  it.each([
    ['a public name', 's3.eu-west-3.amazonaws.com', undefined, undefined],
    ['a name with public IPv4 and IPv6', 'public.example.com', undefined, undefined],
    ['a name resolving to a private address', 'internal.example.com', undefined, 'private'],
    ['a name resolving to the metadata address', 'metadata.example.com', undefined, 'metadata'],
    ['a name with one loopback address among public ones', 'rebind.example.com', undefined, 'loopback'],
    ['a name resolving to IPv4-mapped loopback', 'mapped.example.com', undefined, 'loopback'],
    ['a name resolving to NAT64 of a private address', 'nat64.example.com', undefined, 'private'],
    ['localhost', 'localhost', undefined, 'loopback'],
    ['a legacy numeric host', '2130706433', undefined, 'loopback'],
    ['minio.local when allow-listed by name', 'minio.local', ['minio.local'], undefined],
    ['localhost when only its IPv4 address is allow-listed', 'localhost', ['127.0.0.1'], 'loopback'],
    ['localhost when both addresses are allow-listed', 'localhost', ['127.0.0.1', '::1'], undefined],
    ['a wildcard allow-list entry', 'internal.example.com', ['*.example.com'], undefined],
    [
      'a port-qualified entry when the port is unknown',
      'internal.example.com',
      ['internal.example.com:9000'],
      'private',
    ],
  ])('should decide on %s', async (_label, hostname, allowList, deniedClass) => {
    // Arrange
    const guard = guardWith({ allowList });

    // Act
    const { error } = await lookup(guard, hostname, { all: true });

    // Assert
    expect(
      error === null
        ? undefined
        : [(error as AuthException).code, (error as AuthException).details?.addressClass],
    ).toEqual(deniedClass === undefined ? undefined : [AuthErrorCode.EGRESS_DENIED, deniedClass]);
  });

  it('should answer with every address when asked for all', async () => {
    // Act
    const result = await lookup(guardWith(), 'public.example.com', { all: true });

    // Assert
    expect(result.address).toEqual(DNS['public.example.com']);
  });

  it('should answer with one address and its family when not asked for all', async () => {
    // Act
    const result = await lookup(guardWith(), 'public.example.com', { family: 6 });

    // Assert
    expect([result.address, result.family]).toEqual(['2606:2800:220:1::1', 6]);
  });

  it('should pass the resolver error through when the name does not resolve', async () => {
    // Act
    const { error } = await lookup(guardWith(), 'nowhere.invalid', { all: true });

    // Assert
    expect(error?.code).toBe('ENOTFOUND');
  });

  it('should apply port-qualified entries when the lookup knows the port', async () => {
    // Arrange
    const guard = guardWith({ allowList: ['internal.example.com:9000'] });

    // Act
    const [onPort, otherPort] = await Promise.all([
      lookup(guard, 'internal.example.com', { all: true }, 9000),
      lookup(guard, 'internal.example.com', { all: true }, 9001),
    ]);

    // Assert
    expect([onPort.error, (otherPort.error as AuthException | null)?.code]).toEqual([
      null,
      AuthErrorCode.EGRESS_DENIED,
    ]);
  });

  it('should check every address again when resolving before a connection', async () => {
    // Act
    const code = await asyncErrorCodeOf(() => guardWith().resolveAllowed('rebind.example.com', 443));

    // Assert
    expect(code).toBe(AuthErrorCode.EGRESS_DENIED);
  });
});

describe('EgressGuard configuration', () => {
  it.each(['http://x', 'host:99999', '10.0.0.0/33', '::1/129', 'bad host', '*.', '[::1]:0'])(
    'should refuse allow-list entry %s',
    (entry) => {
      // Act / Assert
      expect(errorCodeOf(() => createEgressGuard({ allowList: [entry] }))).toBe(
        AuthErrorCode.INVALID_EGRESS_CONFIG,
      );
    },
  );
});

describe('EgressGuard agents', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  function get(agent: http.Agent, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const request = http.get({ host, port, path: '/', agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(String(response.statusCode)));
      });
      request.on('error', reject);
    });
  }

  async function outcome(guard: EgressGuard, host: string): Promise<string> {
    const { httpAgent } = guard.createAgents({ keepAlive: false });
    try {
      return await get(httpAgent, host);
    } catch (error) {
      return (error as AuthException).code ?? 'OTHER';
    } finally {
      httpAgent.destroy();
    }
  }

  it('should refuse a literal loopback IP at connect time when it is not allow-listed', async () => {
    // Arrange
    const guard = guardWith({ requireHttps: false });

    // Act / Assert
    expect(await outcome(guard, '127.0.0.1')).toBe(AuthErrorCode.EGRESS_DENIED);
  });

  it('should refuse a name resolving to loopback at connect time', async () => {
    // Arrange
    const guard = createEgressGuard({
      requireHttps: false,
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });

    // Act / Assert
    expect(await outcome(guard, 'looks-public.example.com')).toBe(AuthErrorCode.EGRESS_DENIED);
  });

  it('should refuse plain http at connect time when https is required', async () => {
    // Arrange
    const guard = createEgressGuard({ allowList: ['127.0.0.1'], resolve: fakeResolver });

    // Act / Assert
    expect(await outcome(guard, '127.0.0.1')).toBe(AuthErrorCode.EGRESS_DENIED);
  });

  it('should connect when the address and port are allow-listed', async () => {
    // Arrange
    const guard = guardWith({ allowList: [`127.0.0.1:${port}`], allowHttpFor: [`127.0.0.1:${port}`] });

    // Act / Assert
    expect(await outcome(guard, '127.0.0.1')).toBe('200');
  });

  it('should connect through the guarded lookup when a name resolves to an allow-listed address', async () => {
    // Arrange
    const guard = createEgressGuard({
      allowList: [`127.0.0.1:${port}`],
      requireHttps: false,
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });

    // Act / Assert
    expect(await outcome(guard, 'dev.example.com')).toBe('200');
  });
});
