import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { AuthErrorCode, AuthException } from './auth.exception';
import {
  ADDRESS_CLASS_DESCRIPTIONS,
  AddressClass,
  classifyAddress,
  ipv4InCidr,
  ipv6InCidr,
  parseIpv4,
  parseIpv6,
} from './ip-address';

/** Resolves a host name to every address it has (the injectable seam for tests). */
export type HostResolver = (hostname: string, family: 0 | 4 | 6) => Promise<LookupAddress[]>;

export interface EgressGuardOptions {
  /**
   * Exceptions to the address rules, for local development and tests only: host names
   * (`minio.local`, `*.example.internal`), IP addresses, CIDRs, each optionally with `:port`
   * (`127.0.0.1:4566`, `[::1]:9000`, `localhost:4566`).
   */
  allowList?: readonly string[];
  /** Refuse plain http except for the hosts in `allowHttpFor`. Default true. */
  requireHttps?: boolean;
  /** Hosts (same grammar as the allow-list) that may be reached over plain http. */
  allowHttpFor?: readonly string[];
  resolve?: HostResolver;
}

export interface GuardedAgentOptions {
  keepAlive?: boolean;
  maxSockets?: number;
}

export interface GuardedAgents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

type AllowEntry =
  | { kind: 'host'; host: string; wildcard: boolean; port?: number }
  | { kind: 'ipv4'; base: number; prefix: number; port?: number }
  | { kind: 'ipv6'; base: Uint8Array; prefix: number; port?: number };

// RFC 6761 names that always mean this machine, and the metadata service's well-known name.
const RESERVED_NAMES: readonly { test: (host: string) => boolean; class: AddressClass }[] = [
  { test: (host) => host === 'localhost' || host.endsWith('.localhost'), class: 'loopback' },
  {
    test: (host) =>
      host === 'metadata.google.internal' || host === 'instance-data' || host.startsWith('instance-data.'),
    class: 'metadata',
  },
];

const HOST_NAME = /^(?:\*\.)?[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/;

function invalidConfig(entry: string, why: string): AuthException {
  return new AuthException(
    AuthErrorCode.INVALID_EGRESS_CONFIG,
    `Egress allow-list entry "${entry}" is invalid: ${why}.`,
  );
}

function parsePort(entry: string, text: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port < 1 || port > 65535) {
    throw invalidConfig(entry, 'the port must be 1–65535');
  }
  return port;
}

function parseAllowEntry(raw: string): AllowEntry {
  const entry = raw.trim().toLowerCase();
  let target = entry;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed !== null) {
    target = bracketed[1];
    port = bracketed[2] === undefined ? undefined : parsePort(raw, bracketed[2]);
  } else if (isIP(entry.split('/')[0]) !== 6 && /^[^:]+:\d+$/.test(entry)) {
    const colon = entry.lastIndexOf(':');
    target = entry.slice(0, colon);
    port = parsePort(raw, entry.slice(colon + 1));
  }
  const [address, prefixText] = target.split('/');
  const ipv4 = parseIpv4(address);
  const ipv6 = ipv4 === undefined ? parseIpv6(address) : undefined;
  if (ipv4 !== undefined || ipv6 !== undefined) {
    const max = ipv4 !== undefined ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max) {
      throw invalidConfig(raw, `the prefix length must be 0–${max}`);
    }
    return ipv4 !== undefined
      ? { kind: 'ipv4', base: ipv4, prefix, port }
      : { kind: 'ipv6', base: ipv6 as Uint8Array, prefix, port };
  }
  if (prefixText !== undefined || !HOST_NAME.test(address)) {
    throw invalidConfig(raw, 'expected a host name, an IP address or a CIDR, optionally with :port');
  }
  const wildcard = address.startsWith('*.');
  return { kind: 'host', host: wildcard ? address.slice(2) : address, wildcard, port };
}

function normalizeHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

function portMatches(entry: AllowEntry, port: number | undefined): boolean {
  return entry.port === undefined || entry.port === port;
}

