import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { createEgressGuard, generateSealingKeyPair, openJson, type EgressGuard, type GuardedAgents, type SealingKeyPair } from '@s3c/auth';
import {
  OBJECT_REQUEST_SIGN_REPLY_V1,
  OBJECT_REQUEST_SIGN_V1,
  objectRequestAad,
  type SignedObjectRequestPlaintext,
} from '@s3c/contracts';
import { KafkaRequesterService, RemoteRequestError } from '@s3c/nest-kit';
import { DatasetImportConfig } from '../dataset-import.config';
import { DatasetImportErrorCode as Code, DatasetImportException } from '../dataset-import.exception';
import { idleGuardedBody } from './idle-guarded-body';

export interface ObjectTarget {
  domain: string;
  connectionId: string;
  /** Relative to the connection (key, `s3://bucket/key`, full URL); empty when the connection URL names the file. */
  location: string;
}

export interface ObjectStat {
  size: number;
  etag: string;
  lastModified?: string;
  contentType?: string;
  bucket: string;
  key: string;
}

/** Transient: the caller resumes from its last checkpoint. */
function idleError(idleTimeoutMs: number): DatasetImportException {
  return new DatasetImportException(Code.SourceUnreachable, `No data from the object store for ${idleTimeoutMs / 1000} s.`, undefined, true);
}

const BROKER_ERRORS: Record<string, Code> = {
  CONNECTION_NOT_FOUND: Code.ConnectionNotFound,
  CONNECTION_NOT_VALID: Code.ConnectionNotValid,
  LOCATION_NOT_A_FILE: Code.LocationNotAFile,
};

/**
 * Reads tenant objects without holding any credential: the credential broker signs each request and
 * seals it to this process's ephemeral key; the request goes out through the egress guard.
 */
@Injectable()
export class ObjectAccessClient {
  private readonly keys: SealingKeyPair = generateSealingKeyPair();
  private readonly guard: EgressGuard;
  private readonly agents: GuardedAgents;

  constructor(
    private readonly requester: KafkaRequesterService,
    config: DatasetImportConfig,
  ) {
    this.guard = createEgressGuard({ allowList: config.EGRESS_ALLOW_LIST, allowHttpFor: config.EGRESS_ALLOW_HTTP });
    this.agents = this.guard.createAgents({ keepAlive: true });
  }

  async stat(target: ObjectTarget): Promise<ObjectStat> {
    const signed = await this.sign(target, 'HEAD');
    const response = await this.send(signed);
    response.body.resume();
    this.assertOk(response.status, target, signed);
    return {
      size: Number(response.headers['content-length'] ?? 0),
      etag: String(response.headers.etag ?? ''),
      ...(response.headers['last-modified'] ? { lastModified: new Date(String(response.headers['last-modified'])).toISOString() } : {}),
      ...(response.headers['content-type'] ? { contentType: String(response.headers['content-type']) } : {}),
      bucket: signed.bucket,
      key: signed.key,
    };
  }

  /** A byte range of the object, pinned to one version by its ETag (a changed object answers OBJECT_CHANGED). */
  async openRange(target: ObjectTarget, range: { start: number; end?: number; etag: string }, idleTimeoutMs = 30_000): Promise<Readable> {
    const signed = await this.sign(target, 'GET', `bytes=${range.start}-${range.end ?? ''}`, range.etag);
    const response = await this.send(signed, idleTimeoutMs);
    if (response.status !== 200 && response.status !== 206) {
      response.body.resume();
      this.assertOk(response.status, target, signed);
    }
    return idleGuardedBody(response.body, idleTimeoutMs, () => idleError(idleTimeoutMs));
  }

  async readRange(target: ObjectTarget, range: { start: number; end: number; etag: string }): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openRange(target, range)) {
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  private async sign(target: ObjectTarget, method: 'GET' | 'HEAD', range?: string, ifMatch?: string): Promise<SignedObjectRequestPlaintext> {
    try {
      const { reply } = await this.requester.request(
        OBJECT_REQUEST_SIGN_V1,
        OBJECT_REQUEST_SIGN_REPLY_V1,
        {
          connectionId: target.connectionId,
          domain: target.domain,
          method,
          location: target.location,
          ...(range ? { range } : {}),
          ...(ifMatch ? { ifMatch } : {}),
          requesterPublicKey: this.keys.publicKey,
        },
        { domain: target.domain },
        20_000,
      );
      return openJson<SignedObjectRequestPlaintext>(reply.sealedRequest, this.keys.privateKey, objectRequestAad(target.domain, target.connectionId));
    } catch (error) {
      if (error instanceof RemoteRequestError) {
        const code = BROKER_ERRORS[error.code];
        throw new DatasetImportException(code ?? (error.code as Code), error.message, error.hint, code === undefined && /THROTTLED|UNAVAILABLE|UNREACHABLE/.test(error.code));
      }
      throw new DatasetImportException(Code.BrokerUnavailable, 'The credential broker did not answer; try again in a moment.', undefined, true);
    }
  }

  private send(signed: SignedObjectRequestPlaintext, idleTimeoutMs = 30_000): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: http.IncomingMessage }> {
    const url = new URL(signed.url);
    const secure = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(
        url,
        { method: signed.method, headers: signed.headers, agent: secure ? this.agents.httpsAgent : this.agents.httpAgent },
        (response) => {
          // From here on the body's own guard counts idle time, and only while its reader waits for data.
          request.setTimeout(0);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: response });
        },
      );
      // A store that accepts the request but never answers is cut after the idle timeout.
      request.setTimeout(idleTimeoutMs, () => request.destroy(idleError(idleTimeoutMs)));
      request.once('error', (error) =>
        reject(
          error instanceof DatasetImportException
            ? error
            : new DatasetImportException(Code.SourceUnreachable, `The object store could not be reached: ${(error as NodeJS.ErrnoException).code ?? error.message}.`, undefined, true),
        ),
      );
      request.end();
    });
  }

  private assertOk(status: number, target: ObjectTarget, signed: SignedObjectRequestPlaintext): void {
    const where = `s3://${signed.bucket}/${signed.key}`;
    if (status >= 200 && status < 300) {
      return;
    }
    switch (status) {
      case 404:
        throw new DatasetImportException(Code.ObjectNotFound, `${where} does not exist.`, 'Check the location: it is resolved against the connection URL.');
      case 403:
        throw new DatasetImportException(Code.AccessDenied, `Access to ${where} is denied.`, `Validate connection ${target.connectionId}: its credentials or role may no longer allow reading this file.`);
      case 412:
        throw new DatasetImportException(Code.ObjectChanged, `${where} was replaced while it was being read.`, 'Import it again to read the new version.');
      default:
        throw new DatasetImportException(Code.SourceUnreachable, `The object store answered HTTP ${status} for ${where}.`, undefined, status >= 500);
    }
  }
}
