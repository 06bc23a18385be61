import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import {
  assertRegionMatchesLocation,
  assertValidRegion,
  AuthErrorCode,
  buildAccessPolicy,
  buildTrustPolicy,
  createEgressGuard,
  generateExternalId,
  isAuthException,
  parseRoleArn,
  parseS3Location,
  type EgressGuard,
} from '@s3c/auth';
import {
  CONNECTION_CREATED_V1,
  CONNECTION_DELETED_V1,
  CONNECTION_UPDATED_V1,
  CONNECTION_VALIDATED_V1,
  type ConnectionAuthDescriptor,
  type ConnectionSecretsPlaintext,
  type ConnectionSnapshot,
  type ConnectionValidateReplyV1,
} from '@s3c/contracts';
import { ApiException, outboxEntry, type OutboxEntry } from '@s3c/nest-kit';
import { ConnectionsConfig } from '../connections.config';
import { ConnectionOutboxRelay } from './connection-outbox.relay';
import type { ConnectionAuthDocument } from './connection.schema';
import type { ConnectionAuthInputDto, CreateConnectionDto, UpdateConnectionDto } from './connection.dto';
import { connectionNotFound, ConnectionsErrorCode, ConnectionsException } from './connections.exception';
import { ConnectionsRepository, type ConnectionRecord } from './connections.repository';
import { CredentialBrokerClient } from './credential-broker.client';

type AuthInput = Partial<Omit<ConnectionAuthInputDto, 'method'>>;

/** Which auth fields each method takes; anything else is refused by name rather than ignored. */
const FIELDS_BY_METHOD: Record<ConnectionAuthDescriptor['method'], (keyof AuthInput)[]> = {
  iam_role: ['region', 'role_arn'],
  sigv4: ['region', 'url', 'access_key', 'secret_access_key', 'headers'],
  anonymous: ['region', 'url', 'headers'],
};
const REQUIRED_BY_METHOD: Record<ConnectionAuthDescriptor['method'], (keyof AuthInput)[]> = {
  iam_role: ['region'],
  sigv4: ['region', 'url', 'access_key', 'secret_access_key'],
  anonymous: ['region', 'url'],
};
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;

const ROLE_ARN_MISSING = {
  code: AuthErrorCode.ROLE_ARN_MISSING,
  message: 'role_arn is not set: the platform cannot assume a role in your AWS account yet.',
  hint: 'Create a role that trusts ods_aws_account_id with the condition sts:ExternalId = external_id (see setup.trust_policy), attach a read policy (see setup.access_policy_example), then update the connection with the role ARN.',
};

function badRequest(error: unknown): never {
  if (isAuthException(error)) {
    throw new ApiException(HttpStatus.BAD_REQUEST, error.code, error.message, error.hint);
  }
  throw error;
}

/** The connection side of the product: create, change, validate, delete, always within one domain. */
@Injectable()
export class ConnectionsService {
  private readonly egressGuard: EgressGuard;

  constructor(
    private readonly repository: ConnectionsRepository,
    private readonly broker: CredentialBrokerClient,
    private readonly relay: ConnectionOutboxRelay,
    config: ConnectionsConfig,
  ) {
    this.egressGuard = createEgressGuard({ allowList: config.EGRESS_ALLOW_LIST, allowHttpFor: config.EGRESS_ALLOW_HTTP });
  }

  async create(domain: string, input: CreateConnectionDto): Promise<ConnectionRecord> {
    const { method, ...fields } = input.auth;
    this.checkFields(method, fields, REQUIRED_BY_METHOD[method]);
    const connectionId = randomUUID();
    const auth: ConnectionAuthDocument = {
      method,
      region: fields.region as string,
      secretAccessKeySet: fields.secret_access_key !== undefined,
      headerNames: Object.keys(fields.headers ?? {}),
    };
    if (method === 'iam_role') {
      const identity = await this.broker.platformIdentity(domain);
      auth.externalId = generateExternalId(domain);
      auth.odsAwsAccountId = identity.accountId;
      auth.platformPrincipalArn = identity.principalArn;
      auth.roleArn = fields.role_arn;
    } else {
      auth.url = fields.url;
      auth.accessKey = fields.access_key;
    }
    await this.checkAuth(auth);
    const validation = method === 'iam_role' && !auth.roleArn ? undefined : await this.broker.validate(domain, connectionId, 1, descriptor(auth), secretsOf(fields));
    const record: Omit<ConnectionRecord, 'createdAt' | 'updatedAt'> = {
      _id: connectionId,
      domain,
      title: input.title,
      type: 's3',
      auth,
      status: validation?.status ?? 'invalid',
      statusReason: validation ? validation.statusReason : ROLE_ARN_MISSING,
      revision: 1,
    };
    const snapshot = toSnapshot({ ...record, createdAt: new Date(), updatedAt: new Date() });
    const events = [outboxEntry(CONNECTION_CREATED_V1, snapshot, { domain })];
    if (validation) {
      events.push(outboxEntry(CONNECTION_VALIDATED_V1, snapshot, { domain }));
    }
    const created = await this.repository.insert(record, events);
    this.relay.relaySoon(connectionId);
    return created;
  }

