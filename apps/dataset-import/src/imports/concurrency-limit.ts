/** Runs a task now, or once fewer than the limit's number of tasks are in flight. */
export type ConcurrencyLimit = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * At most `limit` tasks in flight; the others start in the order they were given, each as soon as one
 * in flight settles (it hands its place over, so a later caller cannot overtake a waiting one).
 */
export function concurrencyLimit(limit: number): ConcurrencyLimit {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`A concurrency limit needs at least 1 task in flight, got ${limit}`);
  }
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (inFlight < limit) {
      inFlight += 1;
    } else {
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) {
        next();
      } else {
        inFlight -= 1;
      }
    }
  };
}
