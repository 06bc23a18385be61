import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuthErrorCode, LocalFileKeyProvider } from '@s3c/auth';
import { KeyRing } from './key-ring';

const CONTEXT = { domain: 'mvdomain', connectionId: 'c1', field: 'headers' };

async function localKeys(): Promise<LocalFileKeyProvider> {
  return LocalFileKeyProvider.open(path.join(mkdtempSync(path.join(os.tmpdir(), 's3c-ring-')), 'kek.json'));
}

describe('KeyRing', () => {
  it('should wrap with the active provider', async () => {
    const active = await localKeys();
    const ring = new KeyRing(active, [await localKeys()]);

    const wrapped = await ring.wrap(randomBytes(32), CONTEXT);

    expect(wrapped.keyId).toBe(active.keyId);
    expect(ring.keyId).toBe(active.keyId);
  });

  it('should unwrap with the previous provider that holds the key', async () => {
    const previous = await localKeys();
    const ring = new KeyRing(await localKeys(), [previous]);
    const dataKey = randomBytes(32);
    const wrapped = await previous.wrap(dataKey, CONTEXT);

    const unwrapped = await ring.unwrap(wrapped.wrappedKey, wrapped.keyId, CONTEXT);

    expect(unwrapped.equals(dataKey)).toBe(true);
  });

  it('should ask the active provider for a key no previous provider holds', async () => {
    const active = await localKeys();
    const ring = new KeyRing(active, [await localKeys()]);
    const dataKey = randomBytes(32);
    const wrapped = await active.wrap(dataKey, CONTEXT);

    await expect(ring.unwrap(wrapped.wrappedKey, wrapped.keyId, CONTEXT)).resolves.toEqual(dataKey);
    await expect(ring.unwrap(wrapped.wrappedKey, 'local-19700101-00000000', CONTEXT)).rejects.toMatchObject({
      code: AuthErrorCode.KEY_NOT_FOUND,
    });
  });
});