  async get(domain: string, connectionId: string): Promise<ConnectionRecord> {
    const record = await this.repository.findOne(domain, connectionId);
    if (!record) {
      throw connectionNotFound(connectionId);
    }
    return record;
  }

  list(domain: string, offset: number, limit: number) {
    return this.repository.list(domain, offset, limit);
  }

  async update(domain: string, connectionId: string, input: UpdateConnectionDto): Promise<ConnectionRecord> {
    const current = await this.get(domain, connectionId);
    const { method: methodChange, ...fields } = input.auth ?? {};
    if (methodChange !== undefined) {
      throw new ConnectionsException(ConnectionsErrorCode.MethodImmutable, 'The authentication method of a connection cannot change; create a new connection instead.');
    }
    this.checkFields(current.auth.method, fields, []);
    if (fields.access_key !== undefined && fields.secret_access_key === undefined) {
      throw new ConnectionsException(ConnectionsErrorCode.FieldRequired, 'A new access_key needs its secret_access_key in the same request.');
    }
    const auth: ConnectionAuthDocument = {
      ...current.auth,
      ...(fields.region !== undefined ? { region: fields.region } : {}),
      ...(fields.role_arn !== undefined ? { roleArn: fields.role_arn } : {}),
      ...(fields.url !== undefined ? { url: fields.url } : {}),
      ...(fields.access_key !== undefined ? { accessKey: fields.access_key } : {}),
      ...(fields.secret_access_key !== undefined ? { secretAccessKeySet: true } : {}),
      ...(fields.headers !== undefined ? { headerNames: Object.keys(fields.headers) } : {}),
    };
    const authChanged = Object.values(fields).some((value) => value !== undefined);
    let validation: ConnectionValidateReplyV1 | undefined;
    if (authChanged) {
      await this.checkAuth(auth);
      validation = auth.method === 'iam_role' && !auth.roleArn ? undefined : await this.broker.validate(domain, connectionId, current.revision + 1, descriptor(auth), secretsOf(fields));
    }
    const changes = {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(authChanged
        ? { auth, status: validation?.status ?? 'invalid', statusReason: validation ? validation.statusReason : ROLE_ARN_MISSING }
        : {}),
    } as const;
    return this.applyChange(current, changes, validation !== undefined);
  }

  async validate(domain: string, connectionId: string): Promise<ConnectionRecord> {
    const current = await this.get(domain, connectionId);
    if (current.auth.method === 'iam_role' && !current.auth.roleArn) {
      return this.applyChange(current, { status: 'invalid', statusReason: ROLE_ARN_MISSING }, true);
    }
    const validation = await this.broker.validate(domain, connectionId, current.revision + 1, descriptor(current.auth));
    return this.applyChange(current, { status: validation.status, statusReason: validation.statusReason }, true);
  }

  async delete(domain: string, connectionId: string): Promise<void> {
    const current = await this.get(domain, connectionId);
    const deleted = await this.repository.markDeleted(domain, connectionId, current.revision, (revision) => [
      outboxEntry(CONNECTION_DELETED_V1, { connectionId, domain, revision, occurredAt: new Date().toISOString() }, { domain }),
    ]);
    if (!deleted) {
      throw concurrentUpdate();
    }
    this.relay.relaySoon(connectionId);
  }

  /** Setup help of an IAM-role connection: the trust policy to paste and a least-privilege policy example. */
  setupOf(record: ConnectionRecord): { trustPolicy: object; accessPolicyExample: object; principalArn: string } | undefined {
    const { externalId, platformPrincipalArn } = record.auth;
    if (record.auth.method !== 'iam_role' || !externalId || !platformPrincipalArn) {
      return undefined;
    }
    return {
      principalArn: platformPrincipalArn,
      trustPolicy: buildTrustPolicy({ principalArn: platformPrincipalArn, externalId }),
      accessPolicyExample: buildAccessPolicy({ bucket: 'mybucket', key: 'test.csv', region: record.auth.region }),
    };
  }

