import { IsInt, IsString } from 'class-validator';
import { redactor } from '../logging/redactor';
import { BaseServiceConfig, ConfigValidationError, loadConfig, Secret } from './config';

class ExampleConfig extends BaseServiceConfig {
  @IsInt()
  HTTP_PORT: number = 3000;

  @Secret()
  @IsString()
  SIGNING_KEY!: string;
}

const validEnv = {
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9094',
  MONGODB_URI: 'mongodb://127.0.0.1:27017/',
  SIGNING_KEY: 'k3y-that-is-secret',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(ExampleConfig, env);
  } catch (error) {
    return (error as ConfigValidationError).problems.map((problem) => problem.variable);
  }
  return [];
}

describe('loadConfig', () => {
  it('should convert types, split lists and keep defaults when variables are valid', () => {
    const config = loadConfig(ExampleConfig, { ...validEnv, HTTP_PORT: '4000' });

    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9094']);
    expect(config.HTTP_PORT).toBe(4000);
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('should name each missing variable when required ones are absent', () => {
    expect(problemsOf({ SIGNING_KEY: 'x' }).sort()).toEqual(['KAFKA_BROKERS', 'MONGODB_URI']);
  });

  it.each([
    ['HTTP_PORT', 'not-a-number'],
    ['KAFKA_BROKERS', 'no-port-here'],
    ['MONGODB_URI', 'http://wrong'],
    ['LOG_LEVEL', 'chatty'],
    ['SHUTDOWN_GRACE_MS', '5'],
  ])('should refuse %s=%s', (variable, value) => {
    expect(problemsOf({ ...validEnv, [variable]: value })).toEqual([variable]);
  });

  it('should register secret fields with the log redactor', () => {
    loadConfig(ExampleConfig, validEnv);

    expect(redactor.redactString('key is k3y-that-is-secret')).toBe('key is [REDACTED]');
  });
});
