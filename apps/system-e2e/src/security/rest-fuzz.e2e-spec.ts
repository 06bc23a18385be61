import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import {
  type ApiAnswer,
  ApiClient,
  bucketReaderPolicy,
  ConnectorStack,
  createBucketWith,
  createIamUser,
  localAwsClients,
  uniqueName,
  waitFor,
} from '@s3c/testing';

/** The part of an OpenAPI 3 document the fuzzer reads. */
interface SchemaObject {
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  allOf?: SchemaObject[];
  $ref?: string;
}

interface ParameterObject {
  name: string;
  in: string;
  schema?: SchemaObject;
}

interface OperationObject {
  parameters?: ParameterObject[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

type RestApp = 'connections' | 'dataset-import';

const CASE_KINDS = [
  'hostile path id',
  'wrong type',
  'unknown field',
  'missing required field',
  'huge body',
  'malformed JSON',
  'top-level JSON',
  'deep nesting',
  'content type',
  'query parameter',
  'no or wrong API key',
  'undocumented method',
] as const;
type CaseKind = (typeof CASE_KINDS)[number];

/**
 * `rejected`: any 4xx; `answered`: anything below 500 (a valid request may succeed); a list: one of
 * these statuses. Every 4xx must carry the coded error body whatever the expectation.
 */
type Expectation = 'rejected' | 'answered' | number[];

interface FuzzCase {
  app: RestApp;
  /** `METHOD /documented/{path}`: what the summary counts by. */
  route: string;
  kind: CaseKind;
  label: string;
  method: string;
  /** Already encoded: hostile ids are sent byte for byte. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  expect: Expectation;
  /** The error code the answer must carry, when the case is about one. */
  code?: string;
}

interface Outcome {
  status: number;
  text: string;
  error?: string;
}

const JSON_TYPE = 'application/json';
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const STABLE_CODE = /^[A-Z][A-Z0-9_]*$/;
const CONCURRENCY = 6;
const MIB = 1024 * 1024;
const WRONG_VALUES: Record<string, unknown> = {
  string: 'fuzz',
  number: 12345,
  boolean: true,
  array: ['fuzz'],
  object: { fuzz: 1 },
  null: null,
};
/** Keys that reach object prototypes when a parser or a transformer assigns them naively. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

function typeOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  return Array.isArray(value) ? 'array' : typeof value;
}

/** A JSON object with an own property of any name, `__proto__` included. */
function withOwnKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function nested(depth: number, open: string, close: string, inner = '1'): string {
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

/** One HTTP exchange with raw control over path, headers and body bytes (no client-side checks). */
function send(baseUrl: string, fuzzCase: FuzzCase): Promise<Outcome> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (!settled) {
        settled = true;
        resolve(outcome);
      }
    };
    const headers: Record<string, string | number> = { ...fuzzCase.headers };
    if (fuzzCase.body !== undefined) {
      headers['content-length'] = Buffer.byteLength(fuzzCase.body);
    }
    const request = httpRequest(
      { hostname, port, method: fuzzCase.method, path: fuzzCase.path, headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          settle({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', (error) => settle({ status: 0, text: '', error: error.message }));
      },
    );
    request.setTimeout(60_000, () => request.destroy(new Error('no answer within 60 s')));
    // A server refusing a huge body early may close the socket while the upload still runs: the
    // answer, when it came, is what counts.
    request.on('error', (error) =>
      setTimeout(() => settle({ status: 0, text: '', error: error.message }), 200),
    );
    request.end(fuzzCase.body);
  });
}

/** Why an answer breaks the rules, or undefined when it keeps them. */
function judge(fuzzCase: FuzzCase, outcome: Outcome): string | undefined {
  if (outcome.status === 0) {
    return `no answer (${outcome.error ?? 'connection closed'})`;
  }
  if (outcome.status >= 500) {
    return `status ${outcome.status}: ${outcome.text.slice(0, 300)}`;
  }
  let code: unknown;
  if (outcome.status >= 400) {
    try {
      code = (JSON.parse(outcome.text) as { error?: { code?: unknown } }).error?.code;
    } catch {
      return `status ${outcome.status} without a JSON body: ${outcome.text.slice(0, 200)}`;
    }
    if (typeof code !== 'string' || !STABLE_CODE.test(code)) {
      return `status ${outcome.status} without a stable error.code: ${outcome.text.slice(0, 200)}`;
    }
  }
  if (fuzzCase.expect === 'rejected' && outcome.status < 400) {
    return `accepted with ${outcome.status}, expected a 4xx: ${outcome.text.slice(0, 200)}`;
  }
  if (Array.isArray(fuzzCase.expect) && !fuzzCase.expect.includes(outcome.status)) {
    return `status ${outcome.status}, expected ${fuzzCase.expect.join(' or ')}: ${outcome.text.slice(0, 200)}`;
  }
  if (fuzzCase.code && code !== fuzzCase.code) {
    return `code ${String(code)}, expected ${fuzzCase.code}`;
  }
  return undefined;
}

async function inPool<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await run(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

/** What the fuzzer fills path parameters and uuid body fields with, per app. */
interface AppFixtures {
  /** Ids that exist in the caller's domain, by path parameter name. */
  existing: Record<string, string>;
  /** Ids that exist, but in another domain. */
  otherDomain: Record<string, string>;
  /** A value for `format: uuid` body fields (a connection the caller may use). */
  uuid: string;
}

/** Derives every case from one OpenAPI document: every path × method, its parameters and body schema. */
class CaseBuilder {
  readonly cases: FuzzCase[] = [];
  readonly unknownParameters = new Set<string>();

  constructor(
    private readonly app: RestApp,
    private readonly document: OpenApiDocument,
    private readonly fixtures: AppFixtures,
    private readonly apiKey: string,
  ) {}

  build(): this {
    for (const [template, operations] of Object.entries(this.document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (HTTP_METHODS.includes(method)) {
          this.operationCases(template, method.toUpperCase(), operation);
        }
      }
      this.undocumentedMethodCases(template, Object.keys(operations));
    }
    return this;
  }

  private resolve(schema: SchemaObject | undefined): SchemaObject {
    if (!schema) {
      return {};
    }
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      return this.resolve(this.document.components?.schemas?.[name]);
    }
    if (schema.allOf?.length === 1) {
      const { allOf, ...rest } = schema;
      return { ...this.resolve(allOf[0]), ...rest };
    }
    return schema;
  }

  /** A plausible value: required properties only, enum/example/format first. */
  private sample(schema: SchemaObject | undefined): unknown {
    const resolved = this.resolve(schema);
    if (resolved.enum?.length) {
      return resolved.enum[0];
    }
    if (resolved.format === 'uuid') {
      return this.fixtures.uuid;
    }
    if (resolved.example !== undefined) {
      return resolved.example;
    }
    switch (resolved.type ?? 'object') {
      case 'string':
        return 'fuzz';
      case 'number':
      case 'integer':
        return resolved.minimum ?? 1;
      case 'boolean':
        return true;
      case 'array':
        return [this.sample(resolved.items)];
      default: {
        const value: Record<string, unknown> = {};
        for (const name of resolved.required ?? []) {
          value[name] = this.sample(resolved.properties?.[name]);
        }
        return value;
      }
    }
  }

  /** Every property path of a body schema; `[]` steps into the items of an array. */
  private propertyPaths(
    schema: SchemaObject,
    prefix: string[] = [],
  ): { path: string[]; schema: SchemaObject; required: boolean }[] {
    const found: { path: string[]; schema: SchemaObject; required: boolean }[] = [];
    const resolved = this.resolve(schema);
    for (const [name, property] of Object.entries(resolved.properties ?? {})) {
      const child = this.resolve(property);
      const path = [...prefix, name];
      found.push({ path, schema: child, required: (resolved.required ?? []).includes(name) });
      if (child.properties) {
        found.push(...this.propertyPaths(child, path));
      }
      const items = this.resolve(child.items);
      if (child.type === 'array' && items.properties) {
        found.push(...this.propertyPaths(items, [...path, '[]']));
      }
    }
    return found;
  }

  /** Sets a value deep in a body, creating the (valid) parents it needs. */
  private setAt(body: unknown, path: string[], value: unknown, schema: SchemaObject): unknown {
    const copy = clone(body);
    let cursor = copy as Record<string, unknown> | unknown[];
    let cursorSchema = this.resolve(schema);
    for (const step of path.slice(0, -1)) {
      if (step === '[]') {
        const items = cursor as unknown[];
        if (items.length === 0) {
          items.push(this.sample(cursorSchema.items));
        }
        cursor = items[0] as Record<string, unknown>;
        cursorSchema = this.resolve(cursorSchema.items);
        continue;
      }
      const object = cursor as Record<string, unknown>;
      const stepSchema = this.resolve(cursorSchema.properties?.[step]);
      if (object[step] === undefined || object[step] === null) {
        object[step] = this.sample(stepSchema);
      }
      cursor = object[step] as Record<string, unknown>;
      cursorSchema = stepSchema;
    }
    const last = path[path.length - 1];
    if (last === '[]') {
      (cursor as unknown[]).splice(0, 1, value);
    } else if (value === undefined) {
      delete (cursor as Record<string, unknown>)[last];
    } else {
      withOwnKey(cursor as Record<string, unknown>, last, value);
    }
    return copy;
  }

  private push(partial: Omit<FuzzCase, 'app' | 'headers'> & { headers?: Record<string, string> }): void {
    this.cases.push({
      app: this.app,
      ...partial,
      headers: { authorization: `Apikey ${this.apiKey}`, ...partial.headers },
    });
  }

  private fill(template: string, values: Record<string, string>): string {
    return template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
      const value = values[name] ?? this.fixtures.existing[name];
      if (value !== undefined) {
        return value;
      }
      // A parameter this suite has no fixture for still gets every hostile value; it is named in the summary.
      this.unknownParameters.add(`${this.app} ${template} {${name}}`);
      return randomUUID();
    });
  }

  private operationCases(template: string, method: string, operation: OperationObject): void {
    const route = `${method} ${template}`;
    const path = this.fill(template, {});
    const parameters = operation.parameters ?? [];
    this.hostileIdCases(route, method, template, parameters);
    this.queryCases(route, method, path, parameters);
    this.authenticationCases(route, method, path);
    const bodySchema = operation.requestBody?.content?.[JSON_TYPE]?.schema;
    if (bodySchema) {
      this.bodyCases(route, method, path, this.resolve(bodySchema));
    }
  }

  private hostileIdCases(
    route: string,
    method: string,
    template: string,
    parameters: ParameterObject[],
  ): void {
    for (const parameter of parameters.filter((candidate) => candidate.in === 'path')) {
      const hostile: [string, string][] = [
        ['very long', 'x'.repeat(8_000)],
        ['unicode', encodeURIComponent('données-📊-Ω-\u202e')],
        ['encoded ../', '..%2F..%2Fetc%2Fpasswd'],
        ['encoded NUL', 'abc%00def'],
        ['broken percent-encoding', '%E0%A4%A'],
        ['ObjectId-like', '507f1f77bcf86cd799439011'],
        ['unknown uuid', randomUUID()],
        ['nil uuid', '00000000-0000-0000-0000-000000000000'],
        ['query operator', encodeURIComponent('{"$ne":null}')],
        ['regular expression', encodeURIComponent('.*')],
      ];
      const otherDomain = this.fixtures.otherDomain[parameter.name];
      if (otherDomain) {
        hostile.push(["another domain's id", otherDomain]);
      }
      for (const [label, value] of hostile) {
        this.push({
          route,
          kind: 'hostile path id',
          label: `{${parameter.name}} ${label}`,
          method,
          path: this.fill(template, { [parameter.name]: value }),
          expect: 'rejected',
        });
      }
      // Beyond Node's 16 KiB limit for the request line and headers: refused before any middleware runs.
      this.push({
        route,
        kind: 'hostile path id',
        label: `{${parameter.name}} over the 16 KiB header limit`,
        method,
        path: this.fill(template, { [parameter.name]: 'x'.repeat(20_000) }),
        expect: [431],
        code: 'HEADERS_TOO_LARGE',
      });
    }
  }

  private queryCases(route: string, method: string, path: string, parameters: ParameterObject[]): void {
    const query = parameters.filter((parameter) => parameter.in === 'query');
    if (query.length === 0) {
      return;
    }
    for (const parameter of query) {
      const schema = this.resolve(parameter.schema);
      const numeric = schema.type === 'number' || schema.type === 'integer';
      const beyondMaximum: Expectation = schema.maximum !== undefined ? 'rejected' : 'answered';
      const values: [string, string, Expectation][] = numeric
        ? [
            ['abc', 'abc', 'rejected'],
            ['-1', '-1', (schema.minimum ?? -Infinity) > -1 ? 'rejected' : 'answered'],
            ['10^12', '1000000000000', beyondMaximum],
            ['1e12', '1e12', beyondMaximum],
            ['2^53 + 1', '9007199254740993', beyondMaximum],
            ['1e400 (Infinity)', '1e400', 'rejected'],
            ['NaN', 'NaN', 'rejected'],
            ['1.5', '1.5', 'answered'],
            ['empty', '', 'answered'],
            ['hexadecimal', '0x10', 'answered'],
            ['very long', '9'.repeat(5_000), 'rejected'],
          ]
        : [
            ['very long', 'x'.repeat(5_000), 'answered'],
            ['unicode', encodeURIComponent('données-📊'), 'answered'],
          ];
      for (const [label, value, expect] of values) {
        this.push({
          route,
          kind: 'query parameter',
          label: `${parameter.name}=${label}`,
          method,
          path: `${path}?${parameter.name}=${value}`,
          expect,
        });
      }
      this.push({
        route,
        kind: 'query parameter',
        label: `${parameter.name} twice`,
        method,
        path: `${path}?${parameter.name}=1&${parameter.name}=2`,
        expect: 'rejected',
      });
      this.push({
        route,
        kind: 'query parameter',
        label: `${parameter.name}[]`,
        method,
        path: `${path}?${parameter.name}[]=1`,
        expect: 'rejected',
      });
      this.push({
        route,
        kind: 'query parameter',
        label: `${parameter.name}[a]`,
        method,
        path: `${path}?${parameter.name}[a]=1`,
        expect: 'rejected',
      });
    }
    for (const unknown of ['fuzz_unknown', ...PROTOTYPE_KEYS]) {
      this.push({
        route,
        kind: 'query parameter',
        label: `unknown ${unknown}`,
        method,
        path: `${path}?${unknown}=1`,
        expect: 'rejected',
      });
    }
  }

  private authenticationCases(route: string, method: string, path: string): void {
    const [, keyId] = /^s3c_([a-z0-9]{16})_/.exec(this.apiKey) ?? [];
    const wrongKeys: [string, string | undefined][] = [
      ['no Authorization header', undefined],
      ['not an API key', 'Apikey not-a-key'],
      ['Bearer scheme', `Bearer ${this.apiKey}`],
      ['known key id, wrong secret', `Apikey s3c_${keyId}_${'A'.repeat(43)}`],
      ['unknown key', `Apikey s3c_${'0'.repeat(16)}_${'A'.repeat(43)}`],
    ];
    for (const [label, authorization] of wrongKeys) {
      this.cases.push({
        app: this.app,
        route,
        kind: 'no or wrong API key',
        label,
        method,
        path,
        headers: authorization ? { authorization } : {},
        expect: [401],
        code: 'UNAUTHORIZED',
      });
    }
    this.cases.push({
      app: this.app,
      route,
      kind: 'no or wrong API key',
      label: 'key over the 16 KiB header limit',
      method,
      path,
      headers: { authorization: `Apikey ${'A'.repeat(20_000)}` },
      expect: [431],
      code: 'HEADERS_TOO_LARGE',
    });
  }

  private undocumentedMethodCases(template: string, documented: string[]): void {
    const path = this.fill(template, {});
    for (const method of HTTP_METHODS.filter((candidate) => !documented.includes(candidate))) {
      this.push({
        route: `(other methods) ${template}`,
        kind: 'undocumented method',
        label: method.toUpperCase(),
        method: method.toUpperCase(),
        path,
        expect: [404, 405],
      });
    }
  }

  private bodyCases(route: string, method: string, path: string, schema: SchemaObject): void {
    const base = this.sample(schema) as Record<string, unknown>;
    const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': JSON_TYPE } });
    const common = { route, method, path };
    const properties = this.propertyPaths(schema);
    const tooDeep = { expect: [400], code: 'BODY_TOO_DEEP' };

    for (const { path: propertyPath, schema: property } of properties) {
      const name = propertyPath.join('.');
      const ownType = property.type === 'integer' ? 'number' : property.type;
      for (const [type, value] of Object.entries(WRONG_VALUES)) {
        if (type === ownType) {
          continue;
        }
        const expect: Expectation = type === 'null' && property.nullable ? 'answered' : 'rejected';
        this.push({
          ...common,
          kind: 'wrong type',
          label: `${name}: ${type}`,
          ...json(this.setAt(base, propertyPath, value, schema)),
          expect,
        });
      }
      if (property.enum?.length) {
        this.push({
          ...common,
          kind: 'wrong type',
          label: `${name}: not in enum`,
          ...json(this.setAt(base, propertyPath, 'fuzz-not-in-enum', schema)),
          expect: 'rejected',
        });
      }
      if (ownType === 'string') {
        this.push({
          ...common,
          kind: 'wrong type',
          label: `${name}: 100 000 characters`,
          ...json(this.setAt(base, propertyPath, 'x'.repeat(100_000), schema)),
          expect: 'rejected',
        });
      }
    }

    const containers = [
      [],
      ...properties
        .filter(({ schema: property }) => property.properties)
        .map(({ path: propertyPath }) => propertyPath),
    ];
    for (const container of containers) {
      const where = container.length ? container.join('.') : 'top level';
      for (const key of ['fuzz_unknown_field', ...PROTOTYPE_KEYS]) {
        const body = container.length
          ? this.setAt(base, [...container, key], { polluted: true }, schema)
          : withOwnKey(clone(base), key, { polluted: true });
        this.push({
          ...common,
          kind: 'unknown field',
          label: `${where}: ${key}`,
          ...json(body),
          expect: [400],
          code: 'VALIDATION_FAILED',
        });
      }
      const deep = container.length
        ? JSON.stringify(this.setAt(base, [...container, 'fuzz_deep'], 0, schema)).replace(
            '"fuzz_deep":0',
            `"fuzz_deep":${nested(10_000, '{"a":', '}')}`,
          )
        : `{"fuzz_deep":${nested(10_000, '{"a":', '}')}}`;
      this.push({
        ...common,
        kind: 'deep nesting',
        label: `${where}: 10 000 nested objects`,
        body: deep,
        headers: { 'content-type': JSON_TYPE },
        ...tooDeep,
      });
    }
    for (const { path: propertyPath, schema: property } of properties.filter(
      ({ schema: candidate }) => candidate.properties,
    )) {
      const body = JSON.stringify(this.setAt(base, propertyPath, 0, schema)).replace(
        `"${propertyPath[propertyPath.length - 1]}":0`,
        `"${propertyPath[propertyPath.length - 1]}":${nested(10_000, '{"a":', '}')}`,
      );
      this.push({
        ...common,
        kind: 'deep nesting',
        label: `${propertyPath.join('.')} (${property.type ?? 'object'}) 10 000 levels deep`,
        body,
        headers: { 'content-type': JSON_TYPE },
        ...tooDeep,
      });
    }
    this.push({
      ...common,
      kind: 'deep nesting',
      label: '100 000 nested arrays',
      body: nested(100_000, '[', ']'),
      headers: { 'content-type': JSON_TYPE },
      ...tooDeep,
    });

    for (const { path: propertyPath } of properties.filter(({ required }) => required)) {
      // Only where the parent is in the base body, i.e. along chains of required properties.
      if (propertyPath.includes('[]') || !this.presentParent(base, propertyPath)) {
        continue;
      }
      this.push({
        ...common,
        kind: 'missing required field',
        label: propertyPath.join('.'),
        ...json(this.setAt(base, propertyPath, undefined, schema)),
        expect: 'rejected',
      });
    }
    if ((schema.required ?? []).length > 0) {
      this.push({
        ...common,
        kind: 'missing required field',
        label: 'empty object',
        ...json({}),
        expect: 'rejected',
      });
      this.push({
        ...common,
        kind: 'missing required field',
        label: 'no body',
        headers: { 'content-type': JSON_TYPE },
        expect: 'rejected',
      });
    }

    const huge = (bytes: number) => `{"fuzz":"${'x'.repeat(bytes)}"}`;
    for (const [label, bytes] of [
      ['300 KiB', 300 * 1024],
      ['2 MiB', 2 * MIB],
      ['20 MiB', 20 * MIB],
    ] as const) {
      this.push({
        ...common,
        kind: 'huge body',
        label,
        body: huge(bytes),
        headers: { 'content-type': JSON_TYPE },
        expect: [413],
        code: 'PAYLOAD_TOO_LARGE',
      });
    }

    const malformed: [string, string | Buffer, string | undefined][] = [
      ['truncated', '{"title": ', 'INVALID_JSON'],
      ['unquoted key', '{title: 1}', 'INVALID_JSON'],
      ['single quotes', "{'title': 'x'}", 'INVALID_JSON'],
      ['trailing comma', '{"title": "x",}', 'INVALID_JSON'],
      ['NaN value', '{"title": NaN}', 'INVALID_JSON'],
      ['comment', '{"title": "x" /* c */}', 'INVALID_JSON'],
      ['two documents', '{"title": "x"}{"title": "y"}', 'INVALID_JSON'],
      ['control character in a string', '{"title": "a\u0001b"}', 'INVALID_JSON'],
      // Decoded with replacement characters: valid JSON with an unknown key.
      ['invalid UTF-8 bytes', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), undefined],
    ];
    for (const [label, body, code] of malformed) {
      this.push({
        ...common,
        kind: 'malformed JSON',
        label,
        body,
        headers: { 'content-type': JSON_TYPE },
        expect: [400],
        code,
      });
    }

    for (const [label, body] of [
      ['array', '[]'],
      ['array of the body', JSON.stringify([base])],
      ['string', '"fuzz"'],
      ['number', '12345'],
      ['boolean', 'true'],
      ['null', 'null'],
    ]) {
      this.push({
        ...common,
        kind: 'top-level JSON',
        label,
        body,
        headers: { 'content-type': JSON_TYPE },
        expect: [400],
      });
    }

    const valid = JSON.stringify(base);
    // Never empty: an empty body is no body, whatever its type.
    const form = Object.entries({ ...base, fuzz: 1 })
      .map(
        ([key, value]) =>
          `${encodeURIComponent(key)}=${encodeURIComponent(typeof value === 'object' ? JSON.stringify(value) : String(value))}`,
      )
      .join('&');
    const unsupported = { expect: [415], code: 'UNSUPPORTED_MEDIA_TYPE' };
    const contentTypes: [
      string,
      Record<string, string>,
      string | Buffer,
      Pick<FuzzCase, 'expect' | 'code'>,
    ][] = [
      ['text/plain', { 'content-type': 'text/plain' }, valid, unsupported],
      ['form-urlencoded', { 'content-type': 'application/x-www-form-urlencoded' }, form, unsupported],
      [
        'multipart/form-data',
        { 'content-type': 'multipart/form-data; boundary=fuzz' },
        `--fuzz\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--fuzz--\r\n`,
        unsupported,
      ],
      ['application/xml', { 'content-type': 'application/xml' }, '<title>x</title>', unsupported],
      ['no content type', {}, valid, unsupported],
      ['JSON in latin1', { 'content-type': 'application/json; charset=latin1' }, valid, unsupported],
      [
        'unknown content encoding',
        { 'content-type': JSON_TYPE, 'content-encoding': 'fuzz' },
        valid,
        unsupported,
      ],
      [
        'gzip that is not gzip',
        { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' },
        valid,
        { expect: [400], code: 'UNREADABLE_BODY' },
      ],
      [
        'gzip bomb (20 MiB inflated)',
        { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' },
        gzipSync(huge(20 * MIB)),
        { expect: [413], code: 'PAYLOAD_TOO_LARGE' },
      ],
    ];
    for (const [label, headers, body, expected] of contentTypes) {
      this.push({ ...common, kind: 'content type', label, body, headers, ...expected });
    }
  }

  private presentParent(base: unknown, path: string[]): boolean {
    let cursor = base as Record<string, unknown> | undefined;
    for (const step of path.slice(0, -1)) {
      cursor = cursor?.[step] as Record<string, unknown> | undefined;
    }
    return typeOf(cursor) === 'object';
  }
}