  private async applyChange(
    current: ConnectionRecord,
    changes: Parameters<ConnectionsRepository['update']>[3],
    validated: boolean,
  ): Promise<ConnectionRecord> {
    const now = new Date();
    const updated = await this.repository.update(current.domain, current._id, current.revision, changes, (revision) => {
      const snapshot = toSnapshot({ ...current, ...changes, statusReason: changes.statusReason, revision, updatedAt: now });
      const events: OutboxEntry[] = [];
      if (changes.title !== undefined || changes.auth !== undefined) {
        events.push(outboxEntry(CONNECTION_UPDATED_V1, snapshot, { domain: current.domain }));
      }
      if (validated) {
        events.push(outboxEntry(CONNECTION_VALIDATED_V1, snapshot, { domain: current.domain }));
      }
      return events;
    });
    if (!updated) {
      throw concurrentUpdate();
    }
    this.relay.relaySoon(current._id);
    return updated;
  }

  private checkFields(method: ConnectionAuthDescriptor['method'], fields: AuthInput, required: (keyof AuthInput)[]): void {
    if (fields.external_id !== undefined) {
      throw new ConnectionsException(
        ConnectionsErrorCode.ExternalIdNotAllowed,
        'external_id is generated by the platform and cannot be set or changed.',
        'Leave external_id out; the connection returns the one to use in your role trust policy.',
      );
    }
    const allowed = FIELDS_BY_METHOD[method];
    for (const [field, value] of Object.entries(fields)) {
      if (value !== undefined && field !== 'external_id' && !allowed.includes(field as keyof AuthInput)) {
        throw new ConnectionsException(ConnectionsErrorCode.FieldNotAllowed, `auth.${field} does not apply to the ${method} method.`);
      }
    }
    for (const field of required) {
      if (fields[field] === undefined || fields[field] === '') {
        throw new ConnectionsException(ConnectionsErrorCode.FieldRequired, `auth.${field} is required for the ${method} method.`);
      }
    }
    for (const [name, value] of Object.entries(fields.headers ?? {})) {
      if (!HEADER_NAME.test(name) || typeof value !== 'string' || value.length > 4096 || /[\r\n]/.test(value)) {
        throw new ConnectionsException(ConnectionsErrorCode.InvalidHeader, `Header "${name.slice(0, 64)}" is not a valid header (name: letters, digits and "-"; value: one line of text).`);
      }
    }
  }

  /** Save-time checks: region, role ARN, URL syntax, and the egress guard on the resolved endpoint. */
  private async checkAuth(auth: ConnectionAuthDocument): Promise<void> {
    try {
      if (auth.roleArn) {
        parseRoleArn(auth.roleArn);
      }
      if (!auth.url) {
        assertValidRegion(auth.region);
        return;
      }
      const location = parseS3Location(auth.url);
      assertValidRegion(auth.region, location.provider);
      assertRegionMatchesLocation(auth.region, location);
      if (location.endpoint) {
        const url = this.egressGuard.checkUrl(location.endpoint);
        await this.egressGuard.resolveAllowed(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port) || (url.protocol === 'https:' ? 443 : 80));
      }
    } catch (error) {
      badRequest(error);
    }
  }
}

function concurrentUpdate(): ConnectionsException {
  return new ConnectionsException(ConnectionsErrorCode.ConcurrentUpdate, 'The connection changed while your request was processed; read it again and retry.');
}

function secretsOf(fields: AuthInput): ConnectionSecretsPlaintext | undefined {
  if (fields.secret_access_key === undefined && fields.headers === undefined) {
    return undefined;
  }
  return {
    ...(fields.secret_access_key !== undefined ? { secretAccessKey: fields.secret_access_key } : {}),
    ...(fields.headers !== undefined ? { headers: fields.headers } : {}),
  };
}

export function descriptor(auth: ConnectionAuthDocument): ConnectionAuthDescriptor {
  return {
    method: auth.method,
    region: auth.region,
    ...(auth.url ? { url: auth.url } : {}),
    ...(auth.roleArn ? { roleArn: auth.roleArn } : {}),
    ...(auth.externalId ? { externalId: auth.externalId } : {}),
    ...(auth.accessKey ? { accessKey: auth.accessKey } : {}),
    secretAccessKeySet: auth.secretAccessKeySet,
    headerNames: auth.headerNames,
  };
}

export function toSnapshot(record: ConnectionRecord): ConnectionSnapshot {
  return {
    connectionId: record._id,
    domain: record.domain,
    title: record.title,
    type: 's3',
    auth: descriptor(record.auth),
    status: record.status,
    ...(record.statusReason ? { statusReason: { code: record.statusReason.code, message: record.statusReason.message, ...(record.statusReason.hint ? { hint: record.statusReason.hint } : {}) } } : {}),
    revision: record.revision,
    occurredAt: record.updatedAt.toISOString(),
  };
}
