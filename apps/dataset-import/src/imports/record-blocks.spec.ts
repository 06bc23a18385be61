import type { CastRecord } from '@s3c/parsing';
import { blockId, blockIndexesOf, blockRecords, estimatedRecordBytes, LARGE_RECORD_BYTES, RecordBlockBuilder, toColumns, type RecordBlock } from './record-blocks';

const idsOf = (block: RecordBlock) => blockRecords(block).map((record) => record?.id ?? null);

function numbered(first: number, count: number): CastRecord[] {
  return Array.from({ length: count }, (_, index) => ({ id: first + index }));
}

describe('RecordBlockBuilder', () => {
  it('should complete blocks aligned on ordinals whatever the batch sizes', () => {
    const builder = new RecordBlockBuilder(0, [], 4);

    const first = builder.add(numbered(0, 3));
    const second = builder.add(numbered(3, 6));

    expect(first).toEqual([]);
    expect(second.map((write) => [write.block._id, write.block.count, idsOf(write.block)])).toEqual([
      [blockId(0), 4, [0, 1, 2, 3]],
      [blockId(1), 4, [4, 5, 6, 7]],
    ]);
  });

  it('should hand out the open block only when it grew since it was last handed out', () => {
    const builder = new RecordBlockBuilder(0, [], 4);
    builder.add(numbered(0, 6));

    const open = builder.openBlock();
    const again = builder.openBlock();
    builder.add(numbered(6, 1));
    const grown = builder.openBlock();

    expect([open?.block.count, again, grown?.block.count, grown?.block._id]).toEqual([2, undefined, 3, blockId(1)]);
  });

  it('should continue a block from its stored prefix when a run starts inside it', () => {
    const builder = new RecordBlockBuilder(6, numbered(4, 2), 4);

    const [completed] = builder.add(numbered(6, 2));

    expect([completed.block._id, idsOf(completed.block)]).toEqual([blockId(1), [4, 5, 6, 7]]);
  });

  it('should refuse a prefix that does not match the starting ordinal', () => {
    expect(() => new RecordBlockBuilder(6, numbered(4, 1), 4)).toThrow(RangeError);
  });

  it('should set a large record apart and leave null at its place', () => {
    const builder = new RecordBlockBuilder(0, [], 4);
    const large = { id: 1, text: 'x'.repeat(LARGE_RECORD_BYTES) };

    const [completed] = builder.add([{ id: 0 }, large, { id: 2 }, { id: 3 }]);

    expect(idsOf(completed.block)).toEqual([0, null, 2, 3]);
    expect([completed.block.apart, completed.block.columns]).toEqual([[1], { id: [0, null, 2, 3] }]);
    expect(completed.largeRecords).toEqual([{ _id: `${blockId(0)}.1`, record: large }]);
  });

  it('should hand a large record out once, with the first write of its block', () => {
    const builder = new RecordBlockBuilder(0, [], 4);
    builder.add([{ id: 0, text: 'x'.repeat(LARGE_RECORD_BYTES) }]);

    const open = builder.openBlock();
    const [completed] = builder.add(numbered(1, 3));

    expect([open?.largeRecords.length, completed.largeRecords.length, blockRecords(completed.block)[0], completed.block.apart]).toEqual([1, 0, null, [0]]);
  });
});

describe('toColumns and blockRecords', () => {
  const day = new Date('2024-03-01T10:00:00Z');
  const records = [
    { id: 0, name: 'Évry, "centre"', amount: 1.5, active: true, seen: day, note: null },
    { id: 1, name: '', amount: -2, active: false, seen: null, note: '2024-03-01' },
    { id: 2, name: 'b', amount: 0, active: null, seen: day, note: 'x' },
  ];

  it('should store one array of values per field, in ordinal order, values keeping their types', () => {
    const { columns, apart } = toColumns(records);

    expect(apart).toBeUndefined();
    expect(Object.keys(columns)).toEqual(['id', 'name', 'amount', 'active', 'seen', 'note']);
    expect([columns.id, columns.amount, columns.active, columns.seen]).toEqual([[0, 1, 2], [1.5, -2, 0], [true, false, null], [day, null, day]]);
  });

  it('should give back the same records, field order included, whole or in part', () => {
    const block: RecordBlock = { _id: blockId(0), count: 3, ...toColumns(records) };

    expect(blockRecords(block)).toEqual(records);
    expect(blockRecords(block).map((record) => Object.keys(record ?? {}))).toEqual(records.map((record) => Object.keys(record)));
    expect(blockRecords(block, 1, 2)).toEqual([records[1]]);
    expect(blockRecords(block, 2, 50)).toEqual([records[2]]);
  });

  it('should name the places of records stored apart and give them back as null', () => {
    const block: RecordBlock = { _id: blockId(0), count: 3, ...toColumns([records[0], null, records[2]]) };

    expect(block.apart).toEqual([1]);
    expect(blockRecords(block)).toEqual([records[0], null, records[2]]);
  });
});

describe('estimatedRecordBytes', () => {
  it('should count three bytes per UTF-16 unit so that any text is bounded', () => {
    const text = '€'.repeat(1000);

    expect(estimatedRecordBytes({ t: text })).toBeGreaterThanOrEqual(Buffer.byteLength(text));
  });
});

describe('blockIndexesOf', () => {
  it('should name every block a page of records spans', () => {
    expect([blockIndexesOf(0, 20), blockIndexesOf(990, 20), blockIndexesOf(1000, 1000), blockIndexesOf(5, 0)]).toEqual([[0], [0, 1], [1], []]);
  });
});
