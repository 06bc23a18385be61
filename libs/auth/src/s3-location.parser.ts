import { AuthErrorCode, AuthException } from './auth.exception';
import { S3Endpoint, S3Location, S3LocationKind, S3Provider } from './s3-location.types';

const MAX_KEY_BYTES = 1024;
// DNS-compatible bucket names, the rule of AWS and of every provider that serves virtual-hosted style.
const STRICT_BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Self-hosted stores (Ceph, older MinIO) may keep legacy names; they are only ever used path-style.
const RELAXED_BUCKET_PATTERN = /^[A-Za-z0-9._-]{1,255}$/;
const IPV4_LIKE = /^\d{1,3}(?:\.\d{1,3}){3}$/;
// C0 controls and DEL cannot travel in S3's XML listings.
function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) {
      return true;
    }
  }
  return false;
}
const R2_ACCOUNT_ID = /^[0-9a-f]{32}$/;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

interface ParsedUrl {
  endpoint: S3Endpoint;
  bucket: string | undefined;
  key: string | undefined;
}

interface HostRule {
  provider: Exclude<S3Provider, 'aws' | 'r2' | 'custom'>;
  suffix: string;
  /** Region of hosts that name none, e.g. Wasabi's `s3.wasabisys.com` is us-east-1. */
  defaultRegion?: string;
}

// Providers whose hosts read `[<bucket>.]s3.<region>[.<more>].<suffix>`.
const S3_LABEL_PROVIDERS: readonly HostRule[] = [
  { provider: 'ovh', suffix: 'cloud.ovh.net' },
  { provider: 'ovh', suffix: 'cloud.ovh.us' },
  { provider: 'scaleway', suffix: 'scw.cloud' },
  { provider: 'wasabi', suffix: 'wasabisys.com', defaultRegion: 'us-east-1' },
];

const AWS_SUFFIXES = ['amazonaws.com.cn', 'amazonaws.com'] as const;
const R2_SUFFIX = 'r2.cloudflarestorage.com';

const AWS_UNSUPPORTED_SERVICE = /^s3-(?:website|accesspoint|control|object-lambda|outposts)|^s3express/;

function invalidUrl(input: string, why: string, hint?: string): AuthException {
  return new AuthException(
    AuthErrorCode.INVALID_S3_URL,
    `"${redactUrl(input)}" is not a usable S3 URL: ${why}.`,
    {
      hint:
        hint ??
        'Use a virtual-hosted-style URL (https://bucket.s3.eu-west-3.amazonaws.com/file.csv), a path-style URL (https://s3.gra.io.cloud.ovh.net/bucket/file.csv) or s3://bucket/file.csv.',
      details: { url: redactUrl(input) },
    },
  );
}

function truncate(value: string): string {
  return value.length > 300 ? `${value.slice(0, 300)}…` : value;
}

