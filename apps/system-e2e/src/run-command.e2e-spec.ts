import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitFor } from '@s3c/testing';

const ROOT = path.resolve(__dirname, '../../..');
// Ports of their own, so that a developer's running connector does not answer in its place.
const APPS = [
  { name: 'connections', variable: 'CONNECTIONS_HTTP_PORT', port: 3100 },
  { name: 'dataset-import', variable: 'DATASET_IMPORT_HTTP_PORT', port: 3101 },
  { name: 'credential-broker', variable: 'CREDENTIAL_BROKER_HEALTH_PORT', port: 3102 },
];

interface Readiness {
  httpStatus: number;
  body: { status: string; checks: Record<string, { status: string }> };
}

async function readiness(port: number): Promise<Readiness> {
  const response = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(5_000) });
  return { httpStatus: response.status, body: (await response.json()) as Readiness['body'] };
}

function infra(...args: string[]): void {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'tools/infra/cli.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`infra ${args.join(' ')} failed: ${result.stderr}`);
  }
}

describe('the run command (npm start)', () => {
  let run: ChildProcess;
  let output = '';

  beforeAll(async () => {
    run = spawn(process.execPath, [path.join(ROOT, 'tools/run.mjs'), 'start'], {
      cwd: ROOT,
      env: { ...process.env, ...Object.fromEntries(APPS.map((app) => [app.variable, String(app.port)])) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    run.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    run.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => output.includes('S3 connector is running'), { timeoutMs: 180_000, what: `the run command to start\n${output}` });
  }, 200_000);

  afterAll(async () => {
    if (run && run.exitCode === null) {
      const exited = new Promise((resolve) => run.once('exit', resolve));
      run.kill('SIGINT');
      await exited;
    }
  });

  it('should print where each app listens', () => {
    for (const app of APPS) {
      expect(output).toContain(`http://127.0.0.1:${app.port}`);
    }
  });

  it('should answer liveness and readiness on each app with Kafka and the store up', async () => {
    for (const app of APPS) {
      const live = await fetch(`http://127.0.0.1:${app.port}/health/live`);
      const ready = await readiness(app.port);

      expect(live.status).toBe(200);
      expect(ready.httpStatus).toBe(200);
      expect(ready.body.checks).toMatchObject({ kafka: { status: 'up' }, store: { status: 'up' } });
    }
  });

  it('should turn readiness red when the broker stops and green again when it returns, without restarting the apps', async () => {
    infra('down', 'kafka');
    try {
      for (const app of APPS) {
        const red = await waitFor(
          async () => {
            const state = await readiness(app.port);
            return state.httpStatus === 503 ? state : undefined;
          },
          { timeoutMs: 30_000, what: `${app.name} readiness to turn red` },
        );
        expect(red.body.checks.kafka.status).toBe('down');
        expect(red.body.checks.store.status).toBe('up');
      }
    } finally {
      infra('up', 'kafka');
    }
    for (const app of APPS) {
      const green = await waitFor(
        async () => {
          const state = await readiness(app.port);
          return state.httpStatus === 200 ? state : undefined;
        },
        { timeoutMs: 60_000, what: `${app.name} readiness to turn green` },
      );
      expect(green.body.checks.kafka.status).toBe('up');
    }
    // The run command exits as soon as one app stops: still running means no app was restarted.
    expect(run.exitCode).toBeNull();
  });

  it('should stop the apps on Ctrl-C and exit cleanly', async () => {
    const exited = new Promise<number | null>((resolve) => run.once('exit', (code) => resolve(code)));
    run.kill('SIGINT');

    expect(await exited).toBe(0);
    for (const app of APPS) {
      await expect(fetch(`http://127.0.0.1:${app.port}/health/live`)).rejects.toThrow();
    }
  });
});
