import { AppProcess } from './app-process';
import { ConnectorStack } from './connector-stack';
import { waitFor } from './wait-for';

describe('AppProcess', () => {
  it('should reject its start at once, not at the deadline, when the app is killed while starting', async () => {
    const app = new AppProcess('connections', new ConnectorStack().env);
    // Far beyond the test's own timeout: only the exit of the process can end this start in time.
    const starting = app.start(600_000);
    const outcome = starting.then(
      () => 'ready',
      (error: Error) => error.message,
    );

    await waitFor(() => app.pid, { what: 'the app process' });
    const code = await app.stop('SIGKILL');

    expect(code).toBeNull();
    expect(await outcome).toMatch(/^connections exited \(SIGKILL\) while starting/);
  });
});
