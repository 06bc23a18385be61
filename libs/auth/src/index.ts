export { AuthErrorCode, AuthException, isAuthException, toAccessProblem } from './auth.exception';
export type { AccessProblem, AuthExceptionOptions } from './auth.exception';

// S3 locations and region rules
export { S3_PROVIDERS } from './s3-location.types';
export type { S3Endpoint, S3Location, S3LocationKind, S3Provider } from './s3-location.types';
export {
  assertValidBucketName,
  assertValidObjectKey,
  locationKind,
  parseS3Endpoint,
  parseS3Location,
  resolveLocation,
  toS3Uri,
} from './s3-location.parser';
export {
  assertRegionMatchesLocation,
  assertValidRegion,
  isAwsRegion,
  isValidRegion,
  partitionForRegion,
} from './region.rules';
export type { AwsPartition } from './region.rules';

// External IDs, role ARNs, policies
export {
  assertValidDomain,
  DOMAIN_PATTERN,
  generateExternalId,
  isValidExternalId,
  parseExternalId,
} from './external-id';
export type { ParsedExternalId } from './external-id';
export { isValidRoleArn, parseRoleArn } from './role-arn.parser';
export type { ParsedRoleArn } from './role-arn.parser';
export {
  buildAccessPolicy,
  buildTrustPolicy,
  externalIdCondition,
  principalArnFromCallerArn,
} from './iam-policy.builder';
export type { PolicyDocument, PolicyStatement } from './iam-policy.builder';

// STS
export type { AwsSessionCredentials, PlatformCredentials, StsClientLike } from './sts.types';
export { createPlatformStsClient } from './sts-client.factory';
export type { PlatformStsClientOptions } from './sts-client.factory';
export {
  assertSessionDuration,
  assumeRole,
  DEFAULT_SESSION_DURATION_SECONDS,
  MAX_SESSION_DURATION_SECONDS,
  MIN_SESSION_DURATION_SECONDS,
  roleSessionName,
} from './assume-role';
export type { AssumeRoleParams } from './assume-role';
export { PlatformIdentity } from './platform-identity';
export type { PlatformIdentityInfo } from './platform-identity';
export { AssumeRoleSessionCache, MIN_REFRESH_MARGIN_SECONDS } from './assume-role-session.cache';
export type { AssumeRoleSessionCacheOptions, RoleSessionIssued, RoleSessionKey } from './assume-role-session.cache';

// Egress guard and S3 clients
export { classifyAddress, isIpLiteral } from './ip-address';
export type { AddressClass } from './ip-address';
export { createEgressGuard, EgressGuard } from './egress.guard';
export type { EgressGuardOptions, GuardedAgentOptions, GuardedAgents, HostResolver } from './egress.guard';
export { createS3Client, normalizeCustomHeaders } from './s3-client.factory';
export type { CreateS3ClientOptions, S3ClientLike, S3Credentials } from './s3-client.factory';

// Diagnosis, probes, validation
export { bucketRegionOf, diagnoseAwsError, ROLE_NOT_ASSUMABLE_MESSAGE } from './aws-error.diagnosis';
export type { DiagnosisContext, DiagnosisOperation } from './aws-error.diagnosis';
export { probeLocation } from './s3-location.probe';
export type { ObjectMetadata, ProbeOptions, ProbeResult } from './s3-location.probe';
export { validateConnectionAccess } from './connection-access.validator';
export type {
  ConnectionAccessDependencies,
  ConnectionAccessRequest,
  ConnectionValidationResult,
  S3ClientRequest,
} from './connection-access.validator';

// Sealing (bus) and encryption at rest
export {
  generateSealingKeyPair,
  isSealedEnvelope,
  open,
  openJson,
  seal,
  SEALING_ALGORITHM,
  sealingKeyId,
} from './sealed-envelope';
export type { SealAad, SealedEnvelope, SealingKeyPair } from './sealed-envelope';
export { canonicalContext } from './key-encryption-key.provider';
export type {
  EncryptionContext,
  KeyEncryptionKeyProvider,
  WrappedDataKey,
} from './key-encryption-key.provider';
export { LocalFileKeyProvider } from './local-file-key.provider';
export { KmsKeyProvider } from './kms-key.provider';
export type { KmsClientLike } from './kms-key.provider';
export { decryptSecret, encryptSecret, reencryptSecret } from './secret-encryption';
export type { EncryptedSecret, SecretContext, SecretEncryptionOptions } from './secret-encryption';
