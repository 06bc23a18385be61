import { NestFactory } from '@nestjs/core';
import { ConfigValidationError, JsonLogger, loadConfig } from '@s3c/nest-kit';
import { DomainAdminModule } from './app.module';
import { ConnectionsConfig } from './connections.config';
import { DomainsService } from './domains/domains.service';

/**
 * `npm run domain:create -- <domain>`: creates the domain if needed and prints a new API key as the
 * last line of its output. The key is shown once; only its hash is stored.
 */
async function main(): Promise<void> {
  const domain = process.argv[2];
  if (!domain) {
    process.stderr.write('usage: npm run domain:create -- <domain>\n');
    process.exit(2);
  }
  const config = loadConfig(ConnectionsConfig);
  const logger = new JsonLogger('domain-create', 'warn', (line) => process.stderr.write(line));
  const app = await NestFactory.createApplicationContext(DomainAdminModule.forRoot(config, logger), { logger });
  try {
    const issued = await app.get(DomainsService).issueKey(domain);
    process.stdout.write(
      `${issued.domainCreated ? 'Created domain' : 'Domain exists:'} ${issued.domain}; new API key ${issued.keyId} (shown once, keep it safe; send it as "Authorization: Apikey <key>"):\n${issued.token}\n`,
    );
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigValidationError ? error.message : (error as Error).message;
  process.stderr.write(`domain:create failed: ${message}\n`);
  process.exit(1);
});