/**
 * Issue 6, hostile input: every route of both REST apps, read from their OpenAPI documents at run time,
 * answers wrong types, unknown and prototype-polluting fields, missing fields, huge, malformed,
 * deeply nested and mistyped bodies, absurd query values, hostile ids and missing keys with a coded 4xx,
 * never a 5xx; the apps stay up and log no unhandled error.
 */
describe('REST input fuzzing from the OpenAPI documents', () => {
  const stack = new ConnectorStack();
  const { environment } = stack;
  const admin = localAwsClients(environment, environment.adminCredentials);
  const bucket = uniqueName('fuzz');
  const owner = uniqueName('fuzzowner').slice(0, 40);
  const intruder = uniqueName('fuzzother').slice(0, 40);
  const cases: FuzzCase[] = [];
  const results = new Map<FuzzCase, Outcome>();
  const unknownParameters = new Set<string>();
  const documentedRoutes: string[] = [];

  async function sourceConnection(
    api: ApiClient,
    reader: { accessKeyId: string; secretAccessKey: string },
  ): Promise<string> {
    const created = await api.call<{ id: string; status: string }>('POST', '/api/v1/connections', {
      title: 'Fuzz source',
      type: 's3',
      auth: {
        method: 'sigv4',
        url: `${environment.awsEndpoint}/${bucket}/fruits.csv`,
        region: environment.awsRegion,
        access_key: reader.accessKeyId,
        secret_access_key: reader.secretAccessKey,
      },
    });
    expect(created.body.status).toBe('valid');
    return created.body.id;
  }

  /** A dataset and its first import; retried while the importer has not heard of the connection yet. */
  function createDataset(
    api: ApiClient,
    connectionId: string,
    datasetId: string,
  ): Promise<ApiAnswer<{ import: { import_id: string } }>> {
    return waitFor(
      async () => {
        const answer = await api.call<{ import: { import_id: string } }>('POST', '/api/v1/datasets', {
          title: 'Fuzz target',
          dataset_id: datasetId,
          source: { connection_id: connectionId },
        });
        return answer.status === 201 ? answer : undefined;
      },
      { what: `dataset ${datasetId} to be created` },
    );
  }

  async function iamRoleConnection(api: ApiClient): Promise<string> {
    const created = await api.call<{ id: string }>('POST', '/api/v1/connections', {
      title: 'Fuzz target',
      type: 's3',
      auth: { method: 'iam_role', region: environment.awsRegion },
    });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  async function openApiDocument(app: RestApp): Promise<OpenApiDocument> {
    const response = await fetch(`${stack.apps[app].baseUrl}/api/docs-json`);
    expect(response.status).toBe(200);
    return (await response.json()) as OpenApiDocument;
  }

  beforeAll(async () => {
    await stack.start();
    const [ownerKey, intruderKey] = [stack.createDomainKey(owner), stack.createDomainKey(intruder)];
    await Promise.all([stack.waitUntilImporterKnows(ownerKey), stack.waitUntilImporterKnows(intruderKey)]);
    const ownerConnections = new ApiClient(stack.apps.connections.baseUrl, ownerKey);
    const intruderConnections = new ApiClient(stack.apps.connections.baseUrl, intruderKey);
    await createBucketWith(admin.s3, environment, bucket, { 'fruits.csv': 'name,price\napple,1.5\npear,2\nplum,3\n' });
    const reader = await createIamUser(admin.iam, bucketReaderPolicy(bucket));
    const [ownerSource, intruderSource, ownerTarget, intruderTarget] = await Promise.all([
      sourceConnection(ownerConnections, reader),
      sourceConnection(intruderConnections, reader),
      iamRoleConnection(ownerConnections),
      iamRoleConnection(intruderConnections),
    ]);
    const [ownerDataset, intruderDataset] = await Promise.all([
      createDataset(
        new ApiClient(stack.apps['dataset-import'].baseUrl, ownerKey),
        ownerSource,
        'fuzz-target',
      ),
      createDataset(
        new ApiClient(stack.apps['dataset-import'].baseUrl, intruderKey),
        intruderSource,
        'intruder-data',
      ),
    ]);
    const fixtures: Record<RestApp, AppFixtures> = {
      // PATCH cases that pass validation change this iam_role connection, never the one datasets read from.
      connections: { existing: { id: ownerTarget }, otherDomain: { id: intruderTarget }, uuid: ownerSource },
      'dataset-import': {
        existing: { datasetId: 'fuzz-target', importId: ownerDataset.body.import.import_id },
        otherDomain: { datasetId: 'intruder-data', importId: intruderDataset.body.import.import_id },
        uuid: ownerSource,
      },
    };
    for (const app of ['connections', 'dataset-import'] as const) {
      const document = await openApiDocument(app);
      for (const [template, operations] of Object.entries(document.paths)) {
        documentedRoutes.push(
          ...Object.keys(operations).map((method) => `${app} ${method.toUpperCase()} ${template}`),
        );
      }
      const builder = new CaseBuilder(app, document, fixtures[app], ownerKey).build();
      cases.push(...builder.cases);
      builder.unknownParameters.forEach((parameter) => unknownParameters.add(parameter));
    }
  }, 240_000);

  afterAll(async () => {
    printSummary();
    await stack.stop();
  });

  function printSummary(): void {
    const byRoute = new Map<string, Map<CaseKind, number>>();
    const statusesByKind = new Map<CaseKind, Map<number, number>>();
    for (const fuzzCase of cases) {
      const route = `${fuzzCase.app} ${fuzzCase.route}`;
      const kinds = byRoute.get(route) ?? new Map<CaseKind, number>();
      kinds.set(fuzzCase.kind, (kinds.get(fuzzCase.kind) ?? 0) + 1);
      byRoute.set(route, kinds);
      const status = results.get(fuzzCase)?.status;
      if (status !== undefined) {
        const statuses = statusesByKind.get(fuzzCase.kind) ?? new Map<number, number>();
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        statusesByKind.set(fuzzCase.kind, statuses);
      }
    }
    const lines = [`REST fuzz: ${cases.length} cases, ${results.size} sent`, '', 'cases per route:'];
    for (const [route, kinds] of [...byRoute].sort(([a], [b]) => a.localeCompare(b))) {
      const total = [...kinds.values()].reduce((sum, count) => sum + count, 0);
      lines.push(
        `  ${route}: ${total} (${[...kinds].map(([kind, count]) => `${kind} ${count}`).join(', ')})`,
      );
    }
    lines.push('', 'statuses per kind of case:');
    for (const kind of CASE_KINDS) {
      const statuses = statusesByKind.get(kind);
      if (statuses) {
        const total = [...statuses.values()].reduce((sum, count) => sum + count, 0);
        lines.push(
          `  ${kind}: ${total} cases → ${[...statuses]
            .sort(([a], [b]) => a - b)
            .map(([status, count]) => `${status}×${count}`)
            .join(' ')}`,
        );
      }
    }
    if (unknownParameters.size > 0) {
      lines.push(
        '',
        `path parameters without an existing-id fixture (hostile values only): ${[...unknownParameters].join(', ')}`,
      );
    }
    console.log(lines.join('\n'));
  }

  async function runKind(kind: CaseKind): Promise<string[]> {
    const selected = cases.filter((fuzzCase) => fuzzCase.kind === kind);
    const outcomes = await inPool(selected, CONCURRENCY, async (fuzzCase) => {
      const outcome = await send(stack.apps[fuzzCase.app].baseUrl, fuzzCase);
      results.set(fuzzCase, outcome);
      return { fuzzCase, outcome };
    });
    expect(selected.length).toBeGreaterThan(0);
    return outcomes.flatMap(({ fuzzCase, outcome }) => {
      const problem = judge(fuzzCase, outcome);
      return problem ? [`${fuzzCase.app} ${fuzzCase.route} [${fuzzCase.label}]: ${problem}`] : [];
    });
  }

  it('should derive cases from every documented operation of both apps', () => {
    const fuzzed = new Set(cases.map((fuzzCase) => `${fuzzCase.app} ${fuzzCase.route}`));

    expect(documentedRoutes).toEqual(
      expect.arrayContaining([
        'connections POST /api/v1/connections',
        'dataset-import POST /api/v1/datasets',
      ]),
    );
    expect(documentedRoutes.filter((route) => !fuzzed.has(route))).toEqual([]);
  });

  it.each(CASE_KINDS.map((kind) => [kind]))(
    'should answer every "%s" case below 500 with a coded error',
    async (kind) => {
      const problems = await runKind(kind);

      expect(problems).toEqual([]);
    },
  );

  it('should leave every app running, ready and free of unhandled errors', async () => {
    for (const app of Object.values(stack.apps)) {
      const ready = await fetch(`${app.baseUrl}/health/ready`);
      expect({ app: app.name, status: ready.status }).toEqual({ app: app.name, status: 200 });
      expect(app.pid).toEqual(expect.any(Number));
      expect(() => process.kill(Number(app.pid), 0)).not.toThrow();
    }
    const crashes = stack.logs().filter((line) => /unhandled|uncaught|Maximum call stack/i.test(line));

    expect(crashes).toEqual([]);
  });
});
