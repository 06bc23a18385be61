import { AssumeRoleSessionCache, RoleSessionKey } from './assume-role-session.cache';
import { AuthErrorCode } from './auth.exception';
import { StsClientLike } from './sts.types';
import { asyncErrorCodeOf, errorCodeOf } from './testing/error-code';
import { assumeRoleOutput, fakeClient, stsError } from './testing/fake-aws';

const KEY: RoleSessionKey = {
  connectionId: 'c1',
  roleArn: 'arn:aws:iam::061258320951:role/ODSRole',
  externalId: 'ods-mvdomain-2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c',
};
const T0 = Date.parse('2030-01-01T00:00:00Z');
const MINUTE = 60_000;

/** An STS whose sessions last `durationSeconds` from the fake clock's current time. */
function setup(options: { durationSeconds?: number; failures?: Error[] } = {}) {
  let now = T0;
  let issued = 0;
  const durationMs = (options.durationSeconds ?? 3600) * 1000;
  const failures = [...(options.failures ?? [])];
  const sts = fakeClient({
    AssumeRoleCommand: [
      () => {
        const failure = failures.shift();
        if (failure !== undefined) {
          return failure;
        }
        issued += 1;
        return assumeRoleOutput(new Date(now + durationMs), String(issued));
      },
    ],
  });
  const cache = new AssumeRoleSessionCache({
    sts: sts as unknown as StsClientLike,
    durationSeconds: options.durationSeconds,
    now: () => now,
  });
  return {
    cache,
    sts,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('AssumeRoleSessionCache', () => {
  it('should share one AssumeRole between concurrent callers', async () => {
    // Arrange
    const { cache, sts } = setup();

    // Act
    const results = await Promise.all([cache.get(KEY), cache.get(KEY), cache.get(KEY)]);

    // Assert
    expect([sts.calls.length, new Set(results.map((credentials) => credentials.accessKeyId)).size]).toEqual([
      1, 1,
    ]);
  });

  it('should send the external ID, the session name and the configured duration', async () => {
    // Arrange
    const { cache, sts } = setup({ durationSeconds: 1800 });

    // Act
    await cache.get(KEY);

    // Assert
    expect(sts.calls[0].input).toEqual({
      RoleArn: KEY.roleArn,
      ExternalId: KEY.externalId,
      RoleSessionName: 'ods-c1',
      DurationSeconds: 1800,
    });
  });

  it.each([
    ['well before expiry', 3600, 50 * MINUTE, 1],
    ['when less than 10 % of a one-hour session remains', 3600, 54.5 * MINUTE, 2],
    ['when less than 5 minutes of a 15-minute session remain', 900, 10.5 * MINUTE, 2],
    ['not yet with 6 minutes of a 15-minute session left', 900, 9 * MINUTE, 1],
    ['after expiry', 3600, 61 * MINUTE, 2],
  ])('should reuse or refresh %s', async (_label, durationSeconds, elapsed, expectedCalls) => {
    // Arrange
    const { cache, sts, advance } = setup({ durationSeconds });
    await cache.get(KEY);

    // Act
    advance(elapsed);
    await cache.get(KEY);

    // Assert
    expect(sts.calls.length).toBe(expectedCalls);
  });

  it('should keep separate sessions per connection, role and external ID', async () => {
    // Arrange
    const { cache, sts } = setup();

    // Act
    await Promise.all([
      cache.get(KEY),
      cache.get({ ...KEY, connectionId: 'c2' }),
      cache.get({ ...KEY, externalId: 'ods-mvdomain-00000000-0000-4000-8000-000000000000' }),
    ]);

    // Assert
    expect([sts.calls.length, cache.size]).toEqual([3, 3]);
  });

  it('should assume the role again after invalidate', async () => {
    // Arrange
    const { cache, sts } = setup();
    const first = await cache.get(KEY);

    // Act
    cache.invalidate('c1');
    const second = await cache.get(KEY);

    // Assert
    expect([sts.calls.length, first.accessKeyId === second.accessKeyId]).toEqual([2, false]);
  });

  it('should not cache credentials whose AssumeRole was in flight during invalidate', async () => {
    // Arrange
    const { cache, sts } = setup();
    const inFlight = cache.get(KEY);

    // Act
    cache.invalidate('c1');
    await inFlight;
    await cache.get(KEY);

    // Assert
    expect(sts.calls.length).toBe(2);
  });

  it('should propagate the error and retry on the next call when the first AssumeRole fails', async () => {
    // Arrange
    const { cache, sts } = setup({ failures: [stsError('AccessDenied', 403)] });

    // Act
    const failure = await cache.get(KEY).catch((error: Error) => error.name);
    const credentials = await cache.get(KEY);

    // Assert
    expect([failure, credentials.accessKeyId, sts.calls.length, cache.size]).toEqual([
      'AccessDenied',
      'ASIATEMP1',
      2,
      1,
    ]);
  });

  it('should hand out the still-valid session when a refresh fails', async () => {
    // Arrange
    let now = T0;
    const sts = fakeClient({
      AssumeRoleCommand: [assumeRoleOutput(new Date(T0 + 60 * MINUTE)), stsError('Throttling', 400)],
    });
    const cache = new AssumeRoleSessionCache({ sts: sts as unknown as StsClientLike, now: () => now });
    const first = await cache.get(KEY);

    // Act
    now = T0 + 56 * MINUTE;
    const second = await cache.get(KEY);

    // Assert
    expect([second.accessKeyId, sts.calls.length]).toEqual([first.accessKeyId, 2]);
  });

  it('should fail with INVALID_SESSION_DURATION when the duration is under 900 seconds', () => {
    // Act / Assert
    expect(
      errorCodeOf(
        () =>
          new AssumeRoleSessionCache({
            sts: fakeClient({}) as unknown as StsClientLike,
            durationSeconds: 600,
          }),
      ),
    ).toBe(AuthErrorCode.INVALID_SESSION_DURATION);
  });

  it('should fail when a refresh fails and the old session is about to expire', async () => {
    // Arrange
    let now = T0;
    const sts = fakeClient({
      AssumeRoleCommand: [assumeRoleOutput(new Date(T0 + 3600_000)), stsError('Throttling', 400)],
    });
    const cache = new AssumeRoleSessionCache({ sts: sts as unknown as StsClientLike, now: () => now });
    await cache.get(KEY);

    // Act
    now = T0 + 3600_000 - 30_000;
    const code = await asyncErrorCodeOf(() => cache.get(KEY));

    // Assert
    expect([code, sts.calls.length]).toEqual(['NOT_AN_AUTH_EXCEPTION', 2]);
  });
});
