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

  /** Writes records `from` … `to − 1` as one run does: batches of `batch`, flushing before each checkpoint. */
  async function writeRun(importId: string, from: number, to: number, batch = 700): Promise<void> {
    const writer = await store.openWriter(importId, from);
    for (let first = from; first < to; first += batch) {
      await writer.write(numbered(first, Math.min(batch, to - first)));
      await writer.flush();
    }
  }

  async function ids(importId: string, offset: number, limit: number): Promise<unknown[]> {
    return (await store.recordsPage(importId, offset, limit)).map((record) => record.id);
  }

  it('should serve records in ordinal order, page by page, across blocks', async () => {
    const importId = randomUUID();
    await writeRun(importId, 0, 2_500);

    const pages = await Promise.all([ids(importId, 0, 3), ids(importId, 998, 4), ids(importId, 2_498, 10), ids(importId, 2_500, 10), ids(importId, 500, 1000)]);

    expect(pages.slice(0, 4)).toEqual([[0, 1, 2], [998, 999, 1000, 1001], [2_498, 2_499], []]);
    expect(pages[4]).toEqual(Array.from({ length: 1000 }, (_, index) => 500 + index));
  });

  it('should store a thousand records per document, one array of values per field', async () => {
    const importId = randomUUID();
    await writeRun(importId, 0, 2_500);

    const stored = await connection.collection(recordsCollectionName(importId)).find({}).sort({ _id: 1 }).toArray();

    expect(stored.map((block) => [block._id, block.count, Object.keys(block.columns), block.columns.id.length])).toEqual([
      ['000000000000', 1000, ['id', 'label'], 1000],
      ['000000000001', 1000, ['id', 'label'], 1000],
      ['000000000002', 500, ['id', 'label'], 500],
    ]);
    expect(stored[1].columns.label.slice(0, 2)).toEqual(['row 1000', 'row 1001']);
  });

  it.each([1, 3])('should store every block of a write of several blocks with %p insert(s) at a time', async (insertsInFlight) => {
    const importId = randomUUID();
    const writer = await store.openWriter(importId, 0, insertsInFlight);
    await writer.write(numbered(0, 4_500));
    await writer.flush();

    const stored = await connection.collection(recordsCollectionName(importId)).find({}).sort({ _id: 1 }).toArray();

    expect(stored.map((block) => [block._id, block.count])).toEqual([
      ['000000000000', 1000],
      ['000000000001', 1000],
      ['000000000002', 1000],
      ['000000000003', 1000],
      ['000000000004', 500],
    ]);
    expect(await ids(importId, 3_998, 4)).toEqual([3_998, 3_999, 4_000, 4_001]);
  });

  it('should serve every value with its type as stored: dates, numbers, booleans, empty values', async () => {
    const importId = randomUUID();
    const records: CastRecord[] = Array.from({ length: 1_005 }, (_, index) => ({
      id: index,
      amount: index % 3 === 0 ? null : index / 4,
      active: index % 2 === 0,
      seen: index % 5 === 0 ? null : new Date(Date.UTC(2024, 0, 1, 0, 0, index)),
      day: '2024-01-02',
      name: index % 7 === 0 ? '' : `Évry ${index}, "centre"`,
    }));
    const writer = await store.openWriter(importId, 0);

    await writer.write(records);
    await writer.flush();

    expect(await store.recordsPage(importId, 0, 2_000)).toEqual(records);
    expect(await store.recordsPage(importId, 997, 5)).toEqual(records.slice(997, 1_002));
  });

  it('should continue a block where a resumed run starts inside it', async () => {
    const importId = randomUUID();
    await writeRun(importId, 0, 1_300);

    await writeRun(importId, 1_300, 2_100, 333);

    expect(await ids(importId, 0, 2_100)).toEqual(Array.from({ length: 2_100 }, (_, index) => index));
    expect(await ids(importId, 2_100, 5)).toEqual([]);
  });

  it('should never shorten a block when a stalled run writes less of it after another run wrote more', async () => {
    const importId = randomUUID();
    const stalled = await store.openWriter(importId, 0);
    await writeRun(importId, 0, 900);

    await stalled.write(numbered(0, 400));
    await stalled.flush();

    expect(await ids(importId, 0, 1000)).toEqual(Array.from({ length: 900 }, (_, index) => index));
  });

  it('should add nothing when records are written again (a resumed run, a redelivered command)', async () => {
    const importId = randomUUID();
    await writeRun(importId, 0, 1_500);

    await writeRun(importId, 1_000, 1_500);
    await writeRun(importId, 0, 1_500, 250);

    expect(await ids(importId, 0, 2_000)).toEqual(Array.from({ length: 1_500 }, (_, index) => index));
    expect(await connection.collection(recordsCollectionName(importId)).countDocuments()).toBe(2);
  });

  it('should store a large record on its own and serve it in its place', async () => {
    const importId = randomUUID();
    const writer = await store.openWriter(importId, 0);
    const records = numbered(0, 1_200);
    records[5] = { id: 5, label: 'x'.repeat(200_000) };
    records[1_100] = { id: 1_100, label: 'é'.repeat(100_000) };

    await writer.write(records);
    await writer.flush();

    const page = await store.recordsPage(importId, 0, 1_200);
    expect(page.map((record) => record.id)).toEqual(Array.from({ length: 1_200 }, (_, index) => index));
    expect([page[5].label, page[1_100].label]).toEqual(['x'.repeat(200_000), 'é'.repeat(100_000)]);
    expect(await connection.collection(recordsCollectionName(importId)).countDocuments()).toBe(4);
  });

  it('should keep a large record in place when a resumed run continues its block', async () => {
    const importId = randomUUID();
    const records = numbered(0, 1_500);
    records[1_010] = { id: 1_010, label: 'x'.repeat(100_000) };
    const first = await store.openWriter(importId, 0);
    await first.write(records.slice(0, 1_020));
    await first.flush();

    const resumed = await store.openWriter(importId, 1_020);
    await resumed.write(records.slice(1_020));
    await resumed.flush();

    const page = await store.recordsPage(importId, 1_000, 500);
    expect(page).toEqual(records.slice(1_000));
    expect(await connection.collection(recordsCollectionName(importId)).findOne({ _id: '000000000001' as never })).toMatchObject({ count: 500, apart: [10] });
  });

  it('should refuse to continue a block whose stored records are missing', async () => {
    const importId = randomUUID();
    await writeRun(importId, 0, 100);

    await expect(store.openWriter(importId, 150)).rejects.toThrow(/incomplete/);
  });

  it('should keep imports apart and drop only the deleted one, however many records it holds', async () => {
    const [kept, dropped] = [randomUUID(), randomUUID()];
    await writeRun(kept, 0, 10);
    await writeRun(dropped, 0, 40_000, 5_000);

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
