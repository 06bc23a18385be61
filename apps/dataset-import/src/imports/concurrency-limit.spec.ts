import { deferred, nextTurn } from '@s3c/testing';
import { concurrencyLimit } from './concurrency-limit';

describe('concurrencyLimit', () => {
  it('should keep at most `limit` tasks in flight and start the others in order as places free up', async () => {
    const limit = concurrencyLimit(2);
    const tasks = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const results = tasks.map((task, index) =>
      limit(async () => {
        started.push(index);
        await task.promise;
        return index;
      }),
    );

    await nextTurn();
    expect(started).toEqual([0, 1]);
    tasks[1].resolve();
    await nextTurn();
    expect(started).toEqual([0, 1, 2]);
    // A caller arriving now waits behind the one already waiting: 0 and 2 hold both places.
    const late = limit(async () => {
      started.push(4);
      return 4;
    });
    await nextTurn();
    expect(started).toEqual([0, 1, 2]);
    tasks[0].resolve();
    await nextTurn();
    expect(started).toEqual([0, 1, 2, 3]);
    tasks[2].resolve();
    await nextTurn();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    tasks[3].resolve();
    await expect(Promise.all([...results, late])).resolves.toEqual([0, 1, 2, 3, 4]);
  });

  it('should hand the place of a failed task to the next one and report the failure to its caller', async () => {
    const limit = concurrencyLimit(1);
    const first = deferred();
    const started: string[] = [];
    const failing = limit(async () => {
      started.push('failing');
      await first.promise;
    });
    const next = limit(async () => {
      started.push('next');
      return 'stored';
    });

    await nextTurn();
    expect(started).toEqual(['failing']);
    first.reject(new Error('insert failed'));
    await expect(failing).rejects.toThrow('insert failed');
    await expect(next).resolves.toBe('stored');
    expect(started).toEqual(['failing', 'next']);
  });

  it('should start a task at once when a place is free again after all tasks settled', async () => {
    const limit = concurrencyLimit(1);
    await limit(async () => undefined);
    const started: number[] = [];
    const task = deferred();
    const running = limit(async () => {
      started.push(1);
      await task.promise;
    });

    await nextTurn();
    expect(started).toEqual([1]);
    task.resolve();
    await running;
  });

  it.each([0, -1, 1.5, Number.NaN])('should refuse a limit of %p', (value) => {
    expect(() => concurrencyLimit(value)).toThrow(RangeError);
  });
});
