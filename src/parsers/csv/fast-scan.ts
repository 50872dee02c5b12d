/**
 * Byte-level scanner for plain delimited numeric tables, fed chunk by chunk (the whole file is
 * never needed at once). It reproduces openTable()'s reading exactly — BOM, line breaks
 * (`\r*\n`), blank lines, delimiter guess on a 10-line preview, header clean-up — and hands
 * every record to a FastCollector: as typed values when each cell the plan reads is a plain
 * number or empty, else as the decoded line (the exact string logic). Anything it cannot
 * reproduce byte-for-byte (a quote anywhere, a lone CR, UTF-16, binary data, a huge head)
 * throws FastFallback, and the caller reads the file the ordinary way. Pure.
 */
import { MAX_NUMBER_CHARS, splitLines } from '../text.js';
import { tokenDouble } from './decimal.js';
import { ABSENT, FastCollector, FastFallback, MISSING, NUM, type HeaderInfo } from './fast-collect.js';
import { cleanHeader, guessDelimiter, looksBinary, parseCell, WarningSink } from './table.js';

/** Bytes decoded for the preview at first (grown until 10 non-blank lines are complete). */
const HEAD_MIN = 64 * 1024;
/** Give up (fall back) when the first 10 non-blank lines do not fit in this many bytes. */
const HEAD_MAX = 8 * 1024 * 1024;
/** Rows openTable looks at to guess the delimiter. */
const PREVIEW_ROWS = 10;

