// Types of tools/infra/index.js for TypeScript callers (libs/testing's Jest global setup).

export type PartName = 'kafka' | 'store' | 'aws';

export interface InfraConfig {
  repoRoot: string;
  /** Installs shared by every clone on the machine (S3C_CACHE_DIR). */
  cacheDir: string;
  /** Data dirs, logs, pid files and the env file of this clone (S3C_INFRA_DIR). */
  infraDir: string;
  envFile: string;
  versions: { kafka: string; ferretdb: string; moto: string };
  kafka: { host: string; port: number; controllerPort: number; readyTimeoutMs: number };
  store: { host: string; port: number; readyTimeoutMs: number; goGc: number };
  aws: { host: string; port: number; region: string; readyTimeoutMs: number };
}

export interface UpResult {
  /** Parts this call started: stop only these when done. */
  started: PartName[];
  /** Parts that were already running and healthy. */
  reused: PartName[];
  /** The env file's content after this call. */
  env: Record<string, string>;
  envFile: string;
}

export interface PartStatus {
  part: PartName;
  state: 'running' | 'stopped' | 'stale';
  pid: number | null;
  port: number;
  ready: boolean;
  detail: string;
}

export type InfraLog = (line: string) => void;

export const PART_NAMES: readonly PartName[];

export function up(options?: { parts?: string[]; log?: InfraLog }): Promise<UpResult>;
export function down(options?: {
  parts?: string[];
  wipe?: boolean;
  log?: InfraLog;
}): Promise<{ stopped: PartName[] }>;
export function status(options?: { parts?: string[] }): Promise<{ ready: boolean; parts: PartStatus[] }>;
export function readEnvFile(): Record<string, string>;
export function config(env?: NodeJS.ProcessEnv): InfraConfig;

export const InfraErrorCode: {
  readonly INVALID_CONFIG: 'INVALID_CONFIG';
  readonly UNKNOWN_PART: 'UNKNOWN_PART';
  readonly JAVA_MISSING: 'JAVA_MISSING';
  readonly JAVA_TOO_OLD: 'JAVA_TOO_OLD';
  readonly MAVEN_MISSING: 'MAVEN_MISSING';
  readonly GO_MISSING: 'GO_MISSING';
  readonly PYTHON_MISSING: 'PYTHON_MISSING';
  readonly INSTALL_FAILED: 'INSTALL_FAILED';
  readonly PORT_IN_USE: 'PORT_IN_USE';
  readonly START_FAILED: 'START_FAILED';
  readonly EXITED_EARLY: 'EXITED_EARLY';
  readonly READY_TIMEOUT: 'READY_TIMEOUT';
  readonly SEED_FAILED: 'SEED_FAILED';
  readonly AUTH_NOT_ENFORCED: 'AUTH_NOT_ENFORCED';
  readonly LOCK_TIMEOUT: 'LOCK_TIMEOUT';
  readonly STOP_FAILED: 'STOP_FAILED';
};
export type InfraErrorCode = (typeof InfraErrorCode)[keyof typeof InfraErrorCode];

export class InfraError extends Error {
  constructor(
    code: InfraErrorCode,
    message: string,
    options?: { hint?: string; details?: Record<string, unknown>; cause?: unknown },
  );
  readonly code: InfraErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown>;
}
