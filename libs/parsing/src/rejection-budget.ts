import { ParsingError, ParsingErrorCode, RejectReason } from './parsing.exception';
import { RejectedRow } from './record-builder';

export interface RejectionThreshold {
  /** The import fails when rejected rows / rows read goes above this share (0..1). */
  maxRejectedRatio: number;
  /** The share is judged once this many rows were read, and always at the end. Default 1000. */
  minRowsForRatio?: number;
  /** The import fails as soon as more rows than this were rejected, whatever the share. */
  maxRejectedRows?: number;
}

export const DEFAULT_MIN_ROWS_FOR_RATIO = 1000;

/**
 * Counts rows read and rejected across batches (and across a resume, starting from the
 * checkpoint's counts) and fails the import with REJECTION_THRESHOLD_EXCEEDED when too many rows do
 * not fit. Early rows are not judged by their share alone, so one bad row at line 2 does not fail
 * a million-row import; the end of the file always is.
 */
export class RejectionBudget {
  private rows: number;
  private rejected: number;
  private readonly reasons = new Map<RejectReason, number>();
  private readonly minRowsForRatio: number;

  constructor(
    private readonly threshold: RejectionThreshold,
    start: { rowsRead: number; rejectedRows: number } = { rowsRead: 0, rejectedRows: 0 },
  ) {
    if (!(threshold.maxRejectedRatio >= 0 && threshold.maxRejectedRatio <= 1)) {
      throw new ParsingError(
        ParsingErrorCode.INVALID_CONFIG,
        'Invalid rejection threshold: maxRejectedRatio must be between 0 and 1.',
        {
          details: { maxRejectedRatio: threshold.maxRejectedRatio },
        },
      );
    }
    this.rows = start.rowsRead;
    this.rejected = start.rejectedRows;
    this.minRowsForRatio = threshold.minRowsForRatio ?? DEFAULT_MIN_ROWS_FOR_RATIO;
  }

  get rowsRead(): number {
    return this.rows;
  }

  get rejectedRows(): number {
    return this.rejected;
  }

  /** Rejections per reason since this budget was created (not carried over a resume). */
  get rejectedByReason(): Readonly<Partial<Record<RejectReason, number>>> {
    return Object.fromEntries(this.reasons);
  }

  /** Adds one batch: `rowsRead` counts accepted and rejected rows. */
  add(rowsRead: number, rejected: readonly RejectedRow[]): void {
    this.rows += rowsRead;
    this.rejected += rejected.length;
    for (const row of rejected) {
      this.reasons.set(row.reason, (this.reasons.get(row.reason) ?? 0) + 1);
    }
  }

  /** Throws REJECTION_THRESHOLD_EXCEEDED when the budget is spent; `final` judges the share whatever the row count. */
  check(final: boolean): void {
    const overCount =
      this.threshold.maxRejectedRows !== undefined && this.rejected > this.threshold.maxRejectedRows;
    const judgeRatio = final || this.rows >= this.minRowsForRatio;
    const ratio = this.rows === 0 ? 0 : this.rejected / this.rows;
    if (!overCount && !(judgeRatio && ratio > this.threshold.maxRejectedRatio)) {
      return;
    }
    const reasons = [...this.reasons].sort((a, b) => b[1] - a[1]);
    const mostly =
      reasons.length > 0
        ? ` Most rejections: ${reasons.map(([reason, count]) => `${reason} (${count})`).join(', ')}.`
        : '';
    throw new ParsingError(
      ParsingErrorCode.REJECTION_THRESHOLD_EXCEEDED,
      `${this.rejected} of ${this.rows} rows were rejected (${(ratio * 100).toFixed(1)}%), more than the import accepts.${mostly}`,
      {
        hint: 'Look at the rejected rows: a wrong delimiter, encoding or field type rejects many rows at once. Fix the source configuration or the file.',
        details: {
          rowsRead: this.rows,
          rejectedRows: this.rejected,
          ratio,
          maxRejectedRatio: this.threshold.maxRejectedRatio,
          maxRejectedRows: this.threshold.maxRejectedRows,
          rejectedByReason: this.rejectedByReason,
        },
      },
    );
  }
}
