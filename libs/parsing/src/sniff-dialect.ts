import { ColumnTypeAccumulator, classifyValue } from './infer-types';
import { DETECTABLE_DELIMITERS, DetectedOption, imposedOption } from './source-config';

/** Records looked at when sniffing; enough to see a pattern, cheap to scan eight times. */
const SAMPLE_RECORDS = 200;

export interface SampleRecord {
  fields: string[];
  /** 0-based physical line where the record starts. */
  line: number;
  /** An empty line. */
  blank: boolean;
  /** The text ended inside a quoted field of this record. */
  unclosed: boolean;
}

/**
 * Splits sample text the way csv-parse will (quotes only open at the start of a field, a quote not
 * followed by a delimiter or line break is literal, doubled or escaped quotes), without allocating
 * a parser per candidate dialect.
 */
export function scanSampleRecords(
  text: string,
  delimiter: string,
  quoteChar: string | null,
  escapeChar: string,
  maxRecords = SAMPLE_RECORDS,
): SampleRecord[] {
  const records: SampleRecord[] = [];
  const length = text.length;
  let index = 0;
  let line = 0;
  const isLineBreak = (position: number): boolean => text[position] === '\n' || text[position] === '\r';
  const isFieldEnd = (position: number): boolean =>
    position >= length || isLineBreak(position) || text.startsWith(delimiter, position);
  while (index < length && records.length < maxRecords) {
    const startLine = line;
    const fields: string[] = [];
    let unclosed = false;
    if (isLineBreak(index)) {
      index += text[index] === '\r' && text[index + 1] === '\n' ? 2 : 1;
      line++;
      records.push({ fields: [''], line: startLine, blank: true, unclosed: false });
      continue;
    }
    for (;;) {
      let field = '';
      if (quoteChar !== null && text[index] === quoteChar) {
        index++;
        let closed = false;
        while (index < length) {
          const character = text[index];
          if (
            escapeChar !== quoteChar &&
            character === escapeChar &&
            (text[index + 1] === quoteChar || text[index + 1] === escapeChar)
          ) {
            field += text[index + 1];
            index += 2;
            continue;
          }
          if (character === quoteChar) {
            if (escapeChar === quoteChar && text[index + 1] === quoteChar) {
              field += quoteChar;
              index += 2;
              continue;
            }
            if (isFieldEnd(index + 1)) {
              index++;
              closed = true;
              break;
            }
          }
          if (character === '\n' || (character === '\r' && text[index + 1] !== '\n')) {
            line++;
          }
          field += character;
          index++;
        }
        unclosed = !closed;
      }
      while (!isFieldEnd(index)) {
        field += text[index];
        index++;
      }
      fields.push(field);
      if (index < length && !isLineBreak(index)) {
        index += delimiter.length;
        continue;
      }
      if (index < length) {
        index += text[index] === '\r' && text[index + 1] === '\n' ? 2 : 1;
        line++;
      }
      break;
    }
    records.push({ fields, line: startLine, blank: false, unclosed });
  }
  return records;
}

interface DelimiterScore {
  delimiter: string;
  quoteChar: string;
  records: SampleRecord[];
  /** Most frequent field count (ties: the larger). */
  mode: number;
  /** Share of non-blank records that have `mode` fields. */
  share: number;
}

function scoreDialect(records: SampleRecord[], delimiter: string, quoteChar: string): DelimiterScore {
  const counts = new Map<number, number>();
  let total = 0;
  for (const record of records) {
    if (!record.blank) {
      counts.set(record.fields.length, (counts.get(record.fields.length) ?? 0) + 1);
      total++;
    }
  }
  let mode = 0;
  let frequency = 0;
  for (const [count, occurrences] of counts) {
    if (occurrences > frequency || (occurrences === frequency && count > mode)) {
      mode = count;
      frequency = occurrences;
    }
  }
  return { delimiter, quoteChar, records, mode, share: total === 0 ? 0 : frequency / total };
}

function isBetter(candidate: DelimiterScore, best: DelimiterScore | undefined): boolean {
  if (best === undefined) return true;
  const candidateSplits = candidate.mode > 1;
  const bestSplits = best.mode > 1;
  if (candidateSplits !== bestSplits) return candidateSplits;
  if (Math.abs(candidate.share - best.share) > 1e-9) return candidate.share > best.share;
  return candidate.mode > best.mode;
}

export interface DialectDetection {
  delimiter: DetectedOption<string>;
  quoteChar: DetectedOption<string | null>;
  escapeChar: DetectedOption<string>;
  headerRow: DetectedOption<boolean>;
  skipRows: DetectedOption<number>;
}