// A refused URL may carry a password or a pre-signed query (X-Amz-Signature, X-Amz-Security-Token): never echo those.
function redactUrl(value: string): string {
  return truncate(value.replace(/[?#].*$/s, '').replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1…@'));
}

/** Validates a bucket name; strict DNS rules except for path-style custom endpoints. */
export function assertValidBucketName(bucket: string, provider: S3Provider = 'aws'): string {
  const valid =
    provider === 'custom'
      ? RELAXED_BUCKET_PATTERN.test(bucket)
      : STRICT_BUCKET_PATTERN.test(bucket) && !bucket.includes('..') && !IPV4_LIKE.test(bucket);
  if (!valid) {
    throw new AuthException(
      AuthErrorCode.INVALID_BUCKET_NAME,
      `"${truncate(bucket)}" is not a valid bucket name.`,
      {
        hint: 'Bucket names have 3 to 63 characters: lower-case letters, digits, dots and dashes, starting and ending with a letter or digit.',
        details: { bucket: truncate(bucket), provider },
      },
    );
  }
  return bucket;
}

/** Validates an object key or prefix: at most 1024 UTF-8 bytes, no control characters. */
export function assertValidObjectKey(key: string): string {
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES || hasControlCharacter(key)) {
    throw new AuthException(
      AuthErrorCode.INVALID_OBJECT_KEY,
      'The object key is longer than 1024 bytes or contains control characters.',
      {
        hint: 'Use the key exactly as S3 lists it; percent-encode special characters in URLs.',
        details: { keyPrefix: truncate(key) },
      },
    );
  }
  return key;
}

export function locationKind(location: Pick<S3Location, 'key'>): S3LocationKind {
  if (location.key === undefined) {
    return 'bucket';
  }
  return location.key.endsWith('/') ? 'prefix' : 'object';
}

/** `s3://bucket/key`, for messages and logs (keys are shown as S3 stores them, not URL-encoded). */
export function toS3Uri(location: Pick<S3Location, 'bucket' | 'key'>): string {
  return `s3://${location.bucket}/${location.key ?? ''}`;
}

/**
 * Parses a URL that must name at least a bucket: virtual-hosted or path-style HTTP(S) URLs of
 * AWS and S3-compatible providers, or `s3://bucket/key`.
 */
export function parseS3Location(input: string): S3Location {
  const parsed = parseAnyS3Url(input);
  if (parsed.bucket === undefined) {
    throw invalidUrl(input, 'it names no bucket');
  }
  return { ...parsed.endpoint, bucket: parsed.bucket, key: parsed.key };
}

/** Parses a URL down to its endpoint; the URL may also name a bucket and key, which are ignored. */
export function parseS3Endpoint(input: string): S3Endpoint {
  return parseAnyS3Url(input).endpoint;
}

/**
 * Resolves a location given relative to a connection: a key (relative to the connection's
 * folder like a relative URL, or to the bucket root when it starts with `/`; empty means the
 * connection's own location), an `s3://bucket/key`, or a full URL on the same endpoint. Another
 * endpoint, or another bucket than the one the connection names, is refused.
 */
export function resolveLocation(connectionLocation: S3Endpoint | S3Location, relative: string): S3Location {
  const base = connectionLocation;
  const baseBucket = 'bucket' in base ? base.bucket : undefined;
  const trimmed = relative.trim();
  let resolved: S3Location;

  if (/^s3:\/\//i.test(trimmed)) {
    const { bucket, key } = parseS3Uri(trimmed);
    resolved = { ...pickEndpoint(base), bucket: assertValidBucketName(bucket, base.provider), key };
  } else if (URL_SCHEME.test(trimmed)) {
    const parsed = parseAnyS3Url(trimmed);
    if (!isSameEndpoint(parsed.endpoint, base)) {
      throw outsideConnection(trimmed, 'it is on another endpoint than the connection');
    }
    if (parsed.bucket === undefined) {
      throw invalidUrl(trimmed, 'it names no bucket');
    }
    resolved = {
      ...pickEndpoint(base),
      forcePathStyle: parsed.endpoint.forcePathStyle,
      region: parsed.endpoint.region ?? base.region,
      bucket: parsed.bucket,
      key: parsed.key,
    };
  } else {
    if (baseBucket === undefined) {
      throw invalidUrl(
        trimmed,
        'a key alone needs a connection URL that names a bucket',
        'Give s3://bucket/key or a full URL.',
      );
    }
    const baseKey = 'key' in base ? base.key : undefined;
    if (trimmed === '') {
      return { ...pickEndpoint(base), bucket: baseBucket, key: baseKey };
    }
    const key = trimmed.startsWith('/') ? trimmed.slice(1) : `${folderOf(baseKey)}${trimmed}`;
    resolved = {
      ...pickEndpoint(base),
      bucket: baseBucket,
      key: key === '' ? undefined : assertValidObjectKey(key),
    };
  }

  if (baseBucket !== undefined && resolved.bucket !== baseBucket) {
    throw outsideConnection(
      trimmed,
      `it names bucket ${resolved.bucket}, not the connection's bucket ${baseBucket}`,
    );
  }
  return resolved;
}

function outsideConnection(input: string, why: string): AuthException {
  return new AuthException(
    AuthErrorCode.LOCATION_OUTSIDE_CONNECTION,
    `"${redactUrl(input)}" is outside the connection: ${why}.`,
    {
      hint: 'Use a key under the connection URL, or create a connection for that endpoint or bucket.',
      details: { url: redactUrl(input) },
    },
  );
}

function folderOf(key: string | undefined): string {
  if (key === undefined) {
    return '';
  }
  return key.slice(0, key.lastIndexOf('/') + 1);
}

function pickEndpoint(endpoint: S3Endpoint): S3Endpoint {
  return {
    endpoint: endpoint.endpoint,
    region: endpoint.region,
    forcePathStyle: endpoint.forcePathStyle,
    provider: endpoint.provider,
  };
}

function isSameEndpoint(a: S3Endpoint, b: S3Endpoint): boolean {
  if (a.provider !== b.provider || a.endpoint !== b.endpoint) {
    return false;
  }
  return a.region === undefined || b.region === undefined || a.region === b.region;
}

/** `s3://` URIs follow the AWS CLI: the key is taken literally, without percent-decoding. */
function parseS3Uri(input: string): { bucket: string; key: string | undefined } {
  const match = /^s3:\/\/([^/?#]+)(?:\/(.*))?$/is.exec(input);
  if (match === null) {
    throw invalidUrl(input, 'an s3:// URL reads s3://bucket/key');
  }
  const key = match[2] === undefined || match[2] === '' ? undefined : assertValidObjectKey(match[2]);
  return { bucket: match[1], key };
}

function parseAnyS3Url(rawInput: string): ParsedUrl {
  const input = rawInput.trim();
  if (input === '') {
    throw invalidUrl(input, 'it is empty');
  }
  if (/^s3:\/\//i.test(input)) {
    const { bucket, key } = parseS3Uri(input);
    return {
      endpoint: { endpoint: undefined, region: undefined, forcePathStyle: false, provider: 'aws' },
      bucket: assertValidBucketName(bucket, 'aws'),
      key,
    };
  }

  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw invalidUrl(input, 'it is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidUrl(input, `the scheme ${url.protocol.replace(':', '')} is not supported`);
  }
  if (url.username !== '' || url.password !== '') {
    throw invalidUrl(
      input,
      'it carries credentials',
      'Remove the user and password from the URL; set the access key and secret on the connection.',
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw invalidUrl(
      input,
      'it has a query string or fragment',
      'Pre-signed URLs are not supported: give the object URL and set credentials on the connection.',
    );
  }

  const host = url.hostname.replace(/\.$/, '');
  const aws = matchAwsHost(input, url, host);
  if (aws !== undefined) {
    return aws;
  }
  const r2 = matchR2Host(input, url, host);
  if (r2 !== undefined) {
    return r2;
  }
  for (const rule of S3_LABEL_PROVIDERS) {
    const compatible = matchS3LabelHost(input, url, host, rule);
    if (compatible !== undefined) {
      return compatible;
    }
  }
  return pathStyle(input, url, {
    endpoint: url.origin,
    region: undefined,
    forcePathStyle: true,
    provider: 'custom',
  });
}

function hostLabelsBefore(host: string, suffix: string): string[] | undefined {
  if (!host.endsWith(`.${suffix}`)) {
    return undefined;
  }
  return host.slice(0, -suffix.length - 1).split('.');
}

function withPort(url: URL, host: string): string {
  return `${url.protocol}//${host}${url.port === '' ? '' : `:${url.port}`}`;
}

/**
 * AWS hosts: `s3.amazonaws.com` (global), `s3.<region>`, legacy `s3-<region>`, `s3-external-1`,
 * `s3.dualstack.<region>`, `s3-fips[.dualstack].<region>`, `s3-accelerate[.dualstack]`, each
 * optionally prefixed by `<bucket>.` (virtual-hosted style).
 */
function matchAwsHost(input: string, url: URL, host: string): ParsedUrl | undefined {
  const suffix = AWS_SUFFIXES.find((candidate) => host.endsWith(`.${candidate}`));
  if (suffix === undefined) {
    return undefined;
  }
  const labels = hostLabelsBefore(host, suffix) ?? [];
  const serviceIndex = findAwsServiceLabel(labels);
  if (serviceIndex === -1) {
    throw invalidUrl(input, 'this amazonaws.com host is not an S3 endpoint');
  }
  const service = labels[serviceIndex];
  if (AWS_UNSUPPORTED_SERVICE.test(service)) {
    throw invalidUrl(
      input,
      'website, access point, Object Lambda, Outposts and Express endpoints are not supported',
      "Use the bucket's S3 REST endpoint, e.g. https://bucket.s3.eu-west-3.amazonaws.com/file.csv.",
    );
  }
  const tail = labels.slice(serviceIndex + 1);
  let region: string | undefined;
  let special = false;

  if (service === 's3' || service === 's3-fips') {
    special = service === 's3-fips';
    if (tail[0] === 'dualstack') {
      special = true;
      tail.shift();
    }
    if (tail.length > 1) {
      throw invalidUrl(input, 'the host is not a known S3 endpoint form');
    }
    region = tail[0];
  } else if (service === 's3-external-1') {
    region = 'us-east-1';
  } else if (service === 's3-accelerate') {
    special = true;
    if (tail.length > 1 || (tail.length === 1 && tail[0] !== 'dualstack')) {
      throw invalidUrl(input, 'the host is not a known S3 endpoint form');
    }
    tail.length = 0;
  } else if (service.startsWith('s3-')) {
    region = service.slice(3);
  } else {
    throw invalidUrl(input, 'the host is not a known S3 endpoint form');
  }
  if (tail.length > 1 || (region !== undefined && !/^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/.test(region))) {
    throw invalidUrl(input, 'the host names no valid AWS region');
  }
  if ((service === 's3-fips' || (special && service === 's3')) && region === undefined) {
    throw invalidUrl(input, 'dual-stack and FIPS hosts must name a region');
  }

  const endpoint: S3Endpoint = {
    // Dual-stack, FIPS and accelerate hosts are kept as the user wrote them; plain hosts use the SDK's regional default.
    endpoint: special ? withPort(url, [...labels.slice(serviceIndex), suffix].join('.')) : undefined,
    region,
    // AWS serves every DNS-compatible bucket virtual-hosted; the SDK falls back to path style for dotted names itself.
    forcePathStyle: false,
    provider: 'aws',
  };
  return serviceIndex > 0
    ? virtualHosted(input, url, labels.slice(0, serviceIndex).join('.'), endpoint)
    : pathStyle(input, url, endpoint);
}

/** The service label sits at most two labels before the suffix (`s3.dualstack.<region>`); anything left of it is the bucket. */
function findAwsServiceLabel(labels: readonly string[]): number {
  for (let index = labels.length - 1; index >= Math.max(0, labels.length - 3); index -= 1) {
    if (/^s3(?:$|-)/.test(labels[index]) || labels[index].startsWith('s3express')) {
      return index;
    }
  }
  return -1;
}

/** Cloudflare R2: `[<bucket>.]<account id>[.<jurisdiction>].r2.cloudflarestorage.com`, region `auto`. */
function matchR2Host(input: string, url: URL, host: string): ParsedUrl | undefined {
  const labels = hostLabelsBefore(host, R2_SUFFIX);
  if (labels === undefined) {
    return undefined;
  }
  const accountIndex = labels.findIndex((label) => R2_ACCOUNT_ID.test(label));
  if (accountIndex === -1) {
    throw invalidUrl(
      input,
      'an R2 host starts with the 32-character account ID',
      'Use https://<account id>.r2.cloudflarestorage.com/bucket/key.',
    );
  }
  const endpointHost = [...labels.slice(accountIndex), R2_SUFFIX].join('.');
  const virtual = accountIndex > 0;
  const endpoint: S3Endpoint = {
    endpoint: withPort(url, endpointHost),
    region: 'auto',
    forcePathStyle: !virtual,
    provider: 'r2',
  };
  return virtual
    ? virtualHosted(input, url, labels.slice(0, accountIndex).join('.'), endpoint)
    : pathStyle(input, url, endpoint);
}

function matchS3LabelHost(input: string, url: URL, host: string, rule: HostRule): ParsedUrl | undefined {
  const labels = hostLabelsBefore(host, rule.suffix);
  if (labels === undefined) {
    return undefined;
  }
  const serviceIndex = labels.lastIndexOf('s3');
  if (serviceIndex === -1) {
    return undefined;
  }
  const region = labels[serviceIndex + 1] ?? rule.defaultRegion;
  const endpoint: S3Endpoint = {
    endpoint: withPort(url, [...labels.slice(serviceIndex), rule.suffix].join('.')),
    region,
    forcePathStyle: serviceIndex === 0,
    provider: rule.provider,
  };
  return serviceIndex > 0
    ? virtualHosted(input, url, labels.slice(0, serviceIndex).join('.'), endpoint)
    : pathStyle(input, url, endpoint);
}

function virtualHosted(input: string, url: URL, bucket: string, endpoint: S3Endpoint): ParsedUrl {
  const key = decodeKey(input, url.pathname.slice(1));
  return {
    endpoint: { ...endpoint, forcePathStyle: false },
    bucket: assertValidBucketName(bucket, endpoint.provider),
    key,
  };
}

function pathStyle(input: string, url: URL, endpoint: S3Endpoint): ParsedUrl {
  const path = url.pathname.slice(1);
  if (path === '') {
    return { endpoint, bucket: undefined, key: undefined };
  }
  const slash = path.indexOf('/');
  const rawBucket = slash === -1 ? path : path.slice(0, slash);
  const bucket = assertValidBucketName(decodeComponent(input, rawBucket), endpoint.provider);
  const key = slash === -1 ? undefined : decodeKey(input, path.slice(slash + 1));
  return { endpoint, bucket, key };
}

function decodeKey(input: string, rawKey: string): string | undefined {
  if (rawKey === '') {
    return undefined;
  }
  return assertValidObjectKey(decodeComponent(input, rawKey));
}

// `+` stays a plus: in a URL path it is a literal character, whatever the AWS console's object URLs suggest.
function decodeComponent(input: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidUrl(input, 'it contains an invalid percent-encoding', 'Encode a literal % as %25.');
  }
}
