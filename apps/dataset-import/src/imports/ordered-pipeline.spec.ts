import { deferred, nextTurn } from '@s3c/testing';
import { OrderedPipeline } from './ordered-pipeline';

describe('OrderedPipeline', () => {
  it('should finish steps in order when a later step is written first', async () => {
    const pipeline = new OrderedPipeline(2);
    const writes = [deferred(), deferred()];
    const finished: number[] = [];

    for (const [index, write] of writes.entries()) {
      await pipeline.add(
        () => write.promise,
        async () => {
          finished.push(index);
        },
      );
    }
    writes[1].resolve();
    await nextTurn();
    expect(finished).toEqual([]);
    writes[0].resolve();
    await pipeline.drain();

    expect(finished).toEqual([0, 1]);
  });

  it('should start a step only when fewer than `depth` are in flight', async () => {
    const pipeline = new OrderedPipeline(2);
    const writes = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const add = (index: number) =>
      pipeline.add(
        () => {
          started.push(index);
          return writes[index].promise;
        },
        async () => undefined,
      );

    await add(0);
    await add(1);
    const third = add(2);
    await nextTurn();
    expect(started).toEqual([0, 1]);

    writes[0].resolve();
    await third;
    expect(started).toEqual([0, 1, 2]);
    writes[1].resolve();
    writes[2].resolve();
    await pipeline.drain();
  });

  it('should report a failed write only once the writes started after it have settled', async () => {
    const pipeline = new OrderedPipeline(2);
    const first = deferred();
    const second = deferred();
    const finished: number[] = [];
    await pipeline.add(
      () => first.promise,
      async () => {
        finished.push(0);
      },
    );
    await pipeline.add(
      () => second.promise,
      async () => {
        finished.push(1);
      },
    );
    let settled = false;
    const drained = pipeline.drain().then(
      () => 'resolved',
      (error: Error) => {
        settled = true;
        return error.message;
      },
    );

    first.reject(new Error('store down'));
    await nextTurn();
    expect(settled).toBe(false);
    second.resolve();

    await expect(drained).resolves.toBe('store down');
    expect(finished).toEqual([]);
  });

  it('should fail the step of a write that throws at once, without an unhandled rejection', async () => {
    const pipeline = new OrderedPipeline(1);
    await pipeline.add(
      () => {
        throw new Error('bad batch');
      },
      async () => undefined,
    );
    await nextTurn();

    await expect(
      pipeline.add(
        async () => undefined,
        async () => undefined,
      ),
    ).rejects.toThrow('bad batch');
    await expect(pipeline.settle()).resolves.toBeUndefined();
  });

  it('should refuse a depth below 1', () => {
    expect(() => new OrderedPipeline(0)).toThrow(RangeError);
  });
});
