/** Byte → text helpers shared by the text-based parsers. Pure. */

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Decode a log's bytes: UTF-8 (BOM stripped) or UTF-16 LE/BE (by BOM, or by the NUL pattern
 * of ASCII text in UTF-16 without a BOM).
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return utf8.decode(bytes.subarray(3));
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  }
  if (bytes.length >= 4 && bytes[0] !== 0 && bytes[1] === 0 && bytes[2] !== 0 && bytes[3] === 0) {
    return new TextDecoder('utf-16le').decode(bytes);
  }
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] !== 0 && bytes[2] === 0 && bytes[3] !== 0) {
    return new TextDecoder('utf-16be').decode(bytes);
  }
  return utf8.decode(bytes);
}

/**
 * Split into lines on LF, CRLF, lone CR and the `\r\r\n` Windows artefact (CRs right before an LF
 * belong to that line break). Linear: the regex `/\r*\n|\r/` this replaces backtracks over every
 * run of CRs without an LF, quadratically (100 000 CRs took 25 s).
 */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  forEachLine(text, (line) => {
    out.push(line);
  });
  return out;
}

/**
 * The lines of splitLines, one at a time, with the offset just past each line's text (before its
 * line break): a big log is walked without an array of all its lines.
 */
export function forEachLine(text: string, visit: (line: string, index: number, end: number) => void): void {
  let index = 0;
  let start = 0;
  // The next CR at or after `start` (Infinity: none left), found again only once passed: linear.
  let cr = -1;
  const nextCr = (from: number): number => {
    if (cr !== Infinity && cr < from) {
      const at = text.indexOf('\r', from);
      cr = at < 0 ? Infinity : at;
    }
    return cr;
  };
  for (;;) {
    const lf = text.indexOf('\n', start);
    let end = lf < 0 ? text.length : lf;
    if (lf >= 0) while (end > start && text.charCodeAt(end - 1) === 13) end--;
    let from = start;
    // Lone CRs (progress bars) break lines too.
    for (let at = nextCr(from); at < end; at = nextCr(from)) {
      visit(text.slice(from, at), index++, at);
      from = at + 1;
    }
    visit(text.slice(from, end), index++, end);
    if (lf < 0) return;
    start = lf + 1;
  }
}

/**
 * Longest text read as a number. Logs write at most 17 significant digits and a short exponent;
 * a longer cell (200 000 digits) is damage, reported like any other non-number.
 */
export const MAX_NUMBER_CHARS = 400;

/**
 * Parse one numeric cell as training logs write it. Returns:
 * - a number (NaN for `nan`/`NaN`, ±Infinity for `inf`/`-inf`/`Infinity`),
 * - `undefined` for an empty/`NA`/`null`/`None` cell (no value logged),
 * - `null` when the text is not a number at all.
 * `nan` is kept as NaN (a symptom), while an empty cell is "not logged here".
 */
export function parseNumber(raw: string): number | undefined | null {
  const s = raw.trim().replace(/^"(.*)"$/, '$1').trim();
  const lower = s.toLowerCase();
  if (lower === '' || lower === 'na' || lower === 'n/a' || lower === 'null' || lower === 'none') {
    return undefined;
  }
  if (lower === 'nan' || lower === '-nan' || lower === '+nan') return Number.NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  // Number('') and Number('0x10') are too permissive for log cells.
  if (s.length > MAX_NUMBER_CHARS || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  return Number(s);
}

/** The first `maxBytes` of the input as text, for sniffing. */
export function headText(bytes: Uint8Array, maxBytes = 8192): string {
  return decodeText(bytes.subarray(0, Math.min(bytes.length, maxBytes)));
}

/** Base name of a path or `-`. */
export function baseName(name: string): string {
  const i = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return i >= 0 ? name.slice(i + 1) : name;
}
