import { PlatformIdentity } from './platform-identity';
import { StsClientLike } from './sts.types';
import { fakeClient, stsError } from './testing/fake-aws';

describe('PlatformIdentity', () => {
  it('should call GetCallerIdentity once when asked many times concurrently and later', async () => {
    // Arrange
    const sts = fakeClient({
      GetCallerIdentityCommand: [
        { Account: '000000000000', Arn: 'arn:aws:iam::000000000000:user/ods-platform', UserId: 'AIDA' },
      ],
    });
    const identity = new PlatformIdentity(sts as unknown as StsClientLike);

    // Act
    const results = await Promise.all([identity.get(), identity.get(), identity.get()]);
    await identity.get();

    // Assert
    expect([results[0], sts.calls.length]).toEqual([
      {
        accountId: '000000000000',
        arn: 'arn:aws:iam::000000000000:user/ods-platform',
        principalArn: 'arn:aws:iam::000000000000:user/ods-platform',
      },
      1,
    ]);
  });

  it('should name the role as principal when the platform runs under an assumed role', async () => {
    // Arrange
    const sts = fakeClient({
      GetCallerIdentityCommand: [
        { Account: '000000000000', Arn: 'arn:aws:sts::000000000000:assumed-role/OdsBroker/task-42' },
      ],
    });

    // Act
    const info = await new PlatformIdentity(sts as unknown as StsClientLike).get();

    // Assert
    expect(info.principalArn).toBe('arn:aws:iam::000000000000:role/OdsBroker');
  });

  it('should ask again after a failure instead of remembering it', async () => {
    // Arrange
    const sts = fakeClient({
      GetCallerIdentityCommand: [
        stsError('Throttling', 400),
        { Account: '000000000000', Arn: 'arn:aws:iam::000000000000:user/ods' },
      ],
    });
    const identity = new PlatformIdentity(sts as unknown as StsClientLike);

    // Act
    const first = await identity.get().catch((error: Error) => error.name);
    const second = await identity.get();

    // Assert
    expect([first, second.accountId, sts.calls.length]).toEqual(['Throttling', '000000000000', 2]);
  });
});
