/** Cheap shape tests on a bounded head of text, shared by the JSON-family sniffers. */
import { splitLines } from '../text.js';

export function stripBom(head: string): string {
  return head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
}

/**
 * fairseq `--log-format json`: `2021-… | INFO | train_inner | {"epoch": 1, …}`. The `| tag |` is
 * matched on the text before the first `{` (a regex ending in `\{.*\}\s*$` would rescan the rest of
 * the line from every `|`: quadratic).
 */
export function isFairseqJsonLine(line: string): boolean {
  const end = line.trimEnd();
  if (!end.endsWith('}')) return false;
  const open = end.indexOf('{');
  return open >= 0 && /\|\s*[A-Za-z][\w.-]*\s*\|\s*$/.test(end.slice(0, open));
}

/**
 * The complete lines of a head (the last line is dropped when the head may have cut it),
 * trimmed, without empty lines, at most `max`.
 */
export function headLines(head: string, max = 20): string[] {
  const all = splitLines(head);
  if (!/[\r\n]$/.test(head)) all.pop();
  const out: string[] = [];
  for (const l of all) {
    const t = l.trim();
    if (t === '') continue;
    out.push(t);
    if (out.length >= max) break;
  }
  return out;
}

/**
 * A line that holds one JSON object (possibly behind a fairseq log prefix). A JSON object opens
 * with `{"` or is `{}`: `{'loss': 0.5}` is a Python dict (Hugging Face Trainer stdout), a text log.
 */
export function isObjectLine(line: string): boolean {
  return (/^\{\s*["}]/.test(line) && line.endsWith('}')) || isFairseqJsonLine(line);
}

/** How many of the head's first complete lines are one-line JSON objects, -1 if a line is not. */
export function countObjectLines(head: string): number {
  const lines = headLines(head, 5);
  let n = 0;
  for (const l of lines) {
    if (!isObjectLine(l)) return -1;
    n++;
  }
  return n;
}
