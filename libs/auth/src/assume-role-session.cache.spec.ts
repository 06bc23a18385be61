import { AssumeRoleSessionCache, RoleSessionIssued, RoleSessionKey } from './assume-role-session.cache';
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
function setup(
  options: {
    durationSeconds?: number;
    refreshMarginSeconds?: number;
    failures?: Error[];
    onSessionIssued?: (session: RoleSessionIssued) => void;
  } = {},
) {
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
    refreshMarginSeconds: options.refreshMarginSeconds,
    onSessionIssued: options.onSessionIssued,
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

  it.each([
    ['not yet within a configured margin of 890 s', 9, 1],
    ['once less than a configured margin of 890 s remains', 11, 2],
  ])('should reuse or refresh a 900-second session %s', async (_label, elapsedSeconds, expectedCalls) => {
    // Arrange
    const { cache, sts, advance } = setup({ durationSeconds: 900, refreshMarginSeconds: 890 });
    await cache.get(KEY);

    // Act
    advance(elapsedSeconds * 1000);
    await cache.get(KEY);

    // Assert
    expect(sts.calls.length).toBe(expectedCalls);
  });

  it.each([30, 59, 900, 1000, 120.5])(
    'should fail with INVALID_SESSION_DURATION when the refresh margin is %s s for a 900-second session',
    (refreshMarginSeconds) => {
      // Act / Assert
      expect(
        errorCodeOf(
          () =>
            new AssumeRoleSessionCache({
              sts: fakeClient({}) as unknown as StsClientLike,
              durationSeconds: 900,
              refreshMarginSeconds,
            }),
        ),
      ).toBe(AuthErrorCode.INVALID_SESSION_DURATION);
    },
  );

  it('should report each session it obtains, the first as assumed and the next as renewed, without secrets', async () => {
    // Arrange
    const issued: RoleSessionIssued[] = [];
    const { cache, advance } = setup({
      durationSeconds: 900,
      refreshMarginSeconds: 890,
      onSessionIssued: (session) => issued.push(session),
    });

    // Act
    await cache.get(KEY);
    advance(20_000);
    await cache.get(KEY);
    await cache.get(KEY);

    // Assert
    expect(issued).toEqual([
      {
        connectionId: 'c1',
        roleArn: KEY.roleArn,
        accessKeyId: 'ASIATEMP1',
        expiration: new Date(T0 + 900_000),
        renewed: false,
      },
      {
        connectionId: 'c1',
        roleArn: KEY.roleArn,
        accessKeyId: 'ASIATEMP2',
        expiration: new Date(T0 + 20_000 + 900_000),
        renewed: true,
      },
    ]);
  });

  it('should renew by its own clock when STS states an expiry later than the duration allows', async () => {
    // Arrange: STS's clock runs an hour ahead of ours.
    let now = T0;
    const sts = fakeClient({
      AssumeRoleCommand: [
        assumeRoleOutput(new Date(T0 + 120 * MINUTE), '1'),
        assumeRoleOutput(new Date(T0 + 180 * MINUTE), '2'),
      ],
    });
    const cache = new AssumeRoleSessionCache({ sts: sts as unknown as StsClientLike, now: () => now });
    const first = await cache.get(KEY);

    // Act
    now = T0 + 55 * MINUTE;
    const second = await cache.get(KEY);

    // Assert
    expect([first.expiration.getTime(), second.accessKeyId, sts.calls.length]).toEqual([
      T0 + 60 * MINUTE,
      'ASIATEMP2',
      2,
    ]);
  });

  it('should forget the still-valid session and fail when the role refuses to renew it', async () => {
    // Arrange
    let now = T0;
    const sts = fakeClient({
      AssumeRoleCommand: [
        assumeRoleOutput(new Date(T0 + 60 * MINUTE), '1'),
        stsError('AccessDenied', 403),
        assumeRoleOutput(new Date(T0 + 120 * MINUTE), '2'),
      ],
    });
    const cache = new AssumeRoleSessionCache({ sts: sts as unknown as StsClientLike, now: () => now });
    await cache.get(KEY);

    // Act
    now = T0 + 56 * MINUTE;
    const refusal = await cache.get(KEY).catch((error: Error) => error.name);
    const afterTrustRestored = await cache.get(KEY);

    // Assert
    expect([refusal, afterTrustRestored.accessKeyId, sts.calls.length]).toEqual([
      'AccessDenied',
      'ASIATEMP2',
      3,
    ]);
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
