import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';

interface CapturedHttpRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
}

class RequestCaptured extends Error {}

function escape(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The query as SigV4 canonicalises it (sorted names, RFC 3986 escaping), so the URL matches what was signed. */
export function toQueryString(query: CapturedHttpRequest['query'] = {}): string {
  const parts = Object.keys(query)
    .sort()
    .flatMap((name) => {
      const value = query[name];
      if (value === null || value === undefined) {
        return [escape(name)];
      }
      return (Array.isArray(value) ? value : [value]).map((item) => `${escape(name)}=${escape(item)}`);
    });
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

export interface ObjectRequestInput {
  method: 'GET' | 'HEAD';
  bucket: string;
  key: string;
  range?: string;
  ifMatch?: string;
}

/**
 * Builds and signs one S3 request with the client's credentials, without sending it: the SDK resolves
 * the endpoint (virtual-hosted or path style), adds custom headers and signs; the finished request is
 * captured right after signing. Whoever sends it needs no credential, and can change nothing it covers.
 */
export async function signObjectRequest(
  client: S3Client,
  input: ObjectRequestInput,
): Promise<{ url: string; headers: Record<string, string> }> {
  const params = {
    Bucket: input.bucket,
    Key: input.key,
    ...(input.range ? { Range: input.range } : {}),
    ...(input.ifMatch ? { IfMatch: input.ifMatch } : {}),
  };
  const command = input.method === 'GET' ? new GetObjectCommand(params) : new HeadObjectCommand(params);
  let captured: CapturedHttpRequest | undefined;
  command.middlewareStack.addRelativeTo(
    () => async (args: { request: unknown }) => {
      captured = args.request as CapturedHttpRequest;
      throw new RequestCaptured();
    },
    { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 's3cCaptureSignedRequest' },
  );
  try {
    await client.send(command as GetObjectCommand);
  } catch (error) {
    if (!(error instanceof RequestCaptured) || !captured) {
      throw error;
    }
  }
  if (!captured) {
    throw new Error('The S3 request was not captured after signing');
  }
  const port = captured.port ? `:${captured.port}` : '';
  const headers = Object.fromEntries(
    Object.entries(captured.headers).filter(([name]) => name.toLowerCase() !== 'host'),
  );
  return {
    url: `${captured.protocol}//${captured.hostname}${port}${captured.path}${toQueryString(captured.query)}`,
    headers,
  };
}
