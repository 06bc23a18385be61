import path from 'node:path';
import { containerRuntimeAvailable } from './container-runtime';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Where the integration suites find the real parts, however they were started. */
export interface IntegrationEnvironment {
  mode: 'environment' | 'local-processes' | 'containers';
  kafkaBrokers: string[];
  mongodbUri: string;
  awsEndpoint: string;
  awsRegion: string;
  /** The local AWS administrator: creates buckets, roles and keys for the tests. */
  adminCredentials: AwsCredentials;
  /** The platform's own IAM identity, the one customers trust in their role trust policies. */
  platformCredentials: AwsCredentials;
  platformAccountId: string;
  kmsKeyId?: string;
  stop(): Promise<void>;
}

export const ENVIRONMENT_VARIABLES = [
  'KAFKA_BROKERS',
  'MONGODB_URI',
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'PLATFORM_AWS_ACCESS_KEY_ID',
  'PLATFORM_AWS_SECRET_ACCESS_KEY',
  'PLATFORM_AWS_ACCOUNT_ID',
  'CREDENTIAL_BROKER_KMS_KEY_ID',
] as const;

type EnvironmentValues = Partial<Record<(typeof ENVIRONMENT_VARIABLES)[number], string>>;

const REPO_ROOT = path.resolve(__dirname, '../../..');

function fromValues(values: EnvironmentValues, mode: IntegrationEnvironment['mode'], stop: () => Promise<void>): IntegrationEnvironment {
  const required = (name: keyof EnvironmentValues): string => {
    const value = values[name];
    if (!value) {
      throw new Error(`The integration environment has no ${name}`);
    }
    return value;
  };
  return {
    mode,
    kafkaBrokers: required('KAFKA_BROKERS').split(',').map((broker) => broker.trim()),
    mongodbUri: required('MONGODB_URI'),
    awsEndpoint: required('AWS_ENDPOINT_URL'),
    awsRegion: values.AWS_REGION ?? 'eu-west-1',
    adminCredentials: { accessKeyId: required('AWS_ACCESS_KEY_ID'), secretAccessKey: required('AWS_SECRET_ACCESS_KEY') },
    platformCredentials: {
      accessKeyId: required('PLATFORM_AWS_ACCESS_KEY_ID'),
      secretAccessKey: required('PLATFORM_AWS_SECRET_ACCESS_KEY'),
    },
    platformAccountId: values.PLATFORM_AWS_ACCOUNT_ID ?? '123456789012',
    kmsKeyId: values.CREDENTIAL_BROKER_KMS_KEY_ID,
    stop,
  };
}

export function environmentValues(environment: IntegrationEnvironment): Record<string, string> {
  return {
    KAFKA_BROKERS: environment.kafkaBrokers.join(','),
    MONGODB_URI: environment.mongodbUri,
    AWS_ENDPOINT_URL: environment.awsEndpoint,
    AWS_REGION: environment.awsRegion,
    AWS_ACCESS_KEY_ID: environment.adminCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: environment.adminCredentials.secretAccessKey,
    PLATFORM_AWS_ACCESS_KEY_ID: environment.platformCredentials.accessKeyId,
    PLATFORM_AWS_SECRET_ACCESS_KEY: environment.platformCredentials.secretAccessKey,
    PLATFORM_AWS_ACCOUNT_ID: environment.platformAccountId,
    ...(environment.kmsKeyId ? { CREDENTIAL_BROKER_KMS_KEY_ID: environment.kmsKeyId } : {}),
  };
}

interface InfraApi {
  up(options: { parts?: string[]; log?: (line: string) => void }): Promise<{ started: string[] }>;
  down(options: { parts?: string[]; log?: (line: string) => void }): Promise<unknown>;
  readEnvFile(): Record<string, string>;
}

function loadInfra(): InfraApi {
  // tools/infra is plain CommonJS without dependencies, shared with the run and test commands.
  return require(path.join(REPO_ROOT, 'tools/infra/index.js')) as InfraApi;
}

async function startLocalProcesses(log: (line: string) => void): Promise<IntegrationEnvironment> {
  const infra = loadInfra();
  const { started } = await infra.up({ log });
  const stop = async () => {
    if (started.length > 0) {
      await infra.down({ parts: started, log });
    }
  };
  return fromValues(infra.readEnvFile() as EnvironmentValues, 'local-processes', stop);
}

async function startContainers(log: (line: string) => void): Promise<IntegrationEnvironment> {
  const { startContainerEnvironment } = await import('./container-environment');
  return startContainerEnvironment(log);
}

/**
 * One start()/stop() for the integration suites. Explicit URLs in the environment win; otherwise
 * Testcontainers when a container runtime answers; otherwise local processes from tools/infra.
 */
export async function startIntegrationEnvironment(log: (line: string) => void = () => undefined): Promise<IntegrationEnvironment> {
  const values = Object.fromEntries(ENVIRONMENT_VARIABLES.map((name) => [name, process.env[name]])) as EnvironmentValues;
  if (values.KAFKA_BROKERS && values.MONGODB_URI && values.AWS_ENDPOINT_URL) {
    return fromValues(values, 'environment', async () => undefined);
  }
  if (await containerRuntimeAvailable()) {
    return startContainers(log);
  }
  return startLocalProcesses(log);
}

/** Inside a test worker: the environment the global setup started, read back from process.env. */
export function currentEnvironment(): Omit<IntegrationEnvironment, 'stop'> {
  const values = Object.fromEntries(ENVIRONMENT_VARIABLES.map((name) => [name, process.env[name]])) as EnvironmentValues;
  const { stop: _stop, ...environment } = fromValues(values, 'environment', async () => undefined);
  return environment;
}
