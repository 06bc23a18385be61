import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { LOG_LEVELS, type JsonLogLevel } from '../logging/json-logger';
import { redactor } from '../logging/redactor';

const SECRET_FIELDS = Symbol('s3c:secret-config-fields');

/** Marks a config field as secret: its value is registered with the log redactor at boot. */
export function Secret(): PropertyDecorator {
  return (target, property) => {
    const fields: string[] = Reflect.getMetadata(SECRET_FIELDS, target) ?? [];
    Reflect.defineMetadata(SECRET_FIELDS, [...fields, String(property)], target);
  };
}

/** Splits `a,b , c` into trimmed non-empty items. */
export const CommaList = () =>
  Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : value,
  );

export const PORT_RULES = [IsInt(), Min(1), Max(65535)];

/** What every service reads: logging, Kafka and the store. Apps extend it with their own variables. */
export class BaseServiceConfig {
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: JsonLogLevel = 'info';

  @CommaList()
  @IsString({ each: true })
  @Matches(/^[^\s:]+:\d{1,5}$/, { each: true, message: 'KAFKA_BROKERS must be a comma-separated list of host:port' })
  @IsNotEmpty()
  KAFKA_BROKERS!: string[];

  @IsString()
  @Matches(/^mongodb(\+srv)?:\/\//, { message: 'MONGODB_URI must start with mongodb:// or mongodb+srv://' })
  MONGODB_URI!: string;

  /**
   * Tenant-supplied endpoints that may resolve to loopback/private addresses (host, host:port, IP or CIDR).
   * Empty in production; the local AWS server is allowed only by being listed here.
   */
  @CommaList()
  @IsString({ each: true })
  EGRESS_ALLOW_LIST: string[] = [];

  /** Tenant-supplied endpoints that may be reached over plain http (same grammar). */
  @CommaList()
  @IsString({ each: true })
  EGRESS_ALLOW_HTTP: string[] = [];

  /** Milliseconds a SIGTERM waits for in-flight work before the process is forced out. */
  @IsInt() @Min(1000) @Max(120_000)
  SHUTDOWN_GRACE_MS: number = 15_000;
}

export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: { variable: string; problem: string }[]) {
    super(
      `Invalid configuration: ${problems.map(({ variable, problem }) => `${variable}: ${problem}`).join('; ')}`,
    );
  }
}

/**
 * Builds and validates a config class from environment variables (the only place process.env is
 * read). Numbers are converted from their string form; missing required variables are named.
 */
export function loadConfig<T extends object>(
  configClass: new () => T,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const instance = plainToInstance(configClass, defined, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigValidationError(
      errors.map((error) => ({
        variable: error.property,
        problem:
          error.value === undefined
            ? 'is required but not set'
            : Object.values(error.constraints ?? {}).join(', ') || 'is invalid',
      })),
    );
  }
  const secretFields: string[] = Reflect.getMetadata(SECRET_FIELDS, instance) ?? [];
  for (const field of secretFields) {
    redactor.registerSecret((instance as Record<string, string | undefined>)[field]);
  }
  return instance;
}
