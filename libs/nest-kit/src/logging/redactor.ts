/**
 * Keeps secrets out of logs: values under secret-looking keys are masked, and every secret value
 * registered at run time (config secrets, keys being rotated) is scrubbed from any string.
 */
const SECRET_KEY_PATTERN =
  /(secret|password|passwd|token|authorization|api[-_]?key|apikey|credential|private[-_]?key|session[-_]?token|sealed|plaintext)/i;
const MASK = '[REDACTED]';
const MIN_SCRUBBED_LENGTH = 6;
const MAX_DEPTH = 8;

export class Redactor {
  private readonly secrets = new Set<string>();

  registerSecret(value: string | undefined | null): void {
    // Very short values would mask ordinary words; such values are not secrets worth the name.
    if (value && value.length >= MIN_SCRUBBED_LENGTH) {
      this.secrets.add(value);
    }
  }

  isSecretKey(key: string): boolean {
    return SECRET_KEY_PATTERN.test(key);
  }

  redactString(text: string): string {
    let result = text;
    for (const secret of this.secrets) {
      if (result.includes(secret)) {
        result = result.split(secret).join(MASK);
      }
    }
    return result;
  }

  redact(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') {
      return this.redactString(value);
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    if (depth >= MAX_DEPTH) {
      return '[Truncated]';
    }
    if (value instanceof Error) {
      return {
        name: value.name,
        message: this.redactString(value.message),
        code: (value as { code?: unknown }).code,
        stack: value.stack ? this.redactString(value.stack) : undefined,
      };
    }
    if (Buffer.isBuffer(value)) {
      return `[Buffer ${value.length} bytes]`;
    }
    if (Array.isArray(value)) {
      return value.map((item) => this.redact(item, depth + 1));
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = this.isSecretKey(key) && item !== null && item !== undefined && typeof item !== 'boolean'
        ? MASK
        : this.redact(item, depth + 1);
    }
    return out;
  }
}

/** One process-wide redactor: secrets registered anywhere are scrubbed from every log line. */
export const redactor = new Redactor();
