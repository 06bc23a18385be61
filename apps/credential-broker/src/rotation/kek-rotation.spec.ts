import { KekRotationErrorCode } from './kek-rotation.exception';
import { parseRotationArguments, rotationReport } from './kek-rotation';

describe('parseRotationArguments', () => {
  it('should rotate and re-encrypt when no option is given', () => {
    expect(parseRotationArguments([])).toEqual({ reencryptOnly: false, fromLocal: false });
  });

  it('should read --reencrypt-only and --from-local', () => {
    expect(parseRotationArguments(['--reencrypt-only', '--from-local'])).toEqual({
      reencryptOnly: true,
      fromLocal: true,
    });
  });

  it('should refuse an unknown argument with INVALID_ARGUMENTS', () => {
    expect(() => parseRotationArguments(['--force'])).toThrow(
      expect.objectContaining({ code: KekRotationErrorCode.InvalidArguments }),
    );
  });
});

describe('rotationReport', () => {
  it('should end with the counts when every secret was handled', () => {
    const lines = rotationReport({
      provider: 'local',
      rotatedTo: 'local-20260101-abcd0123',
      reencrypted: 3,
      alreadyCurrent: 2,
      failed: [],
    });

    expect(lines[0]).toContain('local-20260101-abcd0123');
    expect(lines.at(-1)).toBe('re-encrypted 3, already current 2');
  });

  it('should name each secret that could not be re-encrypted and count the failures on the last line', () => {
    const lines = rotationReport({
      provider: 'kms',
      reencrypted: 0,
      alreadyCurrent: 1,
      failed: [{ connectionId: 'c1', domain: 'mvdomain', field: 'headers', code: 'DECRYPT_FAILED' }],
    });

    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('headers of connection c1');
    expect(lines[0]).toContain('DECRYPT_FAILED');
    expect(lines.at(-1)).toBe('re-encrypted 0, already current 1, failed 1');
  });
});
