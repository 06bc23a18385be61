import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { waitFor } from './wait-for';

const REPO_ROOT = path.resolve(__dirname, '../../..');
/** As tools/lib/workspace.mjs APP_NODE_OPTIONS: the apps run with a capped heap everywhere. */
const APP_NODE_OPTIONS = '--max-old-space-size=128';

export type AppName = 'connections' | 'credential-broker' | 'dataset-import';

const PORT_VARIABLE: Record<AppName, string> = {
  connections: 'CONNECTIONS_HTTP_PORT',
  'dataset-import': 'DATASET_IMPORT_HTTP_PORT',
  'credential-broker': 'CREDENTIAL_BROKER_HEALTH_PORT',
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A built app running as its own process, the way `npm start` runs it; its output is kept for assertions. */
export class AppProcess {
  readonly output: string[] = [];
  private child?: ChildProcess;
  baseUrl = '';

  constructor(
    readonly name: AppName,
    private readonly env: Record<string, string>,
  ) {}

  async start(timeoutMs = 60_000): Promise<this> {
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/apps', this.name, 'src/main.js')], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...this.env,
        NODE_OPTIONS: [process.env.NODE_OPTIONS, APP_NODE_OPTIONS].filter(Boolean).join(' '),
        [PORT_VARIABLE[this.name]]: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // S3C_APP_LOG_DIR keeps every app's output in a file too, to read after a failed run.
    const logDir = process.env.S3C_APP_LOG_DIR;
    const logFile = logDir ? path.join(logDir, `${this.name}-${this.child.pid}.log`) : undefined;
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
    }
    this.child.stdout?.on('data', this.lineKeeper(logFile));
    this.child.stderr?.on('data', this.lineKeeper(logFile));
    const child = this.child;
    await waitFor(
      async () => {
        const response = await fetch(`${this.baseUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
        if (!response.ok) {
          throw new Error(`/health/ready answered ${response.status}`);
        }
        return true;
      },
      {
        timeoutMs,
        what: `${this.name} to be ready`,
        // A signal ends a process with exitCode null: both are checked, or a killed start polls a dead port.
        abandonIf: () =>
          child.exitCode !== null || child.signalCode !== null
            ? new Error(
                `${this.name} exited (${child.exitCode ?? child.signalCode}) while starting: ${this.output.slice(-20).join('\n')}`,
              )
            : undefined,
      },
    );
    return this;
  }

  /** Whole lines only: a chunk of a pipe can end in the middle of a (JSON) line. */
  private lineKeeper(logFile: string | undefined): (chunk: Buffer) => void {
    let partial = '';
    return (chunk) => {
      if (logFile) {
        appendFileSync(logFile, chunk);
      }
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      this.output.push(...lines.filter(Boolean));
    };
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** SIGTERM by default (graceful); SIGKILL to simulate a crash. Resolves when the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return child?.exitCode ?? null;
    }
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }
}
