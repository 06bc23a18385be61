export const S3_PROVIDERS = ['aws', 'ovh', 'scaleway', 'r2', 'wasabi', 'custom'] as const;
export type S3Provider = (typeof S3_PROVIDERS)[number];

/** Where S3 requests go, independently of any bucket. */
export interface S3Endpoint {
  /** Service endpoint without the bucket; undefined means the AWS default endpoint of the region. */
  endpoint: string | undefined;
  /** The region named by the host, if any (e.g. `eu-west-3`, `bhs`, `auto`). */
  region: string | undefined;
  forcePathStyle: boolean;
  provider: S3Provider;
}

/** A bucket, a prefix (key ending in `/`) or an object (any other key) on an endpoint. */
export interface S3Location extends S3Endpoint {
  bucket: string;
  /** Decoded object key or prefix; undefined when the location names the whole bucket. */
  key: string | undefined;
}

export type S3LocationKind = 'bucket' | 'prefix' | 'object';
