/**
 * Steps of which up to `depth` are in flight at once: each step's `start` (its writes) begins as soon as
 * there is room, and its `finish` (judging, checkpointing) runs once its own start and every earlier
 * step are done, so finishes happen one after the other in order. A failure is reported only once the
 * step's writes and the earlier steps have settled: nothing writes after the caller has given up.
 */
export class OrderedPipeline {
  private last: Promise<void> = Promise.resolve();
  private readonly inFlight: Promise<void>[] = [];

  constructor(private readonly depth: number) {
    if (!Number.isInteger(depth) || depth < 1) {
      throw new RangeError(`A pipeline needs a depth of at least 1, got ${depth}`);
    }
  }

  /** Waits for room (rejecting with the failure of a step it waited for), then starts the step. */
  async add(start: () => Promise<unknown>, finish: () => Promise<void>): Promise<void> {
    if (this.inFlight.length >= this.depth) {
      await this.inFlight.shift();
    }
    const previous = this.last;
    // An async wrapper: a `start` that throws at once fails its step like one whose promise rejects.
    const started = (async () => start())();
    const step = (async () => {
      const [before, own] = await Promise.allSettled([previous, started]);
      for (const outcome of [before, own]) {
        if (outcome.status === 'rejected') {
          throw outcome.reason;
        }
      }
      await finish();
    })();
    // Awaited later (by `add`, `drain` or `settle`): failing meanwhile is not an unhandled rejection.
    step.catch(() => undefined);
    this.last = step;
    this.inFlight.push(step);
  }

  /** Every step finished; rejects with the first failure. */
  drain(): Promise<void> {
    return this.last;
  }

  /** Every step settled, failed or not: before a run resumes, fails or deletes what it wrote. */
  async settle(): Promise<void> {
    await this.last.catch(() => undefined);
  }
}
