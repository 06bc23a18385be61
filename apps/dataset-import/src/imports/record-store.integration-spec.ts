import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { ParsingErrorCode, type CastRecord, type RejectedRow } from '@s3c/parsing';
import { currentEnvironment, uniqueDatabaseName } from '@s3c/testing';
import { recordsCollectionName, RecordStore } from './record-store';

function numbered(first: number, count: number): CastRecord[] {
  return Array.from({ length: count }, (_, index) => ({ id: first + index, label: `row ${first + index}` }));
}

async function collectionNames(connection: Connection): Promise<string[]> {
  const collections = (await connection.db?.listCollections({}, { nameOnly: true }).toArray()) ?? [];
  return collections.map((collection) => collection.name);
}

describe('RecordStore on the document store', () => {
  let connection: Connection;
  let store: RecordStore;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(currentEnvironment().mongodbUri, { dbName: uniqueDatabaseName('records'), retryWrites: false })
      .asPromise();
    store = new RecordStore(connection);
    await store.onModuleInit();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('should serve records in ordinal order, page by page, when batches arrive in any order', async () => {
    const importId = randomUUID();
    await store.writeRecords(importId, 500, numbered(500, 500));
    await store.writeRecords(importId, 0, numbered(0, 500));

    const [first, middle, last, beyond] = await Promise.all([
      store.recordsPage(importId, 0, 3),
      store.recordsPage(importId, 498, 4),
      store.recordsPage(importId, 998, 10),
      store.recordsPage(importId, 1000, 10),
    ]);

    expect([first, middle, last, beyond].map((page) => page.map((record) => record.id))).toEqual([[0, 1, 2], [498, 499, 500, 501], [998, 999], []]);
  });

  it('should add nothing when a batch is written again (a resumed run, a redelivered command)', async () => {
    const importId = randomUUID();
    await store.writeRecords(importId, 0, numbered(0, 200));

    await store.writeRecords(importId, 100, numbered(100, 150));

    const stored = await connection.collection(recordsCollectionName(importId)).countDocuments();
    expect(stored).toBe(250);
  });

  it('should keep imports apart and drop only the deleted one, however many records it holds', async () => {
    const [kept, dropped] = [randomUUID(), randomUUID()];
    await store.writeRecords(kept, 0, numbered(0, 10));
    for (let first = 0; first < 40_000; first += 5_000) {
      await store.writeRecords(dropped, first, numbered(first, 5_000));
    }

    await store.deleteRecords(dropped);
    await store.deleteRecords(dropped);

    const names = await collectionNames(connection);
    expect([names.includes(recordsCollectionName(kept)), names.includes(recordsCollectionName(dropped))]).toEqual([true, false]);
    expect((await store.recordsPage(kept, 0, 100)).length).toBe(10);
  });

  it('should list an import rejected rows by source and line, once each', async () => {
    const importId = randomUUID();
    const rejected = (source: number, line: number): RejectedRow => ({ line, byteOffset: line * 10, reason: ParsingErrorCode.RAGGED_ROW, message: 'ragged', raw: `raw ${source}:${line}` });
    await store.writeRejected(importId, 1, [rejected(1, 3)]);
    await store.writeRejected(importId, 0, [rejected(0, 9), rejected(0, 2)]);
    await store.writeRejected(importId, 0, [rejected(0, 2)]);

    const page = await store.rejectedPage(importId, 0, 10);

    expect(page.map((row) => [row.source, row.line])).toEqual([[0, 2], [0, 9], [1, 3]]);
  });
});
