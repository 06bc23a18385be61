import { Injectable } from '@nestjs/common';

/**
 * Serializes this process's writes to one document. FerretDB (the embedded store) applies concurrent
 * updates of one document as read-modify-write without isolation, so two of them can lose one; MongoDB
 * does not, but the lock costs nothing there. Every write of an aggregate document goes through it.
 */
@Injectable()
export class DocumentLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(work);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) {
        this.tails.delete(key);
      }
    }
  }
}