function hostMatches(entries: readonly AllowEntry[], host: string, port: number | undefined): boolean {
  return entries.some(
    (entry) =>
      entry.kind === 'host' &&
      portMatches(entry, port) &&
      (entry.wildcard ? host.endsWith(`.${entry.host}`) : host === entry.host),
  );
}

function addressMatches(entries: readonly AllowEntry[], address: string, port: number | undefined): boolean {
  const ipv4 = parseIpv4(address);
  const ipv6 = ipv4 === undefined ? parseIpv6(address) : undefined;
  return entries.some((entry) => {
    if (!portMatches(entry, port)) {
      return false;
    }
    if (entry.kind === 'ipv4' && ipv4 !== undefined) {
      return ipv4InCidr(ipv4, entry.base, entry.prefix);
    }
    if (entry.kind === 'ipv6' && ipv6 !== undefined) {
      return ipv6InCidr(ipv6, entry.base, entry.prefix);
    }
    return false;
  });
}

function denied(host: string, why: string, addressClass?: AddressClass): AuthException {
  return new AuthException(AuthErrorCode.EGRESS_DENIED, `Connections to ${host} are not allowed: ${why}.`, {
    hint: 'Use the public endpoint of the S3 service. Internal, loopback and metadata addresses are never reachable from connections.',
    details: addressClass === undefined ? { host } : { host, addressClass },
  });
}

const defaultResolver: HostResolver = (hostname, family) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, family }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });

/**
 * The SSRF guard for tenant-supplied endpoints. `checkUrl` refuses what can be refused before any
 * I/O (scheme, credentials in the URL, literal addresses, reserved names); the `lookup` and the
 * agents refuse at connect time, on the very addresses the socket will use, so DNS rebinding
 * between a check and the connection is impossible. Any port is accepted: the address rules are
 * the boundary, and a port on a public address only reaches a public service.
 */
export class EgressGuard {
  private readonly allowList: readonly AllowEntry[];
  private readonly httpAllowList: readonly AllowEntry[];
  private readonly requireHttps: boolean;
  private readonly resolve: HostResolver;

  /** A net/http-compatible `lookup`; port-qualified allow-list entries do not apply to it. */
  readonly lookup: LookupFunction;

  constructor(options: EgressGuardOptions = {}) {
    this.allowList = (options.allowList ?? []).map(parseAllowEntry);
    this.httpAllowList = (options.allowHttpFor ?? []).map(parseAllowEntry);
    this.requireHttps = options.requireHttps ?? true;
    this.resolve = options.resolve ?? defaultResolver;
    this.lookup = this.lookupForPort(undefined);
  }

  /** Save-time check of an endpoint URL; returns the parsed URL. */
  checkUrl(input: string | URL): URL {
    let url: URL;
    try {
      url = typeof input === 'string' ? new URL(input) : input;
    } catch {
      throw new AuthException(AuthErrorCode.EGRESS_DENIED, 'The endpoint is not a valid URL.');
    }
    const host = normalizeHost(url.hostname);
    if (url.username !== '' || url.password !== '') {
      throw denied(host, 'URLs must not carry credentials');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw denied(host, `the scheme ${url.protocol.replace(':', '')} is not supported`);
    }
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    if (url.protocol === 'http:') {
      this.assertHttpAllowed(host, port);
    }
    if (isIP(host) !== 0) {
      this.assertAddressesAllowed(host, [host], port);
      return url;
    }
    const reserved = RESERVED_NAMES.find((name) => name.test(host));
    if (reserved !== undefined && !hostMatches(this.allowList, host, port)) {
      throw denied(host, `it is ${ADDRESS_CLASS_DESCRIPTIONS[reserved.class]}`, reserved.class);
    }
    return url;
  }

  /** Throws EGRESS_DENIED unless every address is public or allow-listed (or the host itself is). */
  assertAddressesAllowed(hostname: string, addresses: readonly string[], port: number | undefined): void {
    const host = normalizeHost(hostname);
    if (hostMatches(this.allowList, host, port)) {
      return;
    }
    for (const address of addresses) {
      const addressClass = classifyAddress(address);
      if (addressClass !== 'public' && !addressMatches(this.allowList, address, port)) {
        throw denied(
          host,
          `${isIP(host) === 0 ? 'it resolves to' : 'it is'} ${ADDRESS_CLASS_DESCRIPTIONS[addressClass]}`,
          addressClass,
        );
      }
    }
  }

