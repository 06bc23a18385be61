import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createService, JsonLogger, loadConfig, type BaseServiceConfig, type ServiceDefinition } from '@s3c/nest-kit';

export interface RunningService {
  app: INestApplication;
  baseUrl: string;
  logs: string[];
  close(): Promise<void>;
}

/**
 * Boots a service inside the test process on a free port, with the integration environment's
 * variables plus `overrides` (unique database and group names, for isolation). Its log lines are kept
 * for assertions (e.g. that no secret was ever logged).
 */
export async function startServiceInProcess<C extends BaseServiceConfig>(
  definition: ServiceDefinition<C>,
  overrides: Record<string, string> = {},
): Promise<RunningService> {
  const config = loadConfig(definition.configClass, { ...process.env, LOG_LEVEL: 'debug', ...overrides });
  const logs: string[] = [];
  const logger = new JsonLogger(definition.name, config.LOG_LEVEL, (line) => logs.push(line));
  const app = await createService(definition, config, logger);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}`, logs, close: () => app.close() };
}
