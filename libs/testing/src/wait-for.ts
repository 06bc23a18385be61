import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls until `probe` returns a value other than undefined/null/false, or fails with the last error seen.
 * Errors of `probe` are retried; `abandonIf`, checked before each attempt, ends the wait at once with the
 * error it returns (the process being waited for has died: polling on would only outlive the test).
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  {
    timeoutMs = 30_000,
    intervalMs = 200,
    what = 'condition',
    abandonIf,
  }: { timeoutMs?: number; intervalMs?: number; what?: string; abandonIf?: () => Error | undefined } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const abandoned = abandonIf?.();
    if (abandoned) {
      throw abandoned;
    }
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`,
  );
}
