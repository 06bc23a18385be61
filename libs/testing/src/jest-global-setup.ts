import { environmentValues, startIntegrationEnvironment, type IntegrationEnvironment } from './integration-environment';

declare global {
  var __S3C_INTEGRATION_ENVIRONMENT__: IntegrationEnvironment | undefined;
}

/**
 * Starts the real infrastructure once per Jest run and hands it to the test workers through
 * environment variables (workers are spawned after global setup and inherit process.env).
 */
export default async function globalSetup(): Promise<void> {
  const environment = await startIntegrationEnvironment((line) => process.stderr.write(`${line}\n`));
  Object.assign(process.env, environmentValues(environment));
  globalThis.__S3C_INTEGRATION_ENVIRONMENT__ = environment;
  process.stderr.write(`\n[integration] environment: ${environment.mode}\n`);
}
