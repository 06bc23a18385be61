import { readFileSync } from 'node:fs';
import path from 'node:path';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import * as contracts from './index';
import {
  CONNECTION_CREATED_V1,
  ReplyError,
  replyTopicOf,
  validatePayload,
  type MessageContract,
} from './index';

/** The part of JSON Schema the document uses; anything else is refused rather than ignored. */
interface JsonSchema {
  $ref?: string;
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  minimum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  description?: string;
}

interface Example {
  name: string;
  headers: Record<string, string>;
  payload: unknown;
}

interface Message {
  name: string;
  headers: JsonSchema;
  payload: JsonSchema;
  bindings: { kafka: { key: JsonSchema } };
  'x-key-property'?: string;
  examples: Example[];
}

interface Channel {
  address: string;
  messages: Record<string, { $ref: string }>;
  'x-version-history': { version: number; topic: string }[];
}

interface Operation {
  action: 'send' | 'receive';
  channel: { $ref: string };
  reply?: { channel: { $ref: string } };
}

interface AsyncApiDocument {
  asyncapi: string;
  channels: Record<string, Channel>;
  operations: Record<string, Operation>;
  components: { schemas: Record<string, JsonSchema>; messages: Record<string, Message> };
}

type AnyContract = MessageContract<object>;
type ValidationMetadata = ReturnType<
  ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']
>[number];

const document = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../../docs/asyncapi.json'), 'utf8'),
) as AsyncApiDocument;

function find<T>(pointer: string): T | undefined {
  if (!pointer.startsWith('#/')) {
    throw new Error(`Only local references are used in the document, not ${pointer}`);
  }
  return pointer
    .slice(2)
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], document) as
    T | undefined;
}

function resolve<T>(pointer: string): T {
  const target = find<T>(pointer);
  if (target === undefined) {
    throw new Error(`docs/asyncapi.json has nothing at ${pointer}`);
  }
  return target;
}

/** Operations on a topic, skipping those whose channel reference is broken (another test names them). */
function operationsOn(topic: string): Operation[] {
  return Object.values(document.operations).filter(
    (operation) => find<Channel>(operation.channel.$ref)?.address === topic,
  );
}

function isContract(value: unknown): value is AnyContract {
  const candidate = value as Partial<AnyContract> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.topic === 'string' &&
    typeof candidate.version === 'number' &&
    typeof candidate.valueClass === 'function' &&
    typeof candidate.keyOf === 'function'
  );
}

/** Every contract the library exports, found the way a newcomer's addition would be: by its shape. */
const exportedContracts: AnyContract[] = (Object.values(contracts) as unknown[]).filter(isContract);

/** Channels named by a concrete topic (the dead-letter convention's address has a `{topic}` parameter). */
const topicChannels = Object.values(document.channels).filter((channel) => !channel.address.includes('{'));

function channelOf(contract: AnyContract): Channel {
  const channel = topicChannels.find((candidate) => candidate.address === contract.topic);
  if (!channel) {
    throw new Error(`${contract.topic} has no channel in docs/asyncapi.json`);
  }
  return channel;
}

function messagesOf(channel: Channel): Message[] {
  return Object.values(channel.messages).map((reference) => resolve<Message>(reference.$ref));
}

const isReply = (contract: AnyContract) => contract.topic.endsWith('.reply');

const cases = exportedContracts.map((contract) => [contract.topic, contract] as const);

const ANNOTATIONS = new Set(['description', 'title', 'examples']);
const KEYWORDS = new Set([
  '$ref',
  'type',
  'format',
  'pattern',
  'enum',
  'minimum',
  'minLength',
  'maxLength',
  'maxItems',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'oneOf',
  ...ANNOTATIONS,
]);

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
    case 'boolean':
      return typeof value === type;
    default:
      throw new Error(`Unsupported type ${type}`);
  }
}

