import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { AuthErrorCode } from '@s3c/auth';
import { ReloadingLocalFileKeyProvider } from './reloading-local-file-key.provider';

const CONTEXT = { domain: 'mvdomain', connectionId: 'c1', field: 'secretAccessKey' };

function keyFile(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 's3c-kek-')), 'kek.json');
}

describe('ReloadingLocalFileKeyProvider', () => {
  it('should wrap with the key another process made active when the file was rotated meanwhile', async () => {
    const file = keyFile();
    const broker = await ReloadingLocalFileKeyProvider.open(file);
    const rotation = await ReloadingLocalFileKeyProvider.open(file);

    const newKeyId = await rotation.rotate();
    const wrapped = await broker.wrap(randomBytes(32), CONTEXT);

    expect(wrapped.keyId).toBe(newKeyId);
    expect(broker.keyId).toBe(newKeyId);
  });

  it('should unwrap a data key wrapped with a key added after it opened the file', async () => {
    const file = keyFile();
    const broker = await ReloadingLocalFileKeyProvider.open(file);
    const rotation = await ReloadingLocalFileKeyProvider.open(file);
    await rotation.rotate();
    const dataKey = randomBytes(32);
    const wrapped = await rotation.wrap(dataKey, CONTEXT);

    const unwrapped = await broker.unwrap(wrapped.wrappedKey, wrapped.keyId, CONTEXT);

    expect(unwrapped.equals(dataKey)).toBe(true);
  });

  it('should keep the key another process added when it rotates from an older copy of the file', async () => {
    const file = keyFile();
    const first = await ReloadingLocalFileKeyProvider.open(file);
    const second = await ReloadingLocalFileKeyProvider.open(file);

    const addedBySecond = await second.rotate();
    const addedByFirst = await first.rotate();

    const stored = JSON.parse(readFileSync(file, 'utf8')) as { activeKeyId: string; keys: { id: string }[] };
    expect(stored.keys.map((key) => key.id)).toEqual(expect.arrayContaining([addedBySecond, addedByFirst]));
    expect(stored.keys).toHaveLength(3);
    expect(stored.activeKeyId).toBe(addedByFirst);
  });

  it('should answer KEY_NOT_FOUND when no version of the file holds the key', async () => {
    const provider = await ReloadingLocalFileKeyProvider.open(keyFile());

    await expect(provider.unwrap(randomBytes(60), 'local-19700101-00000000', CONTEXT)).rejects.toMatchObject({
      code: AuthErrorCode.KEY_NOT_FOUND,
    });
  });
});
