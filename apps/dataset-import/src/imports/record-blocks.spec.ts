import type { CastRecord } from '@s3c/parsing';
import { blockId, blockIndexesOf, estimatedRecordBytes, LARGE_RECORD_BYTES, RecordBlockBuilder } from './record-blocks';

function numbered(first: number, count: number): CastRecord[] {
  return Array.from({ length: count }, (_, index) => ({ id: first + index }));
}

describe('RecordBlockBuilder', () => {
  it('should complete blocks aligned on ordinals whatever the batch sizes', () => {
    const builder = new RecordBlockBuilder(0, [], 4);

    const first = builder.add(numbered(0, 3));
    const second = builder.add(numbered(3, 6));

    expect(first).toEqual([]);
    expect(second.map((write) => [write.block._id, write.block.count, write.block.records.map((record) => record?.id)])).toEqual([
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

    expect([completed.block._id, completed.block.records.map((record) => record?.id)]).toEqual([blockId(1), [4, 5, 6, 7]]);
  });

  it('should refuse a prefix that does not match the starting ordinal', () => {
    expect(() => new RecordBlockBuilder(6, numbered(4, 1), 4)).toThrow(RangeError);
  });

  it('should set a large record apart and leave null at its place', () => {
    const builder = new RecordBlockBuilder(0, [], 4);
    const large = { id: 1, text: 'x'.repeat(LARGE_RECORD_BYTES) };

    const [completed] = builder.add([{ id: 0 }, large, { id: 2 }, { id: 3 }]);

    expect(completed.block.records.map((record) => record?.id ?? null)).toEqual([0, null, 2, 3]);
    expect(completed.largeRecords).toEqual([{ _id: `${blockId(0)}.1`, record: large }]);
  });

  it('should hand a large record out once, with the first write of its block', () => {
    const builder = new RecordBlockBuilder(0, [], 4);
    builder.add([{ id: 0, text: 'x'.repeat(LARGE_RECORD_BYTES) }]);

    const open = builder.openBlock();
    const [completed] = builder.add(numbered(1, 3));

    expect([open?.largeRecords.length, completed.largeRecords.length, completed.block.records[0]]).toEqual([1, 0, null]);
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