/** Checks `value` against a document schema; returns one line per violation. */
function violations(schema: JsonSchema, value: unknown, at = '$'): string[] {
  const unknown = Object.keys(schema).filter((keyword) => !KEYWORDS.has(keyword));
  if (unknown.length > 0) {
    return [`${at}: unsupported keyword(s) ${unknown.join(', ')}`];
  }
  if (schema.$ref) {
    return violations(resolve<JsonSchema>(schema.$ref), value, at);
  }
  if (schema.oneOf) {
    const passing = schema.oneOf.filter((branch) => violations(branch, value, at).length === 0);
    return passing.length === 1 ? [] : [`${at}: matches ${passing.length} branches of oneOf, not 1`];
  }
  if (schema.type && !typeMatches(schema.type, value)) {
    return [`${at}: is not of type ${schema.type}`];
  }
  const problems: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
      problems.push(`${at}: does not match ${schema.pattern}`);
    }
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      problems.push(`${at}: shorter than ${schema.minLength}`);
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      problems.push(`${at}: longer than ${schema.maxLength}`);
    }
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) {
    problems.push(`${at}: below ${schema.minimum}`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      problems.push(`${at}: more than ${schema.maxItems} items`);
    }
    if (schema.items) {
      const items = schema.items;
      value.forEach((item, index) => problems.push(...violations(items, item, `${at}[${index}]`)));
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (!(name in record)) {
        problems.push(`${at}: misses required property ${name}`);
      }
    }
    for (const [name, item] of Object.entries(record)) {
      const propertySchema = schema.properties?.[name];
      if (propertySchema) {
        problems.push(...violations(propertySchema, item, `${at}.${name}`));
      } else if (schema.additionalProperties === false) {
        problems.push(`${at}: has undocumented property ${name}`);
      }
    }
  }
  return problems;
}

const UUID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$';
const TYPE_OF_DECORATOR: Record<string, string> = {
  isString: 'string',
  isInt: 'integer',
  isNumber: 'number',
  isBoolean: 'boolean',
  isArray: 'array',
  isUuid: 'string',
  isIso8601: 'string',
  matches: 'string',
};

function enumType(values: unknown[]): string {
  const types = new Set(values.map((value) => (Number.isInteger(value) ? 'integer' : typeof value)));
  if (types.size !== 1) {
    throw new Error(`@IsIn with mixed types: ${JSON.stringify(values)}`);
  }
  return [...types][0];
}

/**
 * The JSON schema a property's class-validator decorators mean. Unknown decorators fail the test, so
 * a new kind of rule is mapped here (and documented) before it can drift unnoticed.
 */
function schemaOfProperty(cls: new () => object, property: string, rules: ValidationMetadata[]): JsonSchema {
  const nested = rules.some((rule) => rule.type === ValidationTypes.NESTED_VALIDATION);
  const isArray = rules.some((rule) => rule.name === 'isArray');
  const value: JsonSchema = {};
  const items: JsonSchema = {};
  for (const rule of rules) {
    if (rule.type !== ValidationTypes.CUSTOM_VALIDATION) {
      continue;
    }
    const target = rule.each ? items : value;
    const name = rule.name ?? '';
    if (TYPE_OF_DECORATOR[name] && !target.type) {
      target.type = TYPE_OF_DECORATOR[name];
    }
    switch (name) {
      case 'isString':
      case 'isInt':
      case 'isNumber':
      case 'isBoolean':
      case 'isArray':
        break;
      case 'isUuid':
        Object.assign(target, { format: 'uuid', pattern: UUID_PATTERN });
        break;
      case 'isIso8601':
        target.format = 'date-time';
        break;
      case 'matches':
        target.pattern = (rule.constraints[0] as RegExp).source;
        break;
      case 'isIn': {
        const values = rule.constraints[0] as unknown[];
        target.enum = values;
        target.type ??= enumType(values);
        break;
      }
      case 'isNotEmpty':
        target.minLength = 1;
        break;
      case 'min':
        target.minimum = rule.constraints[0] as number;
        break;
      case 'maxLength':
        target.maxLength = rule.constraints[0] as number;
        break;
      case 'arrayMaxSize':
        target.maxItems = rule.constraints[0] as number;
        break;
      default:
        throw new Error(`${cls.name}.${property}: map @${name} to JSON Schema in asyncapi.spec.ts`);
    }
  }
  if (nested) {
    // class-transformer's @Type decides the nested class: ask it by transforming an empty value.
    const probe = plainToInstance(cls, { [property]: isArray ? [{}] : {} }) as Record<string, unknown>;
    const instance = isArray ? (probe[property] as unknown[])[0] : probe[property];
    const reference = { $ref: `#/components/schemas/${(instance as object).constructor.name}` };
    if (isArray) {
      return { ...value, type: 'array', items: reference };
    }
    return reference;
  }
  if (isArray) {
    value.items = items;
  }
  return value;
}

