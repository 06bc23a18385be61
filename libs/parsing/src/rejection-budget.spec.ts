import { ParsingErrorCode } from './parsing.exception';
import { RejectedRow } from './record-builder';
import { RejectionBudget } from './rejection-budget';

const rejectedRows = (count: number): RejectedRow[] =>
  Array.from({ length: count }, (_, index) => ({
    line: index + 2,
    byteOffset: 0,
    reason: ParsingErrorCode.RAGGED_ROW,
    message: 'ragged',
    raw: '',
  }));

describe('RejectionBudget', () => {
  it('should not judge the share before enough rows were read', () => {
    const budget = new RejectionBudget({ maxRejectedRatio: 0.1, minRowsForRatio: 100 });

    budget.add(10, rejectedRows(5));

    expect(() => budget.check(false)).not.toThrow();
  });

  it('should throw REJECTION_THRESHOLD_EXCEEDED once enough rows were read and the share is too high', () => {
    const budget = new RejectionBudget({ maxRejectedRatio: 0.1, minRowsForRatio: 100 });

    budget.add(100, rejectedRows(11));

    expect(() => budget.check(false)).toThrow(
      expect.objectContaining({
        code: ParsingErrorCode.REJECTION_THRESHOLD_EXCEEDED,
        details: expect.objectContaining({ rejectedByReason: { RAGGED_ROW: 11 } }),
      }),
    );
  });

  it('should judge the share at the end whatever the row count', () => {
    const budget = new RejectionBudget({ maxRejectedRatio: 0.1 });

    budget.add(3, rejectedRows(1));

    expect(() => budget.check(true)).toThrow(
      expect.objectContaining({ code: ParsingErrorCode.REJECTION_THRESHOLD_EXCEEDED }),
    );
  });

  it('should throw as soon as the absolute maximum is passed', () => {
    const budget = new RejectionBudget({ maxRejectedRatio: 1, maxRejectedRows: 2 });

    budget.add(3, rejectedRows(3));

    expect(() => budget.check(false)).toThrow(
      expect.objectContaining({ code: ParsingErrorCode.REJECTION_THRESHOLD_EXCEEDED }),
    );
  });

  it('should continue from the counts of a checkpoint', () => {
    const budget = new RejectionBudget({ maxRejectedRatio: 0.5 }, { rowsRead: 1000, rejectedRows: 400 });

    budget.add(10, rejectedRows(10));

    expect([budget.rowsRead, budget.rejectedRows]).toEqual([1010, 410]);
    expect(() => budget.check(true)).not.toThrow();
  });

  it('should refuse a ratio outside 0..1 with INVALID_CONFIG', () => {
    expect(() => new RejectionBudget({ maxRejectedRatio: 5 })).toThrow(
      expect.objectContaining({ code: ParsingErrorCode.INVALID_CONFIG }),
    );
  });
});
