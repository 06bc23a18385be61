import { finished, Readable } from 'node:stream';

/**
 * The body of an object read, cut with `idleError()` when the object store sends nothing for `idleMs`
 * while there is room for its data. A reader that holds back (its writes are slow) fills the buffers,
 * which pauses the body and the clock: a socket timeout would cut a healthy body because the reader
 * was busy.
 */
export function idleGuardedBody(body: Readable, idleMs: number, idleError: () => Error): Readable {
  let timer: NodeJS.Timeout | undefined;
  const stopClock = (): void => {
    clearTimeout(timer);
    timer = undefined;
  };
  const guarded = new Readable({
    // The HTTP body's own buffer is where the bytes wait; this one only hands them over.
    highWaterMark: body.readableHighWaterMark,
    read() {
      // Room for data: the store has `idleMs` to send some.
      if (timer === undefined) {
        timer = setTimeout(() => guarded.destroy(idleError()), idleMs);
      }
      body.resume();
    },
    destroy(error, callback) {
      stopClock();
      body.destroy();
      callback(error);
    },
  });
  body.on('data', (chunk: Buffer) => {
    stopClock();
    if (!guarded.push(chunk)) {
      body.pause();
    }
  });
  finished(body, (error) => {
    stopClock();
    if (error) {
      guarded.destroy(error);
    } else {
      guarded.push(null);
    }
  });
  body.pause();
  return guarded;
}
