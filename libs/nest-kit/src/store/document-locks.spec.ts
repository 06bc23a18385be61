import { setTimeout as sleep } from 'node:timers/promises';
import { DocumentLocks } from './document-locks';

describe('DocumentLocks', () => {
  it('should run the writes of one key one after the other, in call order', async () => {
    const locks = new DocumentLocks();
    const events: string[] = [];
    const write = (name: string, ms: number) =>
      locks.run('doc-1', async () => {
        events.push(`${name}:start`);
        await sleep(ms);
        events.push(`${name}:end`);
        return name;
      });

    const results = await Promise.all([write('a', 20), write('b', 1), write('c', 5)]);

    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });

  it('should let other keys run concurrently and keep going after a failure', async () => {
    const locks = new DocumentLocks();
    const events: string[] = [];

    const failed = locks.run('doc-1', async () => {
      await sleep(10);
      throw new Error('boom');
    });
    const other = locks.run('doc-2', async () => events.push('doc-2'));
    const next = locks.run('doc-1', async () => events.push('doc-1 after failure'));

    await expect(failed).rejects.toThrow('boom');
    await Promise.all([other, next]);
    expect(events).toEqual(['doc-2', 'doc-1 after failure']);
  });
});