  /** Resolves a host and checks every address, as the lookup does at connect time. */
  async resolveAllowed(
    hostname: string,
    port: number | undefined,
    family: 0 | 4 | 6 = 0,
  ): Promise<LookupAddress[]> {
    const host = normalizeHost(hostname);
    const addresses =
      isIP(host) !== 0 ? [{ address: host, family: isIP(host) }] : await this.resolve(host, family);
    this.assertAddressesAllowed(
      host,
      addresses.map((entry) => entry.address),
      port,
    );
    return addresses;
  }

  /** A `lookup` for sockets to a known port, so that `host:port` allow-list entries apply. */
  lookupForPort(port: number | undefined): LookupFunction {
    return (hostname, options, callback) => {
      const family =
        options.family === 4 || options.family === 'IPv4'
          ? 4
          : options.family === 6 || options.family === 'IPv6'
            ? 6
            : 0;
      this.resolveAllowed(hostname, port, family).then(
        (addresses) => {
          if (options.all === true) {
            callback(null, addresses);
          } else {
            callback(null, addresses[0].address, addresses[0].family);
          }
        },
        (error: NodeJS.ErrnoException) => callback(error, ''),
      );
    };
  }

  /** http/https agents that apply the guard to every new socket, literal IP hosts included. */
  createAgents(options: GuardedAgentOptions = {}): GuardedAgents {
    const agentOptions = { keepAlive: options.keepAlive ?? true, maxSockets: options.maxSockets ?? 50 };
    return {
      httpAgent: new GuardedHttpAgent(this, agentOptions),
      httpsAgent: new GuardedHttpsAgent(this, agentOptions),
    };
  }

  /**
   * Called by the agents before a socket is opened: refuses plain http where https is required
   * and literal IPs the rules refuse (Node skips `lookup` for those), and installs the port-aware lookup.
   */
  prepareConnection(options: http.ClientRequestArgs, scheme: 'http' | 'https'): AuthException | undefined {
    const host = normalizeHost(options.host ?? options.hostname ?? 'localhost');
    const port =
      options.port === undefined || options.port === null
        ? scheme === 'https'
          ? 443
          : 80
        : Number(options.port);
    try {
      if (scheme === 'http') {
        this.assertHttpAllowed(host, port);
      }
      if (isIP(host) !== 0) {
        this.assertAddressesAllowed(host, [host], port);
      }
    } catch (error) {
      return error as AuthException;
    }
    options.lookup = this.lookupForPort(port);
    return undefined;
  }

  private assertHttpAllowed(host: string, port: number): void {
    if (
      this.requireHttps &&
      !hostMatches(this.httpAllowList, host, port) &&
      !addressMatches(this.httpAllowList, host, port)
    ) {
      throw denied(host, 'plain http is not allowed, use https');
    }
  }
}

export function createEgressGuard(options: EgressGuardOptions = {}): EgressGuard {
  return new EgressGuard(options);
}

type ConnectionCallback = (error: Error | null, stream: Duplex) => void;

function refuse(callback: ConnectionCallback | undefined, error: AuthException): undefined {
  // The agent expects the failure through the callback; throwing here would escape the request's error handling.
  process.nextTick(() => callback?.(error, undefined as unknown as Duplex));
  return undefined;
}

class GuardedHttpAgent extends http.Agent {
  constructor(
    private readonly guard: EgressGuard,
    options: http.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: ConnectionCallback,
  ): Duplex | null | undefined {
    const refusal = this.guard.prepareConnection(options, 'http');
    return refusal === undefined ? super.createConnection(options, callback) : refuse(callback, refusal);
  }
}

class GuardedHttpsAgent extends https.Agent {
  constructor(
    private readonly guard: EgressGuard,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: ConnectionCallback,
  ): Duplex | null | undefined {
    const refusal = this.guard.prepareConnection(options, 'https');
    return refusal === undefined ? super.createConnection(options, callback) : refuse(callback, refusal);
  }
}
