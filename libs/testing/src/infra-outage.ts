import path from 'node:path';
import { currentEnvironment } from './integration-environment';

const REPO_ROOT = path.resolve(__dirname, '../../..');

export type OutagePart = 'kafka' | 'store';

interface InfraControl {
  up(options: { parts: string[]; log?: (line: string) => void }): Promise<unknown>;
  down(options: { parts: string[]; log?: (line: string) => void }): Promise<unknown>;
  config(): { infraDir: string; kafka: { port: number }; store: { port: number } };
}

function infra(): InfraControl {
  // tools/infra is plain CommonJS shared with the run commands; it reads S3C_INFRA_DIR and the ports from env.
  return require(path.join(REPO_ROOT, 'tools/infra/index.js')) as InfraControl;
}

/** The port the integration environment uses for a part, from its URL. */
function environmentPort(part: OutagePart): number {
  const environment = currentEnvironment();
  const address = part === 'kafka' ? `tcp://${environment.kafkaBrokers[0]}` : environment.mongodbUri;
  return Number(new URL(address).port);
}

/**
 * Stops and restarts one part of the local infrastructure (tools/infra) under the tests' feet. Refuses
 * unless the part tools/infra would stop is the one this environment uses (same port): stopping a
 * broker or store other suites share would break them, so fault suites run on their own infrastructure.
 */
export class InfraOutage {
  constructor(private readonly log: (line: string) => void = () => undefined) {}

  assertControllable(part: OutagePart): void {
    const cfg = infra().config();
    const port = cfg[part].port;
    if (port !== environmentPort(part)) {
      throw new Error(
        `tools/infra would stop ${part} on port ${port}, but this environment uses port ${environmentPort(part)}: ` +
          'export the same KAFKA_PORT / STORE_PORT / S3C_INFRA_DIR the environment was started with',
      );
    }
  }

  async stop(part: OutagePart): Promise<void> {
    this.assertControllable(part);
    await infra().down({ parts: [part], log: this.log });
  }

  async start(part: OutagePart): Promise<void> {
    this.assertControllable(part);
    await infra().up({ parts: [part], log: this.log });
  }
}
