/** Stops only what the global setup started (nothing when the environment was given from outside). */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__S3C_INTEGRATION_ENVIRONMENT__?.stop();
}
