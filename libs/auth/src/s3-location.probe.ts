import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { AccessProblem } from './auth.exception';
import { bucketRegionOf, diagnoseAwsError, DiagnosisContext } from './aws-error.diagnosis';
import { S3ClientLike } from './s3-client.factory';
import { locationKind } from './s3-location.parser';
import { S3Location } from './s3-location.types';

export interface ObjectMetadata {
  size: number;
  etag?: string;
  lastModified?: Date;
  contentType?: string;
}

export type ProbeResult =
  { status: 'valid'; object?: ObjectMetadata } | { status: 'invalid'; reason: AccessProblem };

export interface ProbeOptions {
  client: S3ClientLike;
  location: S3Location;
  /** The region the client signs for, to recognise a bucket in another region. */
  region: string;
  /** Extra context for messages (role ARN, external ID…). */
  context?: Omit<DiagnosisContext, 'operation' | 'location' | 'region'>;
}

interface ServiceErrorShape {
  Code?: string;
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

function serviceError(error: unknown): ServiceErrorShape | undefined {
  const shape = typeof error === 'object' && error !== null ? (error as ServiceErrorShape) : undefined;
  return shape?.$metadata?.httpStatusCode === undefined ? undefined : shape;
}

function totalSize(contentRange: string | undefined, contentLength: number | undefined): number {
  const total = /\/(\d+)$/.exec(contentRange ?? '');
  return total === null ? (contentLength ?? 0) : Number(total[1]);
}

/**
 * A cheap check that the credentials can read the location: HeadObject for a file, ListObjectsV2
 * (max-keys 1) for a bucket or a folder. HEAD errors have no body, so a 403 cannot tell a bad
 * access key from a bad secret or a denial, nor a 404 a missing bucket from a missing key: those
 * are asked again with a one-byte ranged GET, whose XML error names the cause.
 */
export async function probeLocation(options: ProbeOptions): Promise<ProbeResult> {
  const { client, location, region } = options;
  const context: DiagnosisContext = { ...options.context, operation: 'probe', location, region };
  const invalid = (error: unknown): ProbeResult => ({
    status: 'invalid',
    reason: diagnoseAwsError(error, context),
  });

  if (locationKind(location) !== 'object') {
    try {
      await client.send(
        new ListObjectsV2Command({
          Bucket: location.bucket,
          MaxKeys: 1,
          ...(location.key === undefined ? {} : { Prefix: location.key }),
        }),
      );
      return { status: 'valid' };
    } catch (error) {
      return invalid(error);
    }
  }

  const key = location.key as string;
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: key }));
    return {
      status: 'valid',
      object: {
        size: head.ContentLength ?? 0,
        etag: head.ETag,
        lastModified: head.LastModified,
        contentType: head.ContentType,
      },
    };
  } catch (headError) {
    const shape = serviceError(headError);
    const bucketRegion = bucketRegionOf(headError);
    if (
      shape === undefined ||
      shape.Code !== undefined ||
      (bucketRegion !== undefined && bucketRegion !== region)
    ) {
      return invalid(headError);
    }
  }

  try {
    const got = await client.send(
      new GetObjectCommand({ Bucket: location.bucket, Key: key, Range: 'bytes=0-0' }),
    );
    (got.Body as { destroy?: () => void } | undefined)?.destroy?.();
    return {
      status: 'valid',
      object: {
        size: totalSize(got.ContentRange, got.ContentLength),
        etag: got.ETag,
        lastModified: got.LastModified,
        contentType: got.ContentType,
      },
    };
  } catch (getError) {
    // A range on an empty object is unsatisfiable: the object exists and is readable.
    if (serviceError(getError)?.Code === 'InvalidRange') {
      return { status: 'valid', object: { size: 0 } };
    }
    return invalid(getError);
  }
}
