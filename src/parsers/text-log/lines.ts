/** Physical lines of terminal output reduced to what the terminal showed. Pure. */

/**
 * The final visible state of one output line: `\r` returns to the start (the last non-blank
 * rewrite wins, as progress bars redraw the whole line) and `\b` deletes one character.
 */
export function finalLineState(line: string): string {
  if (line.indexOf('\r') < 0 && line.indexOf('\b') < 0) return line;
  const segments = line.split('\r');
  for (let i = segments.length - 1; i >= 0; i--) {
    let seg = segments[i];
    if (seg.indexOf('\b') >= 0) {
      const out: string[] = [];
      for (const ch of seg) {
        if (ch === '\b') out.pop();
        else out.push(ch);
      }
      seg = out.join('');
    }
    if (seg.trim() !== '') return seg;
  }
  return '';
}

/** ANSI colour / cursor escapes (Keras 3 and rich progress bars colour their output). */
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Physical lines (LF / CRLF) reduced to their final state, without ANSI escapes. */
export function outputLines(text: string): string[] {
  const raw = text.split('\n');
  return raw.map((l) => {
    const line = l.indexOf('\x1b') >= 0 ? l.replace(ANSI, '') : l;
    return finalLineState(line.replace(/\r+$/, ''));
  });
}

/** Timestamps and logger prefixes (`2020-10-17 19:14:17,027 - mmdet - INFO - `). */
export function stripLogPrefix(line: string): string {
  const m = /^.{0,120}?\b(?:INFO|DEBUG|WARNING|WARN|ERROR|CRITICAL)\b\s*[:\]|\-]*\s*/.exec(line);
  if (m) return line.slice(m[0].length);
  return line.replace(/^\s*\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?\]?\s*[-|:]?\s*/, '');
}

