import { Injectable } from '@nestjs/common';

export interface HealthCheckResult {
  status: 'up' | 'down';
  error?: string;
  [detail: string]: unknown;
}

export type HealthCheck = () => Promise<Omit<HealthCheckResult, 'status'> | void>;

const CHECK_TIMEOUT_MS = 2_500;

/** The dependencies readiness depends on; each module registers its own check. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async run(): Promise<{ ready: boolean; checks: Record<string, HealthCheckResult> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<[string, HealthCheckResult]> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
          });
          const details = await Promise.race([check(), timeout]);
          return [name, { status: 'up', ...(details ?? {}) }];
        } catch (error) {
          return [name, { status: 'down', error: (error as Error).message }];
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    return { ready: entries.every(([, result]) => result.status === 'up'), checks };
  }
}
