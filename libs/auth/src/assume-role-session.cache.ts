import {
  assertSessionDuration,
  assumeRole,
  DEFAULT_SESSION_DURATION_SECONDS,
  roleSessionName,
} from './assume-role';
import { AwsSessionCredentials, StsClientLike } from './sts.types';

export interface RoleSessionKey {
  connectionId: string;
  roleArn: string;
  externalId: string;
}

export interface AssumeRoleSessionCacheOptions {
  /** The platform's STS client (see createPlatformStsClient). */
  sts: StsClientLike;
  /** Requested session length; default 3600, minimum 900. */
  durationSeconds?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

interface Entry {
  connectionId: string;
  credentials?: AwsSessionCredentials;
  inFlight?: Promise<AwsSessionCredentials>;
}

const MIN_REFRESH_MARGIN_MS = 5 * 60_000;
// Credentials this close to expiry are never handed out, even when a refresh fails.
const MIN_USABLE_MS = 60_000;

/**
 * Temporary credentials per connection, role and external ID. A session is refreshed ahead of
 * its expiry (when less than 5 minutes or 10 % of its duration remain); concurrent callers share
 * one in-flight AssumeRole; if a refresh fails while the old session is still usable, the old
 * session is returned and the next call tries again.
 */
export class AssumeRoleSessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly sts: StsClientLike;
  private readonly durationSeconds: number;
  private readonly refreshMarginMs: number;
  private readonly now: () => number;

  constructor(options: AssumeRoleSessionCacheOptions) {
    this.sts = options.sts;
    this.durationSeconds = assertSessionDuration(options.durationSeconds ?? DEFAULT_SESSION_DURATION_SECONDS);
    this.refreshMarginMs = Math.max(MIN_REFRESH_MARGIN_MS, this.durationSeconds * 100);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  async get(key: RoleSessionKey): Promise<AwsSessionCredentials> {
    const id = JSON.stringify([key.connectionId, key.roleArn, key.externalId]);
    const entry = this.entries.get(id) ?? { connectionId: key.connectionId };
    this.entries.set(id, entry);
    if (entry.credentials !== undefined && this.remainingMs(entry.credentials) > this.refreshMarginMs) {
      return entry.credentials;
    }
    entry.inFlight ??= this.refresh(id, entry, key);
    return entry.inFlight;
  }

  /** Forgets every session of a connection, e.g. when its role ARN changes or access is revoked. */
  invalidate(connectionId: string): void {
    for (const [id, entry] of this.entries) {
      if (entry.connectionId === connectionId) {
        this.entries.delete(id);
      }
    }
  }

  clear(): void {
    this.entries.clear();
  }

  private remainingMs(credentials: AwsSessionCredentials): number {
    return credentials.expiration.getTime() - this.now();
  }

  private async refresh(id: string, entry: Entry, key: RoleSessionKey): Promise<AwsSessionCredentials> {
    try {
      const credentials = await assumeRole(this.sts, {
        roleArn: key.roleArn,
        externalId: key.externalId,
        sessionName: roleSessionName(key.connectionId),
        durationSeconds: this.durationSeconds,
      });
      // An invalidate() during the call means these credentials belong to a forgotten configuration.
      if (this.entries.get(id) === entry) {
        entry.credentials = credentials;
      }
      return credentials;
    } catch (error) {
      if (
        entry.credentials !== undefined &&
        this.remainingMs(entry.credentials) > MIN_USABLE_MS &&
        this.entries.get(id) === entry
      ) {
        return entry.credentials;
      }
      if (this.entries.get(id) === entry && entry.credentials === undefined) {
        this.entries.delete(id);
      }
      throw error;
    } finally {
      entry.inFlight = undefined;
    }
  }
}
