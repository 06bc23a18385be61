import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { idleGuardedBody } from './idle-guarded-body';

const IDLE_MS = 60;
const CHUNK = Buffer.alloc(16 * 1024, 'a');

class IdleError extends Error {}

function guarded(body: PassThrough) {
  return idleGuardedBody(body, IDLE_MS, () => new IdleError(`No data for ${IDLE_MS} ms.`));
}

/** Reads everything, pausing `pauseMs` after the first chunk as a reader busy writing would. */
async function readAll(stream: NodeJS.ReadableStream, pauseMs = 0): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) {
    if (bytes === 0) await sleep(pauseMs);
    bytes += (chunk as Buffer).length;
  }
  return bytes;
}

describe('idleGuardedBody', () => {
  it('cuts a body that sends nothing while there is room for data', async () => {
    const body = new PassThrough();
    body.write(CHUNK);
    await expect(readAll(guarded(body))).rejects.toBeInstanceOf(IdleError);
    expect(body.destroyed).toBe(true);
  });

  it('keeps a healthy body while its reader holds back far longer than the idle timeout', async () => {
    const body = new PassThrough({ highWaterMark: CHUNK.length });
    const reading = readAll(guarded(body), IDLE_MS * 5);
    // The store sends as fast as the reader lets it: it waits for room, never stalls on its own.
    for (let sent = 0; sent < 64 && !body.destroyed; sent += 1) {
      if (!body.write(CHUNK)) await new Promise((resolve) => body.once('drain', resolve).once('close', resolve));
    }
    body.end();
    await expect(reading).resolves.toBe(64 * CHUNK.length);
  });

  it('hands every byte over in order and ends with the body', async () => {
    const body = new PassThrough();
    const parts = [Buffer.from('id,name\n'), Buffer.from('1,é\n'), Buffer.from('2,b\n')];
    const reading = (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of guarded(body)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    })();
    for (const part of parts) {
      body.write(part);
      await sleep(IDLE_MS / 3);
    }
    body.end();
    await expect(reading).resolves.toBe('id,name\n1,é\n2,b\n');
  });

  it('passes the body’s own failure on', async () => {
    const body = new PassThrough();
    const reading = readAll(guarded(body));
    body.write(CHUNK);
    body.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await expect(reading).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('fails a body closed before its end as a premature close', async () => {
    const body = new PassThrough();
    const reading = readAll(guarded(body));
    body.write(CHUNK);
    await sleep(5);
    body.destroy();
    await expect(reading).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('destroys the body when its reader gives up, and stops the clock', async () => {
    const body = new PassThrough();
    const stream = guarded(body);
    stream.resume();
    stream.destroy();
    await sleep(IDLE_MS * 2);
    expect(body.destroyed).toBe(true);
    expect(stream.errored).toBeNull();
  });
});
