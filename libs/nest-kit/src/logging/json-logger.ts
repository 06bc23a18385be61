import type { LoggerService, LogLevel } from '@nestjs/common';
import { redactor, type Redactor } from './redactor';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type JsonLogLevel = (typeof LOG_LEVELS)[number];

const SEVERITY: Record<JsonLogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Structured JSON logs, one object per line on stdout, every field passed through the redactor.
 * Implements Nest's LoggerService so framework messages come out the same way.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly minLevel: JsonLogLevel = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
    private readonly redaction: Redactor = redactor,
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  setLogLevels?(_levels: LogLevel[]): void {
    // The level comes from validated config (LOG_LEVEL); Nest's own level list is not used.
  }

  /** A structured entry: `logger.event('info', 'import.progress', { importId, rows })`. */
  event(level: JsonLogLevel, msg: string, fields: Record<string, unknown> = {}, context?: string): void {
    if (SEVERITY[level] < SEVERITY[this.minLevel]) {
      return;
    }
    const entry = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      ...(context ? { context } : {}),
      msg: this.redaction.redactString(msg),
      ...(this.redaction.redact(fields) as Record<string, unknown>),
    };
    this.write(`${JSON.stringify(entry)}\n`);
  }

  private emit(level: JsonLogLevel, message: unknown, rest: unknown[]): void {
    // Nest passes (message, context) or (message, stack, context) for errors.
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (level === 'error' && typeof args[0] === 'string' && args[0].includes('\n')) {
      fields.stack = args.shift();
    }
    if (args.length > 0) {
      fields.details = args.length === 1 ? args[0] : args;
    }
    if (message instanceof Error) {
      this.event(level, message.message, { ...fields, error: message }, context);
    } else if (typeof message === 'object' && message !== null) {
      this.event(level, (message as { msg?: string }).msg ?? '', { ...fields, ...message }, context);
    } else {
      this.event(level, String(message), fields, context);
    }
  }
}
