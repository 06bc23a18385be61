import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig, type BaseServiceConfig } from '../config/config';
import { ConfigValidationError } from '../config/config';
import { JsonLogger } from '../logging/json-logger';

export interface ServiceDefinition<C extends BaseServiceConfig> {
  name: string;
  configClass: new () => C;
  module: (config: C, logger: JsonLogger) => DynamicModule;
  /** The port the HTTP server (API or health only) listens on. */
  httpPort: (config: C) => number;
  configure?: (app: INestApplication, config: C) => void;
}

/** Builds the service's Nest application from an already validated config (tests call this directly). */
export async function createService<C extends BaseServiceConfig>(
  definition: ServiceDefinition<C>,
  config: C,
  logger = new JsonLogger(definition.name, config.LOG_LEVEL),
): Promise<INestApplication> {
  const app = await NestFactory.create(definition.module(config, logger), { logger, bufferLogs: false });
  definition.configure?.(app, config);
  return app;
}

/**
 * The process entry point of a service: validated config (a bad variable stops the process with a
 * message naming it), JSON logs, health, and a SIGTERM that finishes in-flight work within the grace period.
 */
export async function runService<C extends BaseServiceConfig>(definition: ServiceDefinition<C>): Promise<void> {
  const bootLogger = new JsonLogger(definition.name);
  let config: C;
  try {
    config = loadConfig(definition.configClass);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      bootLogger.event('error', error.message, { code: error.code, problems: error.problems }, 'Config');
      process.stderr.write(`${definition.name}: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = new JsonLogger(definition.name, config.LOG_LEVEL);
  let app: INestApplication;
  try {
    app = await createService(definition, config, logger);
    const port = definition.httpPort(config);
    await app.listen(port, '0.0.0.0');
    logger.event('info', `${definition.name} listening`, { url: `http://127.0.0.1:${port}` }, 'Lifecycle');
  } catch (error) {
    logger.event('error', `${definition.name} failed to start`, { error }, 'Lifecycle');
    process.exit(1);
  }
  // Shutdown hooks run in order (consumers stop and commit, imports checkpoint, producers flush), then
  // the process exits 0; past the grace period it is forced out with 1.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.event('info', `${signal} received, shutting down`, { graceMs: config.SHUTDOWN_GRACE_MS }, 'Lifecycle');
      setTimeout(() => {
        logger.event('error', 'Grace period over, exiting', {}, 'Lifecycle');
        process.exit(1);
      }, config.SHUTDOWN_GRACE_MS).unref();
      app
        .close()
        .then(() => {
          logger.event('info', `${definition.name} stopped`, {}, 'Lifecycle');
          process.exit(0);
        })
        .catch((error: unknown) => {
          logger.event('error', 'Shutdown failed', { error }, 'Lifecycle');
          process.exit(1);
        });
    });
  }
}
