import {
  assertSessionDuration,
  assumeRole,
  DEFAULT_SESSION_DURATION_SECONDS,
  roleSessionName,
} from './assume-role';
import { AuthErrorCode, AuthException } from './auth.exception';
import { diagnoseAwsError } from './aws-error.diagnosis';
import { AwsSessionCredentials, StsClientLike } from './sts.types';

/** The shortest refresh margin: no session is handed out with less left, so a signed request has time to be sent. */
export const MIN_REFRESH_MARGIN_SECONDS = 60;

export interface RoleSessionKey {
  connectionId: string;
  roleArn: string;
  externalId: string;
}

/** A new role session, as told to `onSessionIssued`: identifiers and times only, never a secret. */
export interface RoleSessionIssued {
  connectionId: string;
  roleArn: string;
  /** The session's access key ID: not a secret, it is what the tenant's CloudTrail records. */
  accessKeyId: string;
  expiration: Date;
  /** True when the session replaces an earlier one of the same connection, role and external ID. */
  renewed: boolean;
}

export interface AssumeRoleSessionCacheOptions {
  /** The platform's STS client (see createPlatformStsClient). */
  sts: StsClientLike;
  /** Requested session length; default 3600, minimum 900. */
  durationSeconds?: number;
  /**
   * A session is renewed once less than this remains: at least 60 s, less than the duration;
   * default the larger of 5 minutes and 10 % of the duration.
   */
  refreshMarginSeconds?: number;
  /** Called for every session obtained from STS, e.g. to log renewals. */
  onSessionIssued?: (session: RoleSessionIssued) => void;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

interface Entry {
  connectionId: string;
  credentials?: AwsSessionCredentials;
  inFlight?: Promise<AwsSessionCredentials>;
}

// Credentials this close to expiry are never handed out, even when a refresh fails.
const MIN_USABLE_MS = MIN_REFRESH_MARGIN_SECONDS * 1000;
const DEFAULT_MIN_REFRESH_MARGIN_SECONDS = 300;

function assertRefreshMargin(marginSeconds: number, durationSeconds: number): number {
  if (
    !Number.isInteger(marginSeconds) ||
    marginSeconds < MIN_REFRESH_MARGIN_SECONDS ||
    marginSeconds >= durationSeconds
  ) {
    throw new AuthException(
      AuthErrorCode.INVALID_SESSION_DURATION,
      `A role session's refresh margin lasts ${MIN_REFRESH_MARGIN_SECONDS} seconds to less than the session (${durationSeconds} s), not ${marginSeconds}.`,
    );
  }
  return marginSeconds;
}

/**
 * Temporary credentials per connection, role and external ID. A session is refreshed ahead of
 * its expiry (by default when less than 5 minutes or 10 % of its duration remain); concurrent
 * callers share one in-flight AssumeRole. If a refresh fails for a passing reason (throttling, STS
 * unavailable) while the old session is still usable, the old session is returned and the next
 * call tries again; if the role refuses the platform, the session is forgotten at once: the tenant
 * withdrew its trust, and reads stop even though AWS would still honour the old session.
 */
export class AssumeRoleSessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly sts: StsClientLike;
  private readonly durationSeconds: number;
  private readonly refreshMarginMs: number;
  private readonly onSessionIssued?: (session: RoleSessionIssued) => void;
  private readonly now: () => number;

  constructor(options: AssumeRoleSessionCacheOptions) {
    this.sts = options.sts;
    this.durationSeconds = assertSessionDuration(options.durationSeconds ?? DEFAULT_SESSION_DURATION_SECONDS);
    this.refreshMarginMs =
      options.refreshMarginSeconds === undefined
        ? Math.max(DEFAULT_MIN_REFRESH_MARGIN_SECONDS * 1000, this.durationSeconds * 100)
        : assertRefreshMargin(options.refreshMarginSeconds, this.durationSeconds) * 1000;
    this.onSessionIssued = options.onSessionIssued;
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
    const requestedAt = this.now();
    let issued: AwsSessionCredentials;
    try {
      issued = await assumeRole(this.sts, {
        roleArn: key.roleArn,
        externalId: key.externalId,
        sessionName: roleSessionName(key.connectionId),
        durationSeconds: this.durationSeconds,
      });
    } catch (error) {
      const refused =
        diagnoseAwsError(error, { operation: 'assumeRole' }).code === AuthErrorCode.ROLE_NOT_ASSUMABLE;
      if (
        !refused &&
        entry.credentials !== undefined &&
        this.remainingMs(entry.credentials) > MIN_USABLE_MS &&
        this.entries.get(id) === entry
      ) {
        return entry.credentials;
      }
      if (this.entries.get(id) === entry && (refused || entry.credentials === undefined)) {
        this.entries.delete(id);
      }
      throw error;
    } finally {
      entry.inFlight = undefined;
    }
    // STS states the expiry by its own clock; the duration measured on ours bounds it whatever the skew.
    const credentials = {
      ...issued,
      expiration: new Date(Math.min(issued.expiration.getTime(), requestedAt + this.durationSeconds * 1000)),
    };
    const renewed = entry.credentials !== undefined;
    // An invalidate() during the call means these credentials belong to a forgotten configuration.
    if (this.entries.get(id) === entry) {
      entry.credentials = credentials;
    }
    this.onSessionIssued?.({
      connectionId: key.connectionId,
      roleArn: key.roleArn,
      accessKeyId: credentials.accessKeyId,
      expiration: credentials.expiration,
      renewed,
    });
    return credentials;
  }
}
