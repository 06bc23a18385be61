import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Body, Controller, HttpCode, type INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsString } from 'class-validator';
import { JsonLogger } from '../logging/json-logger';
import { setupHttp } from './http-setup';
import { IsOmittable } from './is-omittable.decorator';

class NoteDto {
  @IsString()
  title!: string;

  @IsOmittable()
  @IsString()
  note?: string;
}

@Controller('notes')
class NotesController {
  @Post()
  create(@Body() body: NoteDto): NoteDto {
    return body;
  }

  @Post('validate')
  @HttpCode(200)
  validate(): { ok: true } {
    return { ok: true };
  }
}

const logged: string[] = [];

@Module({
  controllers: [NotesController],
  providers: [
    {
      provide: JsonLogger,
      useValue: new JsonLogger('http-setup-spec', 'debug', (line) => logged.push(line)),
    },
  ],
})
class NotesModule {}

interface Answer {
  status: number;
  code?: string;
  body: Record<string, unknown>;
}

function parse(status: number, text: string): Answer {
  const body = (text ? JSON.parse(text) : {}) as Record<string, unknown> & { error?: { code?: string } };
  return { status, code: body.error?.code, body };
}

describe('setupHttp (a real app on a real socket)', () => {
  let app: INestApplication;
  let port: number;

  function send(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string | Buffer,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port, method, path, headers, agent: false },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve(parse(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  /** Bytes straight onto the socket, for requests no HTTP client would send. */
  function sendRaw(bytes: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head, ...rest] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
        resolve(parse(Number(head.split(' ')[1]), rest.join('\r\n\r\n')));
      });
    });
  }

  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    app = await NestFactory.create(NotesModule, { logger: false });
    setupHttp(app, { title: 'Notes', description: 'A test API' });
    await app.listen(0, '127.0.0.1');
    port = Number(new URL(await app.getUrl()).port);
  });

  afterAll(async () => {
    await app.close();
  });

  it('should answer a valid JSON body', async () => {
    const answer = await send('POST', '/notes', json, JSON.stringify({ title: 'Water' }));

    expect(answer).toEqual({ status: 201, code: undefined, body: { title: 'Water' } });
  });

  it.each([
    ['text/plain', { 'content-type': 'text/plain' }, '{"title":"Water"}'],
    ['form-urlencoded', { 'content-type': 'application/x-www-form-urlencoded' }, 'title=Water'],
    ['no content type', {}, '{"title":"Water"}'],
  ])(
    'should refuse a %s body with 415 UNSUPPORTED_MEDIA_TYPE',
    async (_label, headers: Record<string, string>, body) => {
      const answer = await send('POST', '/notes', headers, body);

      expect({ status: answer.status, code: answer.code }).toEqual({
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
    },
  );

  it('should run a route that takes no body when the client sends an empty chunked body', async () => {
    const answer = await send('POST', '/notes/validate');

    expect(answer).toEqual({ status: 200, code: undefined, body: { ok: true } });
  });

  it.each([
    [
      'an unsupported charset',
      { 'content-type': 'application/json; charset=latin1' },
      '{"title":"Water"}',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an unknown content encoding',
      { ...json, 'content-encoding': 'fuzz' },
      '{"title":"Water"}',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'gzip that is not gzip',
      { ...json, 'content-encoding': 'gzip' },
      '{"title":"Water"}',
      400,
      'UNREADABLE_BODY',
    ],
    [
      'a gzip body inflating beyond the limit',
      { ...json, 'content-encoding': 'gzip' },
      gzipSync(`{"title":"${'x'.repeat(1024 * 1024)}"}`),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['a body over 256 kB', json, `{"title":"${'x'.repeat(300 * 1024)}"}`, 413, 'PAYLOAD_TOO_LARGE'],
    ['malformed JSON', json, '{"title": ', 400, 'INVALID_JSON'],
    [
      '10 000 nested objects',
      json,
      `{"title":"x","note":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
      400,
      'BODY_TOO_DEEP',
    ],
    ['a __proto__ key', json, '{"title":"x","__proto__":{"polluted":true}}', 400, 'VALIDATION_FAILED'],
    [
      'a constructor key',
      json,
      '{"title":"x","constructor":{"prototype":{"polluted":true}}}',
      400,
      'VALIDATION_FAILED',
    ],
    ['an unknown field', json, '{"title":"x","fuzz":1}', 400, 'VALIDATION_FAILED'],
    ['null for an optional field', json, '{"title":"x","note":null}', 400, 'VALIDATION_FAILED'],
  ])(
    'should refuse %s with a coded 4xx',
    async (_label, headers: Record<string, string>, body, status, code) => {
      const answer = await send('POST', '/notes', headers, body);

      expect({ status: answer.status, code: answer.code }).toEqual({ status, code });
    },
  );

  it('should refuse a prototype key in the query string', async () => {
    const answer = await send('POST', '/notes?__proto__=1', json, '{"title":"x"}');

    expect({ status: answer.status, code: answer.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('should answer a URL over the 16 KiB header limit with 431 HEADERS_TOO_LARGE in the error shape', async () => {
    const answer = await send('GET', `/notes/${'x'.repeat(20_000)}`);

    expect({ status: answer.status, code: answer.code }).toEqual({ status: 431, code: 'HEADERS_TOO_LARGE' });
  });

  it('should answer a request line that is not HTTP with 400 MALFORMED_REQUEST in the error shape', async () => {
    const answer = await sendRaw('NOT HTTP AT ALL\r\n\r\n');

    expect({ status: answer.status, code: answer.code }).toEqual({ status: 400, code: 'MALFORMED_REQUEST' });
  });

  it('should log no unhandled error for any of these requests', () => {
    expect(logged.filter((line) => line.includes('Unhandled error'))).toEqual([]);
  });
});
