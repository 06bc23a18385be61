import { JsonLogger } from './json-logger';
import { Redactor } from './redactor';

function capture(minLevel: 'debug' | 'info' = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const redaction = new Redactor();
  const logger = new JsonLogger('test-service', minLevel, (line) => lines.push(JSON.parse(line)), redaction);
  return { lines, logger, redaction };
}

describe('JsonLogger', () => {
  it('should write one JSON object per entry with service, level and context', () => {
    const { lines, logger } = capture();

    logger.log('connections listening', 'Bootstrap');

    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', service: 'test-service', context: 'Bootstrap', msg: 'connections listening' }),
    ]);
  });

  it('should mask values under secret-looking keys at any depth', () => {
    const { lines, logger } = capture();

    logger.event('info', 'saving', {
      connection: { auth: { secretAccessKey: 'wJalrXUtnFEMI', accessKey: 'AKIAEXAMPLE' } },
      headers: { Authorization: 'Apikey abc' },
      secretAccessKeySet: true,
    });

    expect(lines[0]).toMatchObject({
      connection: { auth: { secretAccessKey: '[REDACTED]', accessKey: 'AKIAEXAMPLE' } },
      headers: { Authorization: '[REDACTED]' },
      secretAccessKeySet: true,
    });
  });

  it('should scrub registered secret values from messages, fields and error stacks', () => {
    const { lines, logger, redaction } = capture();
    redaction.registerSecret('canary-5ecret-value');

    logger.error(new Error('AWS said canary-5ecret-value is wrong'));
    logger.event('warn', 'x', { note: 'prefix canary-5ecret-value suffix' });

    const text = JSON.stringify(lines);
    expect(text).not.toContain('canary-5ecret-value');
    expect(lines[1]).toMatchObject({ note: 'prefix [REDACTED] suffix' });
  });

  it('should drop entries below the configured level', () => {
    const { lines, logger } = capture('info');

    logger.debug('noise');
    logger.warn('kept');

    expect(lines.map((line) => line.msg)).toEqual(['kept']);
  });
});
