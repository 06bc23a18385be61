import { randomBytes } from 'node:crypto';

/** Suites isolate themselves by name rather than by running one at a time. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export function uniqueDatabaseName(prefix: string): string {
  return uniqueName(`t_${prefix}`).replace(/-/g, '_');
}