/** What the document must say about a class: its properties, their rules, which are required, nothing else. */
function schemaOfClass(cls: new () => object): JsonSchema {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const rule of metadata) {
    byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  }
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [property, rules] of byProperty) {
    properties[property] = schemaOfProperty(cls, property, rules);
    if (!rules.some((rule) => rule.type === ValidationTypes.CONDITIONAL_VALIDATION)) {
      required.push(property);
    }
  }
  return { type: 'object', additionalProperties: false, required: required.sort(), properties };
}

/** The documented schema without its prose, with `required` sorted, for comparison. */
function withoutAnnotations(schema: JsonSchema): JsonSchema {
  const entries = Object.entries(schema)
    .filter(([keyword]) => !ANNOTATIONS.has(keyword))
    .map(([keyword, value]): [string, unknown] => {
      switch (keyword) {
        case 'properties':
          return [
            keyword,
            Object.fromEntries(
              Object.entries(value as Record<string, JsonSchema>).map(([name, item]) => [
                name,
                withoutAnnotations(item),
              ]),
            ),
          ];
        case 'items':
          return [keyword, withoutAnnotations(value as JsonSchema)];
        case 'required':
          return [keyword, [...(value as string[])].sort()];
        default:
          return [keyword, value];
      }
    });
  return Object.fromEntries(entries) as JsonSchema;
}

function payloadSchemaOf(message: Message): JsonSchema {
  return message.payload.$ref ? resolve<JsonSchema>(message.payload.$ref) : message.payload;
}

/** The value class instance an example stands for (a reply's `value`), validated by the library itself. */
function validatedExample(contract: AnyContract, example: Example): object {
  const where = `${contract.topic} example "${example.name}"`;
  if (!isReply(contract)) {
    return validatePayload(contract.valueClass, example.payload, where);
  }
  const body = example.payload as { ok: boolean; value?: unknown; error?: unknown };
  return body.ok
    ? validatePayload(contract.valueClass, body.value, where)
    : validatePayload(ReplyError, body.error, `${where} error`);
}

