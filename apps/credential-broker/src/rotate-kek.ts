import { ConfigValidationError, JsonLogger, loadConfig } from '@s3c/nest-kit';
import { CredentialBrokerConfig } from './credential-broker.config';
import { KekRotationException } from './rotation/kek-rotation.exception';
import {
  KEK_ROTATION_USAGE,
  parseRotationArguments,
  rotateKeyEncryptionKeys,
  rotationReport,
} from './rotation/kek-rotation';

/**
 * `npm run broker:rotate-kek -- [--reencrypt-only] [--from-local]`: rotates the key-encryption key
 * and re-encrypts every stored secret; prints `re-encrypted N, already current M` as its last line.
 * Safe while brokers run, and safe to run again: a second run re-encrypts 0.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(KEK_ROTATION_USAGE);
    return;
  }
  const options = parseRotationArguments(args);
  const config = loadConfig(CredentialBrokerConfig);
  const logger = new JsonLogger('rotate-kek', 'warn', (line) => process.stderr.write(line));
  const result = await rotateKeyEncryptionKeys(config, options, logger);
  process.stdout.write(`${rotationReport(result).join('\n')}\n`);
  if (result.failed.length > 0) {
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  if (error instanceof KekRotationException) {
    process.stderr.write(
      `broker:rotate-kek refused (${error.code}): ${error.message}\n${error.hint ? `${error.hint}\n` : ''}`,
    );
    process.exit(2);
  }
  const message = error instanceof ConfigValidationError ? error.message : (error as Error).message;
  process.stderr.write(`broker:rotate-kek failed: ${message}\n`);
  process.exit(1);
});
