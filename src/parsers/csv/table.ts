/**
 * Delimited-text reading shared by the CSV-family parsers: delimiter detection, records with
 * their 1-based source line, header clean-up, and a cheap never-throwing preview for sniffing.
 * Pure: text in, records out.
 */
import { createRequire } from 'node:module';
import type { ParseWarning } from '../../core/types.js';
import { InputError } from '../../errors.js';
import { decodeText, parseNumber, splitLines } from '../text.js';
import type { ParserInput } from '../types.js';

export const DELIMITERS = [',', '\t', ';', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Rows looked at to guess the delimiter (PapaParse uses 10). */
const PREVIEW_ROWS = 10;
/** A quoted field may span lines; give up balancing quotes after this many lines. */
const MAX_RECORD_LINES = 200;

// ---------------------------------------------------------------------------------------------
// Warnings

/** Collects warnings, keeping at most `cap` of each code and summarising the rest. */
export class WarningSink {
  readonly list: ParseWarning[] = [];
  private readonly counts = new Map<string, number>();

  constructor(private readonly cap = 20) {}

  add(code: string, message: string, line?: number): void {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    if (n <= this.cap) this.list.push(line === undefined ? { code, message } : { code, message, line });
  }

  /** The collected warnings, plus one summary per code that went over the cap. */
  finish(): ParseWarning[] {
    const out = this.list.slice();
    for (const [code, n] of this.counts) {
      if (n > this.cap) {
        out.push({ code, message: `${n - this.cap} more '${code}' warnings not shown (${n} in total)` });
      }
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Field splitting and delimiter detection

/** Quote-aware split used for previews (never throws; quotes are stripped, `""` unescaped). */
function splitQuoted(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let cur = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inQuotes) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else inQuotes = false;
      } else cur += c;
    } else if (c === '"' && cur.trim() === '') {
      cur = '';
      inQuotes = true;
    } else if (c === delimiter) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function countFields(line: string, delimiter: string): number {
  if (!line.includes('"')) {
    let n = 1;
    for (let i = line.indexOf(delimiter); i >= 0; i = line.indexOf(delimiter, i + 1)) n++;
    return n;
  }
  return splitQuoted(line, delimiter).length;
}

/**
 * PapaParse-style guess: the delimiter whose field count is most consistent over the preview
 * lines (smallest total change between successive lines), among those giving ≥ 2 fields on
 * average; ties go to the larger field count. `undefined` when no candidate splits the lines.
 */
export function guessDelimiter(lines: string[]): Delimiter | undefined {
  let best: Delimiter | undefined;
  let bestDelta = Infinity;
  let bestAvg = 0;
  for (const d of DELIMITERS) {
    let prev = -1;
    let delta = 0;
    let total = 0;
    let n = 0;
    for (const line of lines) {
      if (line.trim() === '') continue;
      const count = countFields(line, d);
      total += count;
      n++;
      if (prev >= 0) delta += Math.abs(count - prev);
      prev = count;
    }
    if (n === 0) continue;
    const avg = total / n;
    if (avg <= 1.99) continue;
    if (delta < bestDelta || (delta === bestDelta && avg > bestAvg)) {
      best = d;
      bestDelta = delta;
      bestAvg = avg;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Cells

/**
 * Parse a numeric cell (see parseNumber). With a non-comma delimiter a decimal comma
 * (`0,5` in a `;`-separated export) is accepted too.
 */
export function parseCell(raw: string, decimalComma: boolean): number | undefined | null {
  const r = parseNumber(raw);
  if (r === null && decimalComma && raw.includes(',')) {
    const s = raw.trim();
    if (/^[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?$/.test(s)) return parseNumber(s.replace(',', '.'));
  }
  return r;
}

/** Trimmed, unquoted header names; blanks become `column_<k>`, duplicates get `#2`, `#3`… */
export function cleanHeader(raw: string[], line: number, warnings: WarningSink): string[] {
  const seen = new Map<string, number>();
  return raw.map((cell, k) => {
    let name = cell.trim().replace(/^"(.*)"$/, '$1').trim();
    if (name === '') name = `column_${k + 1}`;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n > 1) {
      const renamed = `${name}#${n}`;
      warnings.add('duplicate-column', `column '${name}' appears ${n} times; this one is read as '${renamed}'`, line);
      return renamed;
    }
    return name;
  });
}

// ---------------------------------------------------------------------------------------------
// Whole-file reading

export interface Table {
  /** Input name, for errors. */
  source: string;
  delimiter: string;
  /** Clean, unique column names. */
  header: string[];
  /** 1-based line of the header. */
  headerLine: number;
  warnings: WarningSink;
  /**
   * Visit every data record after the header in file order. A record equal to the header (an
   * appended log writing its header again) goes to `onRepeatedHeader` instead (default: a
   * 'repeated-header' warning). Rows with fewer fields than the header are passed as they are
   * (missing cells are `undefined`) after a 'ragged-row' warning.
   */
  forEachRow(
    fn: (cells: string[], line: number) => void,
    onRepeatedHeader?: (line: number) => void,
  ): void;
}

/** True when decoded text looks like binary data rather than a text table. */
export function looksBinary(text: string): boolean {
  const n = Math.min(text.length, 4096);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13)) bad++;
  }
  return n > 0 && bad / n > 0.05;
}

type CsvParseSync = typeof import('csv-parse/sync').parse;
let csvParseSync: CsvParseSync | undefined;

/** csv-parse, loaded on the first quoted line (plain files never need it: faster start-up). */
function csvParse(): CsvParseSync {
  return (csvParseSync ??= (createRequire(import.meta.url)('csv-parse/sync') as { parse: CsvParseSync }).parse);
}

/** Split one record text with csv-parse (quoted fields). Throws csv-parse errors. */
function parseQuotedRecord(text: string, delimiter: string): string[] {
  const rows = csvParse()(text, {
    delimiter,
    relax_quotes: true,
    relax_column_count: true,
    record_delimiter: '\n',
    skip_empty_lines: false,
  });
  return rows.length > 0 ? rows.flat() : [''];
}

function quoteCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

/**
 * Iterate the records of `lines` from index `start`: blank lines are skipped, unquoted lines are
 * split by hand, lines with quotes go through csv-parse (joining following lines while a quoted
 * field is open). Calls `fn(cells, line)` with the record's first 1-based line.
 */
function scanRecords(
  lines: string[],
  start: number,
  delimiter: string,
  warnings: WarningSink,
  fn: (cells: string[], line: number, index: number) => boolean | void,
): void {
  for (let i = start; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    let cells: string[];
    if (!line.includes('"')) {
      cells = line.split(delimiter);
    } else {
      let text = line;
      let end = i;
      let quotes = quoteCount(line);
      while (quotes % 2 === 1 && end + 1 < lines.length && end - i < MAX_RECORD_LINES) {
        end++;
        text += '\n' + lines[end];
        quotes += quoteCount(lines[end]);
      }
      if (quotes % 2 === 1) {
        // Never closed: read this line on its own rather than swallowing the rest of the file.
        text = line;
        end = i;
        warnings.add('bad-quotes', 'unbalanced quote; the line is read as it stands', lineNo);
      }
      try {
        cells = parseQuotedRecord(text, delimiter);
      } catch {
        warnings.add('bad-quotes', 'malformed quoted field; the line is read as it stands', lineNo);
        cells = splitQuoted(text, delimiter);
      }
      i = end;
    }
    if (fn(cells, lineNo, i) === false) return;
  }
}

/**
 * Decode and open a delimited table: finds the delimiter (on a 10-row preview) and the header.
 * Throws InputError for binary data and for a file without any text line.
 */
export function openTable(input: ParserInput, fixedDelimiter?: string): Table {
  const text = decodeText(input.bytes);
  if (looksBinary(text)) {
    throw new InputError(input.name, 'binary data, not a delimited text table', { code: 'not-csv' });
  }
  const lines = splitLines(text);
  const warnings = new WarningSink();

  const preview: string[] = [];
  for (let i = 0; i < lines.length && preview.length < PREVIEW_ROWS; i++) {
    if (lines[i].trim() !== '') preview.push(lines[i]);
  }
  if (preview.length === 0) throw new InputError(input.name, 'empty file', { code: 'empty' });

  let delimiter: string | undefined = fixedDelimiter ?? guessDelimiter(preview);
  if (delimiter === undefined) {
    // One column, or nothing consistent: fall back to the comma, as PapaParse does.
    delimiter = ',';
  }
  const d = delimiter;

  let headerCells: string[] | undefined;
  let headerLine = 0;
  let dataStart = 0;
  scanRecords(lines, 0, d, warnings, (cells, line, index) => {
    headerCells = cells;
    headerLine = line;
    dataStart = index + 1;
    return false;
  });
  if (headerCells === undefined) throw new InputError(input.name, 'empty file', { code: 'empty' });

  const rawHeader = headerCells.map((c) => c.trim());
  const isHeaderAgain = (cells: string[]): boolean => {
    if (cells.length !== rawHeader.length) return false;
    for (let k = 0; k < cells.length; k++) if (cells[k].trim() !== rawHeader[k]) return false;
    return true;
  };
  const header = cleanHeader(headerCells, headerLine, warnings);
  const width = header.length;

  return {
    source: input.name,
    delimiter: d,
    header,
    headerLine,
    warnings,
    forEachRow(fn, onRepeatedHeader) {
      scanRecords(lines, dataStart, d, warnings, (cells, line) => {
        if (isHeaderAgain(cells)) {
          if (onRepeatedHeader) onRepeatedHeader(line);
          else warnings.add('repeated-header', 'the header line appears again; skipped', line);
          return;
        }
        warnRagged(warnings, cells, width, line);
        fn(cells, line);
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Sniffing

/** Re-join physical lines that belong to one record (a quoted field holding a line break). */
function joinQuotedLines(lines: string[]): string[] {
  const out: string[] = [];
  let open: string | undefined;
  let quotes = 0;
  for (const line of lines) {
    const text = open === undefined ? line : `${open}\n${line}`;
    quotes += quoteCount(line);
    if (quotes % 2 === 1) open = text;
    else {
      out.push(text);
      open = undefined;
      quotes = 0;
    }
  }
  if (open !== undefined) out.push(open);
  return out;
}

export interface HeadTable {
  delimiter: string;
  /** Trimmed, unquoted header names (not de-duplicated). */
  header: string[];
  /** Following preview rows, cells trimmed and unquoted (the last one may be cut short). */
  rows: string[][];
  /** Every complete preview row has as many fields as the header. */
  consistent: boolean;
}

/**
 * Cheap look at the head of a file for sniff(): `undefined` when it does not look like a
 * delimited table with a header (JSON, binary, no delimiter). Never throws.
 */
export function sniffTable(head: string): HeadTable | undefined {
  try {
    let text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
    const trimmed = text.trimStart();
    if (trimmed === '' || trimmed[0] === '{' || trimmed[0] === '[') return undefined;
    if (text.includes('\u0000')) return undefined;
    if (text.length > 65536) text = text.slice(0, 65536);
    const all = joinQuotedLines(splitLines(text).filter((l) => l.trim() !== ''));
    const cutShort = !/[\r\n]$/.test(text);
    const lines = all.slice(0, PREVIEW_ROWS + 1);
    // A head that stops mid-line would skew the field counts: leave that line out of the guess.
    const complete = cutShort && lines.length === all.length && lines.length > 2 ? lines.slice(0, -1) : lines;
    const delimiter = guessDelimiter(complete.length > 0 ? complete : lines);
    if (delimiter === undefined) return undefined;
    const split = (l: string) => splitQuoted(l, delimiter).map((c) => c.trim());
    const header = split(lines[0]);
    const rows = lines.slice(1).map(split);
    const nComplete = complete.length - 1;
    let consistent = true;
    for (let i = 0; i < rows.length && i < nComplete; i++) {
      if (rows[i].length !== header.length) consistent = false;
    }
    return { delimiter, header, rows, consistent };
  } catch {
    return undefined;
  }
}

/** Share of the non-empty cells of `row` that are numbers (incl. nan/inf). */
export function numericShare(row: string[], decimalComma = false): number {
  let n = 0;
  let num = 0;
  for (const c of row) {
    if (c === '') continue;
    n++;
    const v = parseCell(c, decimalComma);
    if (typeof v === 'number') num++;
  }
  return n === 0 ? 0 : num / n;
}

/** Warn about a row with fewer fields than the header, or extra fields that hold something. */
export function warnRagged(warnings: WarningSink, cells: readonly string[], width: number, line: number): void {
  if (cells.length < width) {
    warnings.add('ragged-row', `row has ${cells.length} fields, the header has ${width}; the missing cells are treated as empty`, line);
  } else if (cells.length > width && cells.slice(width).some((c) => c.trim() !== '')) {
    warnings.add('ragged-row', `row has ${cells.length} fields, the header has ${width}; the extra cells are ignored`, line);
  }
}
