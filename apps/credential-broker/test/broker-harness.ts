import { mkdtempSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { type DynamicModule, Module } from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { generateSealingKeyPair, openJson, seal } from '@s3c/auth';
import {
  CONNECTION_VALIDATE_REPLY_V1,
  CONNECTION_VALIDATE_V1,
  CONNECTION_VALIDATED_V1,
  connectionSecretsAad,
  OBJECT_REQUEST_SIGN_REPLY_V1,
  OBJECT_REQUEST_SIGN_V1,
  objectRequestAad,
  PLATFORM_IDENTITY_DESCRIBE_REPLY_V1,
  PLATFORM_IDENTITY_DESCRIBE_V1,
  type ConnectionAuthDescriptor,
  type ConnectionSecretsPlaintext,
  type ConnectionStatus,
  type ConnectionValidateReplyV1,
  type ObjectRequestSignV1,
  type PlatformIdentityDescribeReplyV1,
  type SignedObjectRequestPlaintext,
} from '@s3c/contracts';
import {
  BaseServiceConfig,
  type JsonLogger,
  KafkaProducerService,
  KafkaRequesterService,
  loadConfig,
  RemoteRequestError,
  ServiceFoundationModule,
  type ServiceDefinition,
} from '@s3c/nest-kit';
import {
  bucketReaderPolicy,
  createBucketWith,
  createIamUser,
  currentEnvironment,
  localAwsClients,
  type RunningService,
  startServiceInProcess,
  uniqueDatabaseName,
  uniqueName,
  waitFor,
} from '@s3c/testing';
import { CredentialBrokerConfig } from '../src/credential-broker.config';
import { credentialBrokerService } from '../src/credential-broker.service-definition';
import { ConnectionSecretDocument } from '../src/secrets/connection-secret.schema';

class BrokerClientConfig extends BaseServiceConfig {}

/** What the broker's callers (the connections service, the importer) hold: a producer and a requester. */
@Module({})
class BrokerClientModule {
  static forRoot(config: BrokerClientConfig, logger: JsonLogger): DynamicModule {
    return {
      module: BrokerClientModule,
      imports: [
        ServiceFoundationModule.forRoot({
          configClass: BrokerClientConfig,
          config,
          logger,
          kafka: {
            clientId: uniqueName('broker-test-client'),
            requestContracts: [PLATFORM_IDENTITY_DESCRIBE_V1, CONNECTION_VALIDATE_V1, OBJECT_REQUEST_SIGN_V1],
          },
        }),
      ],
    };
  }
}

const brokerClientService: ServiceDefinition<BrokerClientConfig> = {
  name: 'broker-test-client',
  configClass: BrokerClientConfig,
  module: (config, logger) => BrokerClientModule.forRoot(config, logger),
  httpPort: () => 0,
};

const REQUEST_TIMEOUT_MS = 30_000;

export type SignRequest = Omit<ObjectRequestSignV1, 'requesterPublicKey'>;

/**
 * A credential broker running in the test process with a database, a consumer group and a key
 * directory of its own, and a client that talks to it over the real Kafka the way the other
 * services do. `overrides` are broker variables (e.g. the key-encryption key provider).
 */
export class BrokerHarness {
  readonly environment = currentEnvironment();
  readonly overrides: Record<string, string>;
  /** The importer's side of signed requests: what the broker seals them to. */
  readonly requesterKeys = generateSealingKeyPair();
  broker?: RunningService;
  private client?: RunningService;
  private identity?: PlatformIdentityDescribeReplyV1;

  constructor(overrides: Record<string, string> = {}) {
    const awsHost = new URL(this.environment.awsEndpoint).host;
    this.overrides = {
      CREDENTIAL_BROKER_DATABASE: uniqueDatabaseName('credentials'),
      CREDENTIAL_BROKER_GROUP_ID: uniqueName('credential-broker'),
      CREDENTIAL_BROKER_KEY_DIR: mkdtempSync(path.join(os.tmpdir(), 's3c-broker-keys-')),
      EGRESS_ALLOW_LIST: awsHost,
      EGRESS_ALLOW_HTTP: awsHost,
      ...overrides,
    };
  }

  async start(): Promise<this> {
    [this.broker, this.client] = await Promise.all([
      startServiceInProcess(credentialBrokerService, this.overrides),
      startServiceInProcess(brokerClientService),
    ]);
    const baseUrl = this.broker.baseUrl;
    // Ready = a member of its consumer group: requests sent from now on are answered.
    await waitFor(async () => (await fetch(`${baseUrl}/health/ready`)).ok, {
      timeoutMs: 60_000,
      what: 'the broker to be ready',
    });
    this.identity = (
      await this.requester.request(
        PLATFORM_IDENTITY_DESCRIBE_V1,
        PLATFORM_IDENTITY_DESCRIBE_REPLY_V1,
        { domain: 'mvdomain' },
        { domain: 'mvdomain' },
        REQUEST_TIMEOUT_MS,
      )
    ).reply;
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all([this.broker?.close(), this.client?.close()]);
  }

  /** The broker's config, as a command started with the same environment would load it. */
  config(extra: Record<string, string> = {}): CredentialBrokerConfig {
    return loadConfig(CredentialBrokerConfig, { ...process.env, ...this.overrides, ...extra });
  }

  get app() {
    if (!this.broker) {
      throw new Error('The broker is not started');
    }
    return this.broker.app;
  }

  get logs(): string[] {
    return this.broker?.logs ?? [];
  }

  /** The broker's own collection of encrypted secrets. */
  secretsCollection(): Model<ConnectionSecretDocument> {
    return this.app.get<Model<ConnectionSecretDocument>>(getModelToken(ConnectionSecretDocument.name));
  }

  /** The key the broker announced in its platform identity: secrets for it are sealed to this key. */
  get brokerPublicKey(): string {
    if (!this.identity) {
      throw new Error('The broker is not started');
    }
    return this.identity.sealingPublicKey;
  }

  private get requester(): KafkaRequesterService {
    if (!this.client) {
      throw new Error('The broker client is not started');
    }
    return this.client.app.get(KafkaRequesterService);
  }

  /** What the connections service sends: secrets sealed to the broker for this domain and connection. */
  async validate(request: {
    domain: string;
    connectionId: string;
    auth: ConnectionAuthDescriptor;
    secrets?: ConnectionSecretsPlaintext;
    sealFor?: { domain: string; connectionId: string };
  }): Promise<ConnectionValidateReplyV1> {
    const { domain, connectionId, auth, secrets } = request;
    const aad = request.sealFor ?? { domain, connectionId };
    const sealedSecrets = secrets
      ? seal(secrets, this.brokerPublicKey, connectionSecretsAad(aad.domain, aad.connectionId))
      : undefined;
    const { reply } = await this.requester.request(
      CONNECTION_VALIDATE_V1,
      CONNECTION_VALIDATE_REPLY_V1,
      { connectionId, domain, auth, revision: 1, ...(sealedSecrets ? { sealedSecrets } : {}) },
      { domain },
      REQUEST_TIMEOUT_MS,
    );
    return reply;
  }

  /** What the importer does: asks for one signed read and opens it with its private key. */
  async sign(request: SignRequest): Promise<SignedObjectRequestPlaintext> {
    const { reply } = await this.requester.request(
      OBJECT_REQUEST_SIGN_V1,
      OBJECT_REQUEST_SIGN_REPLY_V1,
      { ...request, requesterPublicKey: this.requesterKeys.publicKey },
      { domain: request.domain },
      REQUEST_TIMEOUT_MS,
    );
    return openJson<SignedObjectRequestPlaintext>(
      reply.sealedRequest,
      this.requesterKeys.privateKey,
      objectRequestAad(request.domain, request.connectionId),
    );
  }

  /** The code the broker refuses a sign request with, or undefined when it signs. */
  async signRefusal(request: SignRequest): Promise<string | undefined> {
    try {
      await this.sign(request);
      return undefined;
    } catch (error) {
      if (error instanceof RemoteRequestError) {
        return error.code;
      }
      throw error;
    }
  }

  /** Publishes a connection snapshot the way the connections service does; the broker's read model follows it. */
  async publishConnection(snapshot: {
    domain: string;
    connectionId: string;
    auth: ConnectionAuthDescriptor;
    status: ConnectionStatus;
    revision?: number;
  }): Promise<void> {
    if (!this.client) {
      throw new Error('The broker client is not started');
    }
    await this.client.app.get(KafkaProducerService).publish(
      CONNECTION_VALIDATED_V1,
      {
        connectionId: snapshot.connectionId,
        domain: snapshot.domain,
        title: 'Water quality',
        type: 's3',
        auth: snapshot.auth,
        status: snapshot.status,
        ...(snapshot.status === 'invalid'
          ? { statusReason: { code: 'ACCESS_DENIED', message: 'Access denied.' } }
          : {}),
        revision: snapshot.revision ?? 1,
        occurredAt: new Date().toISOString(),
      },
      { domain: snapshot.domain },
    );
  }

  /** Polls until the broker has applied a published snapshot: the sign request stops answering `whileCode`. */
  async signWhenApplied(
    request: SignRequest,
    whileCode = 'CONNECTION_NOT_FOUND',
  ): Promise<string | undefined> {
    return waitFor(
      async () => {
        const code = await this.signRefusal(request);
        return code === whileCode ? undefined : { code };
      },
      { timeoutMs: 60_000, intervalMs: 500, what: `the broker to apply connection ${request.connectionId}` },
    ).then((outcome) => outcome.code);
  }
}

export function newConnectionId(): string {
  return randomUUID();
}

export function newDomain(): string {
  return uniqueName('mvdomain');
}

export function sigv4Auth(url: string, region: string, accessKey: string): ConnectionAuthDescriptor {
  return { method: 'sigv4', region, url, accessKey, secretAccessKeySet: true, headerNames: [] };
}

/** A bucket with one object, and IAM principals of a customer's account that may read it. */
export class CustomerAccount {
  private readonly environment = currentEnvironment();
  private readonly admin = localAwsClients(this.environment, this.environment.adminCredentials);
  readonly bucket = uniqueName('water');
  readonly key = 'test.csv';
  readonly content = 'name;price\napple;1.5\npear;2.25\n';

  get objectUrl(): string {
    return `${this.environment.awsEndpoint}/${this.bucket}/${this.key}`;
  }

  async createBucket(): Promise<this> {
    await createBucketWith(this.admin.s3, this.environment, this.bucket, { [this.key]: this.content });
    return this;
  }

  /** An IAM user allowed to read the bucket: the access key of a signature v4 connection. */
  createReader(): Promise<{ accessKeyId: string; secretAccessKey: string }> {
    return createIamUser(this.admin.iam, bucketReaderPolicy(this.bucket));
  }


  /** A role trusting the platform with the connection's external ID, allowed to read the object. */
  async createRole(externalId: string): Promise<string> {
    const roleName = uniqueName('ods-reader');
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${this.environment.platformAccountId}:user/ods-platform` },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': externalId } },
        },
      ],
    };
    const { Role } = await this.admin.iam.send(
      new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust) }),
    );
    await this.admin.iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: 'read-test-csv',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['s3:GetObject'],
              Resource: `arn:aws:s3:::${this.bucket}/${this.key}`,
            },
          ],
        }),
      }),
    );
    return Role?.Arn ?? '';
  }
}