/** Options the user imposed: detection works around them (e.g. finds the header for a given delimiter). */
export interface DialectOverrides {
  delimiter?: string;
  quoteChar?: string | null;
  escapeChar?: string;
  headerRow?: boolean;
  skipRows?: number;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function detectEscape(text: string, delimiter: string, quoteChar: string | null): DetectedOption<string> {
  if (quoteChar === null) {
    return { value: '"', detected: true, confidence: 0.5, reason: 'no quoting' };
  }
  const quote = escapeRegExp(quoteChar);
  const boundary = `${escapeRegExp(delimiter)}\\r\\n`;
  const backslashEscapes = (text.match(new RegExp(`\\\\${quote}(?=[^${boundary}])`, 'g')) ?? []).length;
  const doubledQuotes = (text.match(new RegExp(`[^${boundary}${quote}]${quote}${quote}`, 'g')) ?? []).length;
  if (backslashEscapes > 0 && doubledQuotes === 0) {
    return {
      value: '\\',
      detected: true,
      confidence: 0.8,
      reason: `backslash-escaped quotes (${backslashEscapes})`,
    };
  }
  if (doubledQuotes > 0) {
    return {
      value: quoteChar,
      detected: true,
      confidence: 0.95,
      reason: `doubled quotes (${doubledQuotes})`,
    };
  }
  return {
    value: quoteChar,
    detected: true,
    confidence: 0.7,
    reason: 'no escaped quote seen: RFC 4180 doubling assumed',
  };
}

function detectSkipRows(records: SampleRecord[], mode: number): DetectedOption<number> {
  if (mode < 2) {
    return { value: 0, detected: true, confidence: 0.7, reason: 'single column: nothing to compare' };
  }
  // Only blank lines, `#` comments and one-field lines (titles) are skipped: a header with a trailing
  // delimiter more or less than the data rows is still a header.
  let index = 0;
  while (index < records.length) {
    const record = records[index];
    const skippable = record.blank || record.fields.length === 1 || record.fields[0].startsWith('#');
    if (!skippable || record.fields.length === mode) break;
    index++;
  }
  if (index === 0 || index >= records.length) {
    return { value: 0, detected: true, confidence: 0.9, reason: 'the first line has the common field count' };
  }
  const skipped = records[index].line;
  return {
    value: skipped,
    detected: true,
    confidence: 0.8,
    reason: `${skipped} leading line(s) are blank, comments or titles`,
  };
}

/**
 * Header rules: for each column whose data values have a type (number, date, boolean), a text cell
 * in the first row votes "header", a cell of that type votes "no header". Unanimous votes give
 * 0.95 / 0.9; a split gives the majority at 0.6. With only text columns a header is assumed (most
 * files have one) at 0.6, or 0.5 when the first row has empty or repeated cells.
 */
function detectHeader(rows: SampleRecord[], allowDecimalComma: boolean): DetectedOption<boolean> {
  if (rows.length === 0) {
    return { value: true, detected: true, confidence: 0.5, reason: 'no rows to compare' };
  }
  const first = rows[0].fields;
  const data = rows.slice(1);
  if (data.length === 0) {
    const typed = first.some((cell) => !['text', 'empty'].includes(classifyValue(cell, allowDecimalComma)));
    return typed
      ? { value: false, detected: true, confidence: 0.6, reason: 'a single row with typed values' }
      : { value: true, detected: true, confidence: 0.6, reason: 'a single row of text' };
  }
  let votesForHeader = 0;
  let votesAgainst = 0;
  first.forEach((cell, column) => {
    const accumulator = new ColumnTypeAccumulator(allowDecimalComma);
    for (const row of data) {
      if (column < row.fields.length) accumulator.add(row.fields[column]);
    }
    const { type } = accumulator.result();
    if (type === 'text') return;
    const kind = classifyValue(cell, allowDecimalComma);
    if (kind === 'empty') return;
    if (kind === 'text') votesForHeader++;
    else votesAgainst++;
  });
  if (votesForHeader > 0 && votesAgainst === 0) {
    return {
      value: true,
      detected: true,
      confidence: 0.95,
      reason: `first row is text above ${votesForHeader} typed column(s)`,
    };
  }
  if (votesAgainst > 0 && votesForHeader === 0) {
    return {
      value: false,
      detected: true,
      confidence: 0.9,
      reason: 'first row has the same types as the data',
    };
  }
  if (votesAgainst > 0) {
    return {
      value: votesForHeader > votesAgainst,
      detected: true,
      confidence: 0.6,
      reason: 'first row partly typed',
    };
  }
  const nonEmpty = first.filter((cell) => cell.trim() !== '');
  const distinct = new Set(nonEmpty.map((cell) => cell.trim().toLowerCase())).size === nonEmpty.length;
  return nonEmpty.length === first.length && distinct
    ? { value: true, detected: true, confidence: 0.6, reason: 'only text columns: header assumed' }
    : {
        value: true,
        detected: true,
        confidence: 0.5,
        reason: 'only text columns, first row has empty or repeated cells: header assumed',
      };
}

/**
 * Detects delimiter, quote, escape, skipped lines and header from the decoded beginning of a file.
 * Delimiter: among `,` `;` tab `|`, the one that splits the sample records into the most consistent
 * number of fields (more than one), outside quotes; ties go to more columns, then to the order above.
 * Quote: `"` unless `'` makes the field counts clearly more consistent.
 * @param truncated the text stops before the end of the file: its last record may be cut.
 */
export function sniffDialect(
  text: string,
  options: { truncated: boolean; imposed?: DialectOverrides },
): DialectDetection {
  const imposed = options.imposed ?? {};
  const quoteCandidates = imposed.quoteChar !== undefined ? [imposed.quoteChar] : ['"', "'"];
  const delimiterCandidates = imposed.delimiter !== undefined ? [imposed.delimiter] : DETECTABLE_DELIMITERS;
  const escapeFor = (quote: string | null): string => imposed.escapeChar ?? quote ?? '"';

  const scores: DelimiterScore[] = [];
  for (const quoteChar of quoteCandidates) {
    for (const delimiter of delimiterCandidates) {
      let records = scanSampleRecords(text, delimiter, quoteChar, escapeFor(quoteChar));
      if (options.truncated && records.length > 1) {
        records = records.slice(0, -1);
      }
      scores.push(scoreDialect(records, delimiter, quoteChar ?? ''));
    }
  }
  const bestFor = (quote: string): DelimiterScore | undefined =>
    scores
      .filter((score) => score.quoteChar === quote)
      .reduce<DelimiterScore | undefined>((best, score) => (isBetter(score, best) ? score : best), undefined);
  let best = bestFor(quoteCandidates[0] ?? '') as DelimiterScore;
  if (imposed.quoteChar === undefined) {
    const single = bestFor("'");
    if (single !== undefined && single.mode > 1 && single.share > best.share + 0.05) {
      best = single;
    }
  }
  const quoteChar = imposed.quoteChar !== undefined ? imposed.quoteChar : best.quoteChar;

  let delimiter: DetectedOption<string>;
  if (imposed.delimiter !== undefined) {
    delimiter = imposedOption(imposed.delimiter);
  } else if (best.mode < 2) {
    delimiter = {
      value: ',',
      detected: true,
      confidence: 0.3,
      reason: 'no candidate delimiter splits the lines: one column',
    };
  } else {
    const rival = scores.some(
      (score) =>
        score !== best &&
        score.quoteChar === best.quoteChar &&
        score.mode > 1 &&
        Math.abs(score.share - best.share) < 1e-9,
    );
    const nonBlank = best.records.filter((record) => !record.blank).length;
    const confidence = Math.round(best.share * (rival ? 0.6 : 1) * (nonBlank >= 5 ? 1 : 0.8) * 100) / 100;
    const shown = best.delimiter === '\t' ? 'tab' : `'${best.delimiter}'`;
    delimiter = {
      value: best.delimiter,
      detected: true,
      confidence,
      reason: `${shown} splits ${Math.round(best.share * 100)}% of the lines into ${best.mode} fields`,
    };
  }

  const quote: DetectedOption<string | null> =
    imposed.quoteChar !== undefined
      ? imposedOption(imposed.quoteChar)
      : quoteChar === "'"
        ? { value: "'", detected: true, confidence: 0.7, reason: 'single quotes give more consistent rows' }
        : { value: '"', detected: true, confidence: 0.9, reason: 'standard double quote' };
  const escape =
    imposed.escapeChar !== undefined
      ? imposedOption(imposed.escapeChar)
      : detectEscape(text, delimiter.value, quote.value);

  const records = best.records;
  const skipRows =
    imposed.skipRows !== undefined ? imposedOption(imposed.skipRows) : detectSkipRows(records, best.mode);
  const rows = records.filter((record) => !record.blank && record.line >= skipRows.value);
  const headerRow =
    imposed.headerRow !== undefined
      ? imposedOption(imposed.headerRow)
      : detectHeader(rows.slice(0, 51), delimiter.value !== ',');
  return { delimiter, quoteChar: quote, escapeChar: escape, headerRow, skipRows };
}