describe('docs/asyncapi.json', () => {
  it('should be an AsyncAPI 3.0 document', () => {
    expect(document.asyncapi).toBe('3.0.0');
  });

  it('should find the contracts by scanning the exports of @s3c/contracts', () => {
    expect(exportedContracts).toContain(CONNECTION_CREATED_V1);
    expect(exportedContracts.length).toBeGreaterThanOrEqual(19);
  });

  it('should have one channel per exported contract, and no channel without a contract', () => {
    const documented = topicChannels.map((channel) => channel.address).sort();
    const exported = exportedContracts.map((contract) => contract.topic).sort();

    expect(documented).toEqual(exported);
  });

  it('should document the dead-letter convention as `{topic}.dlq`', () => {
    const deadLetters = Object.values(document.channels).filter((channel) => channel.address.includes('{'));

    expect(deadLetters.map((channel) => channel.address)).toEqual(['{topic}.dlq']);
    expect(messagesOf(deadLetters[0]).map((message) => message.headers.$ref)).toEqual([
      '#/components/schemas/DeadLetterHeaders',
    ]);
  });

  it.each(cases)('should give %s a version history ending at its version', (_topic, contract) => {
    const history = channelOf(contract)['x-version-history'];

    expect(history.at(-1)).toMatchObject({ version: contract.version, topic: contract.topic });
  });

  it.each(cases)('should give %s examples that the library accepts', (_topic, contract) => {
    const examples = messagesOf(channelOf(contract)).flatMap((message) => message.examples);

    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      expect(validatedExample(contract, example)).toBeInstanceOf(Object);
    }
  });

  it.each(cases)(
    'should give %s examples that satisfy the documented schemas, every required property included',
    (_topic, contract) => {
      const problems = messagesOf(channelOf(contract)).flatMap((message) =>
        message.examples.flatMap((example) => [
          ...violations(message.payload, example.payload, `${example.name}.payload`),
          ...violations(message.headers, example.headers, `${example.name}.headers`),
        ]),
      );

      expect(problems).toEqual([]);
    },
  );

  it.each(cases)('should carry the schema-version of %s in its example headers', (_topic, contract) => {
    const versions = messagesOf(channelOf(contract)).flatMap((message) =>
      message.examples.map((example) => example.headers['schema-version']),
    );

    expect(new Set(versions)).toEqual(new Set([String(contract.version)]));
  });

  it.each(cases.filter(([, contract]) => !isReply(contract)))(
    'should name the payload property %s is keyed by, agreeing with keyOf',
    (_topic, contract) => {
      for (const message of messagesOf(channelOf(contract))) {
        const keyProperty = message['x-key-property'] ?? '';
        for (const example of message.examples) {
          const key = contract.keyOf(validatedExample(contract, example));

          expect((example.payload as Record<string, unknown>)[keyProperty]).toBe(key);
          expect(violations(message.bindings.kafka.key, key)).toEqual([]);
        }
      }
    },
  );

  it.each(cases.filter(([, contract]) => !isReply(contract)))(
    'should document the payload schema of %s exactly as its class-validator decorators say',
    (_topic, contract) => {
      const documented = messagesOf(channelOf(contract)).map((message) =>
        withoutAnnotations(payloadSchemaOf(message)),
      );

      expect(documented).toEqual([schemaOfClass(contract.valueClass)]);
    },
  );

  it('should document every schema named after an exported class exactly as its decorators say', () => {
    const exportedClasses = new Map(
      Object.entries(contracts).filter(([, value]) => typeof value === 'function') as [
        string,
        new () => object,
      ][],
    );
    const named = Object.entries(document.components.schemas).filter(([name]) => exportedClasses.has(name));

    expect(named.length).toBeGreaterThanOrEqual(20);
    for (const [name, schema] of named) {
      const cls = exportedClasses.get(name) as new () => object;
      expect({ name, schema: withoutAnnotations(schema) }).toEqual({ name, schema: schemaOfClass(cls) });
    }
  });

  it('should reference only things that exist', () => {
    const references = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    const missing = references
      .map((reference) => (JSON.parse(`{${reference}}`) as { $ref: string }).$ref)
      .filter((reference) => find(reference) === undefined);

    expect(references.length).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it.each(cases.filter(([, contract]) => contract.kind === 'request' && !isReply(contract)))(
    'should document who answers %s and on which reply channel',
    (_topic, contract) => {
      const answers = operationsOn(contract.topic).filter((operation) => operation.reply);

      expect(
        answers.map((operation) => find<Channel>(operation.reply?.channel.$ref ?? '#/')?.address),
      ).toEqual([replyTopicOf(contract.topic)]);
    },
  );

  it.each(cases.filter(([, contract]) => !isReply(contract)))(
    'should name the producer of %s',
    (_topic, contract) => {
      const senders = operationsOn(contract.topic).filter((operation) => operation.action === 'send');

      expect(senders).toHaveLength(1);
    },
  );
});
