import { promises as fs } from 'node:fs';
import path from 'node:path';
import { generateSealingKeyPair, type SealingKeyPair } from '@s3c/auth';

/**
 * The broker's X25519 key pair: the public half is handed out (secrets are sealed to it), the private
 * half never leaves the key file. Created on first start; two instances sharing the directory share it.
 */
export async function loadOrCreateSealingKeys(keyDir: string): Promise<SealingKeyPair> {
  const file = path.join(keyDir, 'sealing-key.json');
  await fs.mkdir(keyDir, { recursive: true, mode: 0o700 });
  try {
    await fs.writeFile(file, JSON.stringify(generateSealingKeyPair()), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
  }
  const stored = JSON.parse(await fs.readFile(file, 'utf8')) as SealingKeyPair;
  if (!stored.publicKey || !stored.privateKey || !stored.kid) {
    throw new Error(`${file} is not a sealing key file; move it away to have a new key pair created`);
  }
  return stored;
}
