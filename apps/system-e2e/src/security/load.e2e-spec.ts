import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');

interface KindSummary {
  requests: number;
  serverErrors: number;
  transportFailures: number;
}

interface LoadResult {
  kinds: Record<string, KindSummary>;
  imports: { requested: number; succeeded: number; unchanged: number; failed: number; lost: number };
  ok: boolean;
}

/** tools/load/run.mjs on the suite's environment (no build, no infrastructure start), its summary parsed. */
function runLoad(args: string[]): Promise<{ code: number | null; output: string; result?: LoadResult }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'tools/load/run.mjs'), '--no-setup', '--json', ...args],
      { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      const line = output.split('\n').find((text) => text.startsWith('LOAD_RESULT '));
      resolve({
        code,
        output,
        result: line ? (JSON.parse(line.slice('LOAD_RESULT '.length)) as LoadResult) : undefined,
      });
    });
  });
}

describe('a short bounded load run (REST at a steady rate, concurrent previews and imports)', () => {
  let run: Awaited<ReturnType<typeof runLoad>>;

  beforeAll(async () => {
    run = await runLoad([
      '--seconds',
      '25',
      '--rate',
      '10',
      '--previews',
      '2',
      '--imports',
      '2',
      '--rows',
      '2000',
    ]);
    process.stdout.write(`${run.output}\n`);
  }, 300_000);

  it('should answer no request with a 5xx or a transport failure', () => {
    const failures = Object.entries(run.result?.kinds ?? {}).map(([kind, summary]) => [
      kind,
      summary.serverErrors + summary.transportFailures,
    ]);

    expect(failures).toEqual([
      ['rest', 0],
      ['preview', 0],
      ['import request', 0],
      ['import end to end', 0],
    ]);
    expect(run.result?.kinds.rest.requests).toBeGreaterThan(50);
    expect(run.result?.kinds.preview.requests).toBeGreaterThan(2);
  });

  it('should account for every import requested: each one ended, none failed', () => {
    const imports = run.result?.imports;

    expect(imports?.requested).toBeGreaterThan(2);
    expect([imports?.lost, imports?.failed]).toEqual([0, 0]);
    expect((imports?.succeeded ?? 0) + (imports?.unchanged ?? 0)).toBe(imports?.requested);
  });

  it('should exit 0 with a PASS line', () => {
    expect([run.code, run.result?.ok]).toEqual([0, true]);
  });
});
