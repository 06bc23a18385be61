import type { STSClient } from '@aws-sdk/client-sts';

/** Temporary credentials from STS AssumeRole. */
export interface AwsSessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Long-term or temporary credentials of the platform's own AWS identity. */
export interface PlatformCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What the STS helpers need from a client; unit tests stub `send`. */
export type StsClientLike = Pick<STSClient, 'send'>;
