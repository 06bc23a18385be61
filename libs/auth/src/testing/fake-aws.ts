import { S3ServiceException } from '@aws-sdk/client-s3';
import { STSServiceException } from '@aws-sdk/client-sts';

/** What a fake client answers for one command: a value, or an error to throw. */
export type FakeAnswer = unknown | Error | ((input: Record<string, unknown>) => unknown);

export interface FakeClient {
  send(command: unknown): Promise<never>;
  /** Command class names and inputs, in call order. */
  calls: { command: string; input: Record<string, unknown> }[];
}

/**
 * A stand-in for an SDK client's `send`: answers are queued per command class name
 * (`HeadObjectCommand`…); the last answer of a queue repeats.
 */
export function fakeClient(answers: Record<string, FakeAnswer[]>): FakeClient {
  const queues = new Map(Object.entries(answers).map(([name, queue]) => [name, [...queue]]));
  const calls: FakeClient['calls'] = [];
  return {
    calls,
    async send(command: unknown): Promise<never> {
      const name = (command as object).constructor.name;
      const input = (command as { input: Record<string, unknown> }).input;
      calls.push({ command: name, input });
      const queue = queues.get(name);
      if (queue === undefined || queue.length === 0) {
        throw new Error(`Unexpected command ${name}`);
      }
      const answer = queue.length > 1 ? queue.shift() : queue[0];
      const value =
        typeof answer === 'function'
          ? (answer as (input: Record<string, unknown>) => unknown)(input)
          : answer;
      if (value instanceof Error) {
        throw value;
      }
      return value as never;
    },
  };
}

const metadata = (httpStatusCode: number) => ({ httpStatusCode, attempts: 1, totalRetryDelay: 0 });

/** An S3 error with an XML body (GET, LIST). */
export function s3Error(
  code: string,
  status: number,
  extra: Record<string, unknown> = {},
): S3ServiceException {
  return Object.assign(
    new S3ServiceException({
      name: code,
      $fault: status >= 500 ? 'server' : 'client',
      $metadata: metadata(status),
      message: code,
    }),
    { Code: code },
    extra,
  );
}

/** An S3 HEAD error: no body, so no code. */
export function s3HeadError(status: number, headers: Record<string, string> = {}): S3ServiceException {
  return Object.assign(
    new S3ServiceException({
      name: status === 404 ? 'NotFound' : 'Unknown',
      $fault: 'client',
      $metadata: metadata(status),
      message: 'UnknownError',
    }),
    {
      $response: { statusCode: status, headers, body: undefined },
    },
  );
}

export function stsError(code: string, status: number): STSServiceException {
  return new STSServiceException({
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: metadata(status),
    message: code,
  });
}

export function assumeRoleOutput(expiration: Date, suffix = '1'): unknown {
  return {
    Credentials: {
      AccessKeyId: `ASIATEMP${suffix}`,
      SecretAccessKey: `secret-${suffix}`,
      SessionToken: `token-${suffix}`,
      Expiration: expiration,
    },
    $metadata: metadata(200),
  };
}
