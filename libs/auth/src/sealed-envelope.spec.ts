import { createPublicKey, createPrivateKey } from 'node:crypto';
import { AuthErrorCode } from './auth.exception';
import {
  generateSealingKeyPair,
  isSealedEnvelope,
  open,
  openJson,
  seal,
  SealedEnvelope,
  sealingKeyId,
} from './sealed-envelope';
import { errorCodeOf } from './testing/error-code';

const recipient = generateSealingKeyPair();
const AAD = { domain: 'mvdomain', connectionId: 'c1', purpose: 'credentials' };

function tamper(envelope: SealedEnvelope, field: keyof SealedEnvelope): SealedEnvelope {
  const bytes = Buffer.from(String(envelope[field]), 'base64url');
  bytes[0] ^= 0x01;
  return { ...envelope, [field]: bytes.toString('base64url') };
}

describe('sealing', () => {
  it('should round-trip bytes when opened with the recipient key and the same AAD', () => {
    // Arrange
    const plaintext = Buffer.from('secret bytes \u0000\u00ff');

    // Act
    const opened = open(seal(plaintext, recipient.publicKey, AAD), recipient.privateKey, AAD);

    // Assert
    expect(opened.equals(plaintext)).toBe(true);
  });

  it('should round-trip an object as JSON', () => {
    // Arrange
    const credentials = { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 't' };

    // Act
    const opened = openJson(
      seal(credentials, recipient.publicKey, 'mvdomain:c1:session'),
      recipient.privateKey,
      'mvdomain:c1:session',
    );

    // Assert
    expect(opened).toEqual(credentials);
  });

  it('should produce a compact JSON-safe envelope that names the recipient key', () => {
    // Act
    const envelope = seal({ a: 1 }, recipient.publicKey);

    // Assert
    expect([
      Object.keys(envelope).sort(),
      envelope.v,
      envelope.alg,
      envelope.kid === recipient.kid,
      JSON.parse(JSON.stringify(envelope)).ct === envelope.ct,
      Buffer.from(envelope.epk, 'base64url').length,
      isSealedEnvelope(envelope),
    ]).toEqual([
      ['alg', 'ct', 'epk', 'iv', 'kid', 'tag', 'v'],
      1,
      'X25519-HKDF-SHA256-AES-256-GCM',
      true,
      true,
      32,
      true,
    ]);
  });

  it('should use a fresh ephemeral key for every envelope', () => {
    // Act
    const [first, second] = [
      seal(Buffer.from('same'), recipient.publicKey),
      seal(Buffer.from('same'), recipient.publicKey),
    ];

    // Assert
    expect([first.epk === second.epk, first.ct === second.ct]).toEqual([false, false]);
  });

  it('should accept raw 32-byte keys and KeyObjects', () => {
    // Arrange
    const publicRaw = createPublicKey({
      key: Buffer.from(recipient.publicKey, 'base64'),
      format: 'der',
      type: 'spki',
    })
      .export({ format: 'der', type: 'spki' })
      .subarray(12)
      .toString('base64');
    const privateObject = createPrivateKey({
      key: Buffer.from(recipient.privateKey, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });

    // Act
    const opened = open(seal(Buffer.from('x'), publicRaw), privateObject);

    // Assert
    expect([opened.toString(), sealingKeyId(publicRaw) === recipient.kid]).toEqual(['x', true]);
  });

  it.each([
    [
      'another recipient key',
      () => open(seal(Buffer.from('x'), recipient.publicKey, AAD), generateSealingKeyPair().privateKey, AAD),
    ],
    [
      'another AAD',
      () =>
        open(seal(Buffer.from('x'), recipient.publicKey, AAD), recipient.privateKey, {
          ...AAD,
          connectionId: 'c2',
        }),
    ],
    ['a missing AAD', () => open(seal(Buffer.from('x'), recipient.publicKey, AAD), recipient.privateKey)],
    [
      'an altered ciphertext',
      () => open(tamper(seal(Buffer.from('xyz'), recipient.publicKey), 'ct'), recipient.privateKey),
    ],
    [
      'an altered tag',
      () => open(tamper(seal(Buffer.from('xyz'), recipient.publicKey), 'tag'), recipient.privateKey),
    ],
    [
      'an altered iv',
      () => open(tamper(seal(Buffer.from('xyz'), recipient.publicKey), 'iv'), recipient.privateKey),
    ],
    [
      'an altered ephemeral key',
      () => open(tamper(seal(Buffer.from('xyz'), recipient.publicKey), 'epk'), recipient.privateKey),
    ],
    [
      'a truncated tag',
      () => open({ ...seal(Buffer.from('xyz'), recipient.publicKey), tag: 'AAAAAA' }, recipient.privateKey),
    ],
    [
      'a relabelled kid',
      () => open({ ...seal(Buffer.from('xyz'), recipient.publicKey), kid: 'other' }, recipient.privateKey),
    ],
    ['not an envelope', () => open({ v: 2 } as unknown as SealedEnvelope, recipient.privateKey)],
    [
      'bytes that are not JSON',
      () => openJson(seal(Buffer.from('not json'), recipient.publicKey), recipient.privateKey),
    ],
  ])('should fail with SEAL_OPEN_FAILED on %s', (_label, action) => {
    // Act / Assert
    expect(errorCodeOf(action)).toBe(AuthErrorCode.SEAL_OPEN_FAILED);
  });

  it.each([
    ['a non-key public key', () => seal(Buffer.from('x'), 'bm90IGEga2V5')],
    [
      'an Ed25519 private key',
      () =>
        open(
          seal(Buffer.from('x'), recipient.publicKey),
          'MC4CAQAwBQYDK2VwBCIEIHV0f2f4sT9cMkbVDQbq5DgkPY2ih3gSe4drb3Y0qq8R',
        ),
    ],
  ])('should fail with INVALID_SEALING_KEY on %s', (_label, action) => {
    // Act / Assert
    expect(errorCodeOf(action)).toBe(AuthErrorCode.INVALID_SEALING_KEY);
  });
});
