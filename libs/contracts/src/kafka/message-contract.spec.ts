import { randomUUID } from 'node:crypto';
import {
  CONNECTION_CREATED_V1,
  ContractErrorCode,
  ContractViolationError,
  decodeJson,
  defineContract,
  validatePayload,
} from '../index';

function validSnapshot() {
  return {
    connectionId: randomUUID(),
    domain: 'mvdomain',
    title: 'Water quality bucket',
    type: 's3',
    auth: { method: 'iam_role', region: 'eu-west-3', secretAccessKeySet: false, headerNames: [] },
    status: 'invalid',
    statusReason: { code: 'ROLE_ARN_MISSING', message: 'role_arn is not set' },
    revision: 1,
    occurredAt: new Date().toISOString(),
  };
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof ContractViolationError ? error.code : 'UNEXPECTED';
  }
  return undefined;
}

describe('message contracts', () => {
  it('should accept a valid payload and build an instance of the value class', () => {
    const value = validatePayload(CONNECTION_CREATED_V1.valueClass, validSnapshot(), 'value');

    expect(value).toBeInstanceOf(CONNECTION_CREATED_V1.valueClass);
    expect(CONNECTION_CREATED_V1.keyOf(value)).toBe(value.connectionId);
  });

  it.each([
    ['a missing field', { ...validSnapshot(), title: undefined }],
    ['an unknown field', { ...validSnapshot(), secretAccessKey: 'leak' }],
    ['a wrong enum value', { ...validSnapshot(), status: 'maybe' }],
    ['an invalid nested auth', { ...validSnapshot(), auth: { method: 'password' } }],
    ['a bad domain', { ...validSnapshot(), domain: 'Not A Domain' }],
    ['an array', [validSnapshot()]],
    ['null', null],
  ])('should refuse %s with MESSAGE_INVALID_PAYLOAD', (_label, payload) => {
    expect(codeOf(() => validatePayload(CONNECTION_CREATED_V1.valueClass, payload, 'value'))).toBe(
      ContractErrorCode.InvalidPayload,
    );
  });

  it('should refuse bytes that are not JSON with MESSAGE_INVALID_JSON', () => {
    expect(codeOf(() => decodeJson(Buffer.from('{"half":'), 'value'))).toBe(ContractErrorCode.InvalidJson);
    expect(codeOf(() => decodeJson(null, 'value'))).toBe(ContractErrorCode.InvalidJson);
  });

  it('should refuse a topic that breaks the naming grammar or omits its version', () => {
    const base = { version: 1, kind: 'event' as const, valueClass: Object, keyOf: () => 'k' };

    expect(() => defineContract({ ...base, topic: 'connections-created' })).toThrow(/does not follow/);
    expect(() => defineContract({ ...base, topic: 's3connector.connection.created.v2' })).toThrow(
      /does not carry its version/,
    );
  });
});
