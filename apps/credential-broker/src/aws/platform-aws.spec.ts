import { AssumeRoleCommand, GetCallerIdentityCommand, STSServiceException } from '@aws-sdk/client-sts';
import { AuthErrorCode, AuthException, ROLE_NOT_ASSUMABLE_MESSAGE } from '@s3c/auth';
import { JsonLogger, loadConfig } from '@s3c/nest-kit';
import { CredentialBrokerConfig } from '../credential-broker.config';
import { PlatformAws } from './platform-aws';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const KEY = {
  connectionId: 'c1',
  roleArn: 'arn:aws:iam::061258320951:role/ODSRole',
  externalId: 'ods-mvdomain-2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c',
};

function sessionOutput(suffix: string) {
  return {
    Credentials: {
      AccessKeyId: `ASIATEMP${suffix}`,
      SecretAccessKey: `session-secret-${suffix}`,
      SessionToken: `session-token-${suffix}`,
      Expiration: new Date(Date.now() + 900_000),
    },
    $metadata: { httpStatusCode: 200 },
  };
}

const accessDenied = () =>
  new STSServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: 'User is not authorized to perform: sts:AssumeRole',
  });

/** A broker AWS side with 900-second sessions renewed after 1 s, its STS answering `assumeRole` in turn. */
function setup(assumeRole: (() => unknown)[]) {
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger('credential-broker', 'debug', (line) =>
    lines.push(JSON.parse(line) as Record<string, unknown>),
  );
  const config = loadConfig(CredentialBrokerConfig, {
    KAFKA_BROKERS: '127.0.0.1:9092',
    MONGODB_URI: 'mongodb://127.0.0.1:27017/',
    PLATFORM_AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE01',
    PLATFORM_AWS_SECRET_ACCESS_KEY: 'platform-secret-example',
    STS_SESSION_DURATION_SECONDS: '900',
    STS_SESSION_REFRESH_MARGIN_SECONDS: '899',
  });
  const aws = new PlatformAws(config, logger);
  const answers = [...assumeRole];
  const send = async (command: unknown): Promise<unknown> => {
    if (command instanceof GetCallerIdentityCommand) {
      return { Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/ods-platform' };
    }
    if (command instanceof AssumeRoleCommand) {
      const answer = (answers.shift() as () => unknown)();
      if (answer instanceof Error) {
        throw answer;
      }
      return answer;
    }
    throw new Error('unexpected command');
  };
  (jest.spyOn(aws.sts, 'send') as unknown as jest.Mock<Promise<unknown>, [unknown]>).mockImplementation(send);
  return { aws, lines };
}

describe('PlatformAws role sessions', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('should log each session it assumes and renews with its access key ID and expiry, never its secret or token', async () => {
    // Arrange
    const { aws, lines } = setup([() => sessionOutput('1'), () => sessionOutput('2')]);

    // Act
    await aws.roleSession(KEY);
    jest.setSystemTime(T0 + 2_000);
    await aws.roleSession(KEY);

    // Assert
    const text = JSON.stringify(lines);
    expect({
      logged: lines.map((line) => [line.msg, line.accessKeyId, line.expiresAt, line.connectionId]),
      secrets: ['session-secret-', 'session-token-'].filter((secret) => text.includes(secret)),
    }).toEqual({
      logged: [
        ['Role session assumed', 'ASIATEMP1', new Date(T0 + 900_000).toISOString(), 'c1'],
        ['Role session renewed', 'ASIATEMP2', new Date(T0 + 2_000 + 900_000).toISOString(), 'c1'],
      ],
      secrets: [],
    });
  });

  it("should fail with ROLE_NOT_ASSUMABLE and the product's message when the role no longer trusts the platform", async () => {
    // Arrange
    const { aws, lines } = setup([() => sessionOutput('1'), accessDenied]);
    await aws.roleSession(KEY);
    jest.setSystemTime(T0 + 2_000);

    // Act
    const error = await aws.roleSession(KEY).catch((caught: unknown) => caught);

    // Assert
    expect([
      error instanceof AuthException && error.code,
      (error as AuthException).message,
      (error as AuthException).retryable,
      lines.at(-1)?.msg,
    ]).toEqual([AuthErrorCode.ROLE_NOT_ASSUMABLE, ROLE_NOT_ASSUMABLE_MESSAGE, false, 'Role session refused']);
  });

  it('should assume the role again on the next request once the trust is restored', async () => {
    // Arrange
    const { aws } = setup([() => sessionOutput('1'), accessDenied, () => sessionOutput('3')]);
    await aws.roleSession(KEY);
    jest.setSystemTime(T0 + 2_000);
    await aws.roleSession(KEY).catch(() => undefined);

    // Act
    const session = await aws.roleSession(KEY);

    // Assert
    expect(session.accessKeyId).toBe('ASIATEMP3');
  });
});
