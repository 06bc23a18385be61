import { spawn } from 'node:child_process';
import path from 'node:path';
import { AppProcess, ConnectorStack } from '@s3c/testing';

const ROOT = path.resolve(__dirname, '../../..');

function runApp(app: string, env: Record<string, string | undefined>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps', app, 'src/main.js')], { cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('app lifecycle', () => {
  it.each([
    ['connections', 'MONGODB_URI', 'http://not-mongo'],
    ['dataset-import', 'KAFKA_BROKERS', 'no-port'],
    ['credential-broker', 'PLATFORM_AWS_ACCESS_KEY_ID', ''],
  ])('should stop %s at boot with a message naming %s when it is invalid or missing', async (app, variable, value) => {
    const { code, stderr } = await runApp(app, { ...process.env, [variable]: value });

    expect(code).toBe(78);
    expect(stderr).toContain(variable);
  });

  it('should shut down cleanly on SIGTERM', async () => {
    const stack = new ConnectorStack();
    const app = await new AppProcess('connections', stack.env).start();

    const code = await app.stop('SIGTERM');

    expect(code).toBe(0);
    expect(app.output.some((line) => line.includes('SIGTERM received, shutting down'))).toBe(true);
  });
});
