/**
 * Whether a container runtime answers, decided fast and quietly: testcontainers fails in
 * milliseconds when there is none, and a black-holed DOCKER_HOST is cut short by the timeout.
 */
export async function containerRuntimeAvailable(timeoutMs = 3_000): Promise<boolean> {
  if (process.env.TESTCONTAINERS_DISABLED === '1') {
    return false;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
