import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuthErrorCode } from './auth.exception';
import { LocalFileKeyProvider } from './local-file-key.provider';
import { asyncErrorCodeOf } from './testing/error-code';

const CONTEXT = { domain: 'mvdomain', connectionId: 'c1', field: 'secret_access_key' };

describe('LocalFileKeyProvider', () => {
  let directory: string;
  let keyFile: string;

  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'auth-kek-'));
    keyFile = path.join(directory, 'nested', 'kek.json');
  });

  afterEach(async () => {
    await fs.rm(directory, { recursive: true, force: true });
  });

  it('should create the key file with mode 0600 and one active key when it is missing', async () => {
    // Act
    const provider = await LocalFileKeyProvider.open(keyFile);

    // Assert
    const stat = await fs.stat(keyFile);
    const file = JSON.parse(await fs.readFile(keyFile, 'utf8'));
    expect([
      stat.mode & 0o777,
      file.activeKeyId === provider.keyId,
      Buffer.from(file.keys[0].key, 'base64').length,
    ]).toEqual([0o600, true, 32]);
  });

  it('should load the same keys when opened again', async () => {
    // Arrange
    const first = await LocalFileKeyProvider.open(keyFile);
    const wrapped = await first.wrap(Buffer.alloc(32, 7), CONTEXT);

    // Act
    const second = await LocalFileKeyProvider.open(keyFile);
    const dataKey = await second.unwrap(wrapped.wrappedKey, wrapped.keyId, CONTEXT);

    // Assert
    expect([second.keyId, dataKey.equals(Buffer.alloc(32, 7))]).toEqual([first.keyId, true]);
  });

  it('should wrap with the new key and still unwrap with the old one after rotation', async () => {
    // Arrange
    const provider = await LocalFileKeyProvider.open(keyFile);
    const oldKeyId = provider.keyId;
    const old = await provider.wrap(Buffer.alloc(32, 1), CONTEXT);

    // Act
    const newKeyId = await provider.rotate();
    const fresh = await provider.wrap(Buffer.alloc(32, 2), CONTEXT);
    const reopened = await LocalFileKeyProvider.open(keyFile);

    // Assert
    expect([
      fresh.keyId === newKeyId,
      newKeyId === oldKeyId,
      (await reopened.unwrap(old.wrappedKey, oldKeyId, CONTEXT)).equals(Buffer.alloc(32, 1)),
      reopened.keyIds.length,
      (await fs.stat(keyFile)).mode & 0o777,
    ]).toEqual([true, false, true, 2, 0o600]);
  });

  it.each([
    [
      'another context',
      async (provider: LocalFileKeyProvider, wrapped: { keyId: string; wrappedKey: Buffer }) =>
        provider.unwrap(wrapped.wrappedKey, wrapped.keyId, { ...CONTEXT, connectionId: 'c2' }),
      AuthErrorCode.DECRYPT_FAILED,
    ],
    [
      'an altered wrapped key',
      async (provider: LocalFileKeyProvider, wrapped: { keyId: string; wrappedKey: Buffer }) =>
        provider.unwrap(
          Buffer.concat([
            wrapped.wrappedKey.subarray(0, 40),
            Buffer.from([wrapped.wrappedKey[40] ^ 1]),
            wrapped.wrappedKey.subarray(41),
          ]),
          wrapped.keyId,
          CONTEXT,
        ),
      AuthErrorCode.DECRYPT_FAILED,
    ],
    [
      'an unknown key id',
      async (provider: LocalFileKeyProvider, wrapped: { keyId: string; wrappedKey: Buffer }) =>
        provider.unwrap(wrapped.wrappedKey, 'local-unknown', CONTEXT),
      AuthErrorCode.KEY_NOT_FOUND,
    ],
  ])('should refuse to unwrap with %s', async (_label, action, code) => {
    // Arrange
    const provider = await LocalFileKeyProvider.open(keyFile);
    const wrapped = await provider.wrap(Buffer.alloc(32, 3), CONTEXT);

    // Act / Assert
    expect(await asyncErrorCodeOf(() => action(provider, wrapped))).toBe(code);
  });

  it('should refuse a key file other users can read', async () => {
    // Arrange
    await LocalFileKeyProvider.open(keyFile);
    await fs.chmod(keyFile, 0o644);

    // Act / Assert
    expect(await asyncErrorCodeOf(() => LocalFileKeyProvider.open(keyFile))).toBe(
      AuthErrorCode.KEY_FILE_INSECURE,
    );
  });

  it.each([
    ['not JSON', 'nope'],
    [
      'a short key',
      JSON.stringify({ version: 1, activeKeyId: 'k1', keys: [{ id: 'k1', key: 'AAAA', createdAt: '' }] }),
    ],
    [
      'a missing active key',
      JSON.stringify({
        version: 1,
        activeKeyId: 'k2',
        keys: [{ id: 'k1', key: Buffer.alloc(32).toString('base64'), createdAt: '' }],
      }),
    ],
  ])('should refuse a key file with %s', async (_label, content) => {
    // Arrange
    await fs.mkdir(path.dirname(keyFile), { recursive: true });
    await fs.writeFile(keyFile, content, { mode: 0o600 });

    // Act / Assert
    expect(await asyncErrorCodeOf(() => LocalFileKeyProvider.open(keyFile))).toBe(
      AuthErrorCode.KEY_FILE_INVALID,
    );
  });
});
