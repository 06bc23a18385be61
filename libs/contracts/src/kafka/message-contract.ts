import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

type Constructor<T> = new () => T;

/**
 * A topic, its version and the classes of its key and value. One constant per event or command;
 * services never write topic strings themselves.
 */
export interface MessageContract<TValue extends object> {
  readonly topic: string;
  readonly version: number;
  readonly kind: 'event' | 'command' | 'request';
  readonly valueClass: Constructor<TValue>;
  /** The message key: the aggregate id, so that one entity's messages stay ordered in one partition. */
  readonly keyOf: (value: TValue) => string;
}

/** The value type carried by a contract. */
export type ValueOf<C> = C extends MessageContract<infer V> ? V : never;

const TOPIC_GRAMMAR = /^s3connector\.[a-z][a-z-]*\.[a-z][a-z-]*\.v[1-9][0-9]*(\.reply)?$/;

export function defineContract<TValue extends object>(
  contract: MessageContract<TValue>,
): MessageContract<TValue> {
  if (!TOPIC_GRAMMAR.test(contract.topic)) {
    throw new Error(`Topic "${contract.topic}" does not follow s3connector.<entity>.<event>.v<N>`);
  }
  if (!contract.topic.includes(`.v${contract.version}`)) {
    throw new Error(`Topic "${contract.topic}" does not carry its version v${contract.version}`);
  }
  return Object.freeze(contract);
}

export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

export function replyTopicOf(topic: string): string {
  return `${topic}.reply`;
}

export enum ContractErrorCode {
  InvalidJson = 'MESSAGE_INVALID_JSON',
  InvalidPayload = 'MESSAGE_INVALID_PAYLOAD',
  MissingHeader = 'MESSAGE_MISSING_HEADER',
  SchemaVersionMismatch = 'MESSAGE_SCHEMA_VERSION_MISMATCH',
  /** The payload names another domain than the `domain` header: refused, never executed. */
  DomainMismatch = 'DOMAIN_MISMATCH',
}

export class ContractViolationError extends Error {
  override readonly name = 'ContractViolationError';
  constructor(
    readonly code: ContractErrorCode,
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

function describe(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((text) => `${path}: ${text}`);
    return [...own, ...describe(error.children ?? [], path)];
  });
}

/**
 * Turns a decoded JSON value into an instance of `cls` and validates it: `plainToInstance` alone
 * validates nothing. Unknown properties are refused so that a producer's typo is caught, not ignored.
 */
export function validatePayload<T extends object>(cls: Constructor<T>, plain: unknown, what: string): T {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new ContractViolationError(ContractErrorCode.InvalidPayload, `${what} must be a JSON object`);
  }
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const details = describe(errors);
    throw new ContractViolationError(
      ContractErrorCode.InvalidPayload,
      `${what} is invalid: ${details.slice(0, 5).join('; ')}`,
      details,
    );
  }
  return instance;
}

/** A payload that names a domain must name the one its `domain` header claims. */
export function assertSameDomain(value: object, headerDomain: string): void {
  const payloadDomain = (value as { domain?: unknown }).domain;
  if (payloadDomain !== undefined && payloadDomain !== headerDomain) {
    throw new ContractViolationError(
      ContractErrorCode.DomainMismatch,
      `The payload's domain "${String(payloadDomain)}" is not the message's domain "${headerDomain}"`,
    );
  }
}

export function decodeJson(buffer: Buffer | null, what: string): unknown {
  if (!buffer || buffer.length === 0) {
    throw new ContractViolationError(ContractErrorCode.InvalidJson, `${what} is empty`);
  }
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch (error) {
    throw new ContractViolationError(
      ContractErrorCode.InvalidJson,
      `${what} is not valid JSON: ${(error as Error).message}`,
    );
  }
}
