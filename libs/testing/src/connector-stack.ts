import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppProcess, type AppName } from './app-process';
import { currentEnvironment } from './integration-environment';
import { uniqueDatabaseName, uniqueName } from './unique-names';
import { waitFor } from './wait-for';

const REPO_ROOT = path.resolve(__dirname, '../../..');

/**
 * The three built apps as processes on the integration environment, each with databases and consumer
 * groups of its own, so that a suite never sees another suite's state.
 */
export class ConnectorStack {
  readonly environment = currentEnvironment();
  readonly env: Record<string, string>;
  readonly apps: Record<AppName, AppProcess>;

  constructor(extraEnv: Record<string, string> = {}) {
    const awsHost = new URL(this.environment.awsEndpoint).host;
    this.env = {
      LOG_LEVEL: 'debug',
      CONNECTIONS_DATABASE: uniqueDatabaseName('connections'),
      CREDENTIAL_BROKER_DATABASE: uniqueDatabaseName('credentials'),
      DATASET_IMPORT_DATABASE: uniqueDatabaseName('datasets'),
      CREDENTIAL_BROKER_GROUP_ID: uniqueName('credential-broker'),
      DATASET_IMPORT_GROUP_ID: uniqueName('dataset-import'),
      CREDENTIAL_BROKER_KEY_DIR: mkdtempSync(path.join(os.tmpdir(), 's3c-broker-keys-')),
      EGRESS_ALLOW_LIST: awsHost,
      EGRESS_ALLOW_HTTP: awsHost,
      ...extraEnv,
    };
    this.apps = {
      connections: new AppProcess('connections', this.env),
      'credential-broker': new AppProcess('credential-broker', this.env),
      'dataset-import': new AppProcess('dataset-import', this.env),
    };
  }

  async start(): Promise<this> {
    await Promise.all(Object.values(this.apps).map((app) => app.start()));
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.apps).map((app) => app.stop()));
  }

  /** `npm run domain:create -- <domain>` against this stack's database; returns the printed key. */
  createDomainKey(domain: string): string {
    const output = execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist/apps/connections/src/domain-create.js'), domain], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.env, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return output.trim().split('\n').at(-1) ?? '';
  }

  /** The importer learns API keys from events: waits until it accepts this one. */
  async waitUntilImporterKnows(apiKey: string): Promise<void> {
    await waitFor(
      async () => {
        const response = await fetch(`${this.apps['dataset-import'].baseUrl}/api/v1/datasets/unknown-dataset`, { headers: { authorization: `Apikey ${apiKey}` } });
        return response.status !== 401;
      },
      { timeoutMs: 60_000, what: 'the importer to know the API key' },
    );
  }

  /** Every line the apps printed. */
  logs(): string[] {
    return Object.values(this.apps).flatMap((app) => app.output);
  }
}

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  text: string;
}

/** A REST client as an admin would use it; every answer is recorded for secret searches. */
export class ApiClient {
  readonly answers: string[] = [];

  constructor(
    private readonly baseUrl: string,
    readonly apiKey?: string,
  ) {}

  async call<T = Record<string, unknown>>(method: string, route: string, body?: unknown): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.baseUrl}${route}`, {
      method,
      headers: {
        ...(this.apiKey ? { authorization: `Apikey ${this.apiKey}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    this.answers.push(text);
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, text };
  }
}
