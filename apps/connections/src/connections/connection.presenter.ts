import type { ConnectionRecord } from './connections.repository';
import type { ConnectionView } from './connection.dto';
import type { ConnectionsService } from './connections.service';

/** The REST shape of a connection, in the product's snake_case words. No secret ever appears here. */
export function presentConnection(record: ConnectionRecord, service: Pick<ConnectionsService, 'setupOf'>): ConnectionView {
  const { auth } = record;
  const setup = service.setupOf(record);
  return {
    id: record._id,
    title: record.title,
    type: record.type,
    status: record.status,
    status_reason: record.statusReason
      ? { code: record.statusReason.code, message: record.statusReason.message, ...(record.statusReason.hint ? { hint: record.statusReason.hint } : {}) }
      : null,
    auth:
      auth.method === 'iam_role'
        ? {
            method: auth.method,
            region: auth.region,
            role_arn: auth.roleArn ?? null,
            external_id: auth.externalId,
            ods_aws_account_id: auth.odsAwsAccountId,
          }
        : {
            method: auth.method,
            region: auth.region,
            url: auth.url,
            ...(auth.method === 'sigv4' ? { access_key: auth.accessKey, secret_access_key_set: auth.secretAccessKeySet } : {}),
            header_names: auth.headerNames,
          },
    ...(setup
      ? { setup: { trust_policy: setup.trustPolicy, access_policy_example: setup.accessPolicyExample, principal_arn: setup.principalArn } }
      : {}),
    revision: record.revision,
    created_at: new Date(record.createdAt).toISOString(),
    updated_at: new Date(record.updatedAt).toISOString(),
  };
}