const POW10 = new Float64Array(23);
POW10[0] = 1;
for (let i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10;

/** 2^53: integers below it are exact in a double. */
const MAX_EXACT = 2 ** 53;

const LF = 10;
const CR = 13;
const QUOTE = 34;

const textDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Number() of a numeric token (ASCII; a decimal comma read as a point), as parseNumber gives it. */
function tokenNumber(buf: Uint8Array, from: number, to: number, comma: boolean): number {
  const s = asciiString(buf, from, to);
  return Number(comma ? s.replace(',', '.') : s);
}

function asciiString(buf: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(buf[i]);
  return s;
}

/** A copy (`slice` of a Node Buffer is a view, so it is not used on chunks). */
function copyOf(view: Uint8Array): Uint8Array {
  const out = new Uint8Array(view.length);
  out.set(view);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Reads records into a collector; `scan` may be called chunk after chunk. */
class RowScanner {
  /** 1-based line number of the next line. */
  line: number;
  private readonly d: number;
  private readonly tabWs: boolean;
  /** Decimal separator accepted besides '.' (',' when the delimiter is not a comma). */
  private readonly sep2: number;
  private readonly width: number;
  private readonly needed: Uint8Array;
  private readonly kinds: Uint8Array;
  private readonly vals: Float64Array;

  constructor(
    private readonly collector: FastCollector,
    delimiter: string,
    firstLine: number,
  ) {
    this.line = firstLine;
    this.d = delimiter.charCodeAt(0);
    this.tabWs = delimiter !== '\t';
    this.sep2 = delimiter !== ',' ? 44 : 46;
    this.width = collector.width;
    this.needed = collector.needed;
    this.kinds = new Uint8Array(this.width);
    this.vals = new Float64Array(this.width);
  }

  /**
   * Read the lines of buf[pos..buf.length), which ends with a line feed (the caller passes whole
   * lines only, and adds the missing line break of a last line): no byte test needs a bounds check,
   * every loop stops at the line feed at the latest.
   */
  scan(buf: Uint8Array, pos: number): void {
    const limit = buf.length;
    const d = this.d;
    const tabWs = this.tabWs;
    const sep2 = this.sep2;
    const width = this.width;
    const needed = this.needed;
    const kinds = this.kinds;
    const vals = this.vals;
    const collector = this.collector;

    lines: while (pos < limit) {
      const s = pos;
      let p = s;
      let b = buf[p];
      // Blank line (only spaces, tabs, VT, FF): skipped, as `line.trim() === ''` does.
      while (b === 32 || b === 9 || b === 11 || b === 12) b = buf[++p];
      if (b === LF) {
        this.line++;
        pos = p + 1;
        continue;
      }
      if (b === CR) {
        while (b === CR) b = buf[++p];
        if (b !== LF) throw new FastFallback('lone CR line break');
        this.line++;
        pos = p + 1;
        continue;
      }

      p = s;
      let c = 0;
      let extraFilled = false;
      let text = false;
      cells: for (;;) {
        if (c < width && needed[c] === 1) {
          const raw = p;
          b = buf[p];
          while (b === 32 || (b === 9 && tabWs)) b = buf[++p];
          if (b === d || b === LF || b === CR) {
            kinds[c] = MISSING;
          } else {
            // [+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?: the digits as an integer m and a power of ten.
            const start = p;
            let comma = false;
            let neg = false;
            if (b === 45 || b === 43) {
              neg = b === 45;
              b = buf[++p];
            }
            let m = 0;
            let frac = 0;
            let digits = 0;
            while (b >= 48 && b <= 57) {
              m = m * 10 + (b - 48);
              digits++;
              b = buf[++p];
            }
            if (b === 46 || b === sep2) {
              comma = b === 44;
              b = buf[++p];
              while (b >= 48 && b <= 57) {
                m = m * 10 + (b - 48);
                frac++;
                digits++;
                b = buf[++p];
              }
            }
            let ok = digits > 0;
            let exp = 0;
            if (ok && (b === 101 || b === 69)) {
              b = buf[++p];
              let eneg = false;
              if (b === 45 || b === 43) {
                eneg = b === 45;
                b = buf[++p];
              }
              let ed = 0;
              while (b >= 48 && b <= 57) {
                if (exp < 100000) exp = exp * 10 + (b - 48);
                ed++;
                b = buf[++p];
              }
              if (ed === 0) ok = false;
              if (eneg) exp = -exp;
            }
            const end = p;
            // A number longer than any log writes is damage: the string path reports it.
            if (end - start > MAX_NUMBER_CHARS) ok = false;
            while (b === 32 || (b === 9 && tabWs)) b = buf[++p];
            let v = Number.NaN;
            if (ok && (b === d || b === LF || b === CR)) {
              const e10 = exp - frac;
              // m below 2^53 was accumulated exactly; with an exact power of ten, one division or
              // multiplication rounds correctly (Clinger's fast path).
              const exactM = m < MAX_EXACT;
              if (m === 0) v = neg ? -0 : 0;
              else if (exactM && e10 === 0) v = neg ? -m : m;
              else if (exactM && e10 < 0 && e10 >= -22) v = (neg ? -m : m) / POW10[-e10];
              else if (exactM && e10 > 0 && e10 <= 22) v = (neg ? -m : m) * POW10[e10];
              else {
                // Not exact in doubles (Python writes 17 digits): the correctly rounded value.
                v = digits >= 3 && e10 < 0 ? tokenDouble(buf, start, end, digits, e10, neg) : Number.NaN;
                if (Number.isNaN(v)) v = tokenNumber(buf, start, end, comma);
              }
            } else ok = false;
            if (ok) {
              kinds[c] = NUM;
              vals[c] = v;
            } else {
              // Anything else (nan, inf, NA, a long mantissa, text): the cell as a string.
              p = raw;
              b = buf[p];
              while (b !== d && b !== LF && b !== CR) {
                if (b >= 128) text = true;
                b = buf[++p];
              }
              if (text) break cells;
              const r = parseCell(asciiString(buf, raw, p), sep2 === 44);
              if (typeof r === 'number') {
                kinds[c] = NUM;
                vals[c] = r;
              } else if (r === undefined) kinds[c] = MISSING;
              else {
                text = true;
                break cells;
              }
            }
          }
        } else {
          b = buf[p];
          if (c >= width) {
            while (b !== d && b !== LF && b !== CR) {
              if (b >= 128) text = true;
              else if (b !== 32 && b !== 9 && b !== 11 && b !== 12) extraFilled = true;
              b = buf[++p];
            }
          } else {
            while (b !== d && b !== LF && b !== CR) b = buf[++p];
          }
        }
        c++;
        if (b === d) {
          p++;
          continue;
        }
        break;
      }

      if (text) {
        // The exact string logic for this record (non-ASCII, a non-numeric cell, a repeated header).
        const e = buf.indexOf(LF, p);
        let le = e;
        while (le > s && buf[le - 1] === CR) le--;
        const cr = buf.indexOf(CR, s);
        if (cr >= 0 && cr < le) throw new FastFallback('lone CR line break');
        collector.textRow(textDecoder.decode(buf.subarray(s, le)), this.line++);
        pos = e + 1;
        continue lines;
      }

      // The cell ended at the line break (LF, or CRs then LF).
      while (b === CR) b = buf[++p];
      if (b !== LF) throw new FastFallback('lone CR line break');
      for (let k = c; k < width; k++) kinds[k] = ABSENT;
      collector.fastRow(kinds, vals, c, extraFilled, this.line++);
      pos = p + 1;
    }
  }
}

export interface ScanOptions {
  /** Input name, for messages. */
  source: string;
  /** Total size in bytes, when known (preallocation). */
  size?: number;
  /** Builds the collector once the header is known (may throw the parser's own InputError). */
  collector: (info: HeaderInfo, rowsHint: number) => FastCollector;
}

/**
 * Scan a delimited table given as chunks of its bytes, in order. A chunk need only stay valid
 * until the next one is pulled (the source may reuse one buffer): whatever is kept is copied.
 * Returns the collector holding every record; throws FastFallback when the fast path does not apply.
 */
export function scanTable(chunks: Iterable<Uint8Array>, options: ScanOptions): FastCollector {
  const it = chunks[Symbol.iterator]();
  let head: Uint8Array = new Uint8Array(0);
  /** False while `head` is the caller's chunk, which the next pull may overwrite. */
  let headOwned = true;
  let eof = false;
  const pull = (): boolean => {
    if (!headOwned) {
      head = copyOf(head);
      headOwned = true;
    }
    const r = it.next();
    if (r.done) {
      eof = true;
      return false;
    }
    const chunk = r.value;
    if (chunk.length === 0) return true;
    if (head.length === 0) {
      head = chunk;
      headOwned = false;
    } else head = concat(head, chunk);
    return true;
  };
  while (!eof && head.length < HEAD_MIN) pull();

  // Encoding, as decodeText() decides it: UTF-8 (BOM skipped) or else fall back.
  if (head.length < 1) throw new FastFallback('empty');
  let bom = 0;
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) bom = 3;
  else if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
    throw new FastFallback('UTF-16');
  } else if (
    head.length >= 4 &&
    ((head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) ||
      (head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0))
  ) {
    throw new FastFallback('UTF-16');
  }

  // Preview: the first 10 non-blank lines (all complete), decoded.
  let span = HEAD_MIN;
  let lines: string[];
  let preview: string[];
  let whole: boolean;
  for (;;) {
    while (!eof && head.length < span) pull();
    const end = Math.min(head.length, span);
    whole = eof && end === head.length;
    // Decoded with the BOM-stripping decoder, as decodeText decodes the start of the file.
    const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(bom, end));
    if (looksBinary(text)) throw new FastFallback('binary');
    lines = splitLines(text);
    if (!whole) lines.pop();
    preview = [];
    for (let i = 0; i < lines.length && preview.length < PREVIEW_ROWS; i++) {
      if (lines[i].trim() !== '') preview.push(lines[i]);
    }
    if (preview.length >= PREVIEW_ROWS || whole) break;
    if (span >= HEAD_MAX) throw new FastFallback('long lines');
    span *= 4;
  }
  if (preview.length === 0) throw new FastFallback('empty');
  if (head.indexOf(QUOTE) >= 0) throw new FastFallback('quote');
  const delimiter = guessDelimiter(preview) ?? ',';

  let h = 0;
  while (lines[h].trim() === '') h++;
  const headerCells = lines[h].split(delimiter);
  const headerLine = h + 1;

  // Byte offset of the line after the header: h + 1 line breaks after the BOM.
  let offset = bom;
  for (let breaks = 0; breaks <= h; ) {
    const b = head[offset];
    if (offset >= head.length) break;
    if (b === LF) {
      breaks++;
      offset++;
    } else if (b === CR) {
      let q = offset;
      while (q < head.length && head[q] === CR) q++;
      if (q >= head.length || head[q] !== LF) throw new FastFallback('lone CR line break');
      breaks++;
      offset = q + 1;
    } else offset++;
  }

  const warnings = new WarningSink();
  const info: HeaderInfo = {
    source: options.source,
    delimiter,
    header: cleanHeader(headerCells, headerLine, warnings),
    rawHeader: headerCells.map((c) => c.trim()),
    headerLine,
    warnings,
  };

  // Rows expected: bytes per line in the head, scaled to the size.
  let headLines = 0;
  for (let i = head.indexOf(LF, offset); i >= 0; i = head.indexOf(LF, i + 1)) headLines++;
  const headData = head.length - offset;
  const size = options.size ?? head.length;
  const rowsHint = headLines > 0 ? ((size - offset) / (headData / headLines)) * 1.02 + 16 : 1024;
  const collector = options.collector(info, rowsHint);
  const scanner = new RowScanner(collector, delimiter, headerLine + 1);

  // The scanner gets whole lines only; the bytes after a chunk's last line feed wait for the next.
  let carry: Uint8Array | undefined;
  const feed = (bytes: Uint8Array): void => {
    // A plain Uint8Array view of a Node Buffer: the scanner then sees one array type (a second
    // one would make V8 deoptimise it once mid-file).
    let chunk = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    if (carry) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        carry = concat(carry, chunk);
        return;
      }
      scanner.scan(concat(carry, chunk.subarray(0, nl + 1)), 0);
      carry = undefined;
      chunk = chunk.subarray(nl + 1);
    }
    const last = chunk.lastIndexOf(LF);
    if (last + 1 < chunk.length) carry = copyOf(chunk.subarray(last + 1));
    if (last >= 0) scanner.scan(last + 1 < chunk.length ? chunk.subarray(0, last + 1) : chunk, 0);
  };

  let processed = head.length;
  feed(head.subarray(offset));
  head = new Uint8Array(0);
  for (;;) {
    const r = it.next();
    if (r.done) break;
    const chunk = r.value;
    if (chunk.indexOf(QUOTE) >= 0) throw new FastFallback('quote');
    feed(chunk);
    processed += chunk.length;
    // Refine the row estimate (used when the columns must grow) from what has been read.
    if (options.size && collector.rowCount > 0) {
      collector.rowsHint = Math.max(collector.rowCount + 1024, (collector.rowCount / (processed - offset)) * (Math.max(size, processed) - offset) * 1.02);
    }
  }
  // A last line without a line break reads as if it had one.
  if (carry) scanner.scan(concat(carry, Uint8Array.of(LF)), 0);
  return collector;
}
