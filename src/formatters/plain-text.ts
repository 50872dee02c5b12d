/**
 * Making values taken from logs (column, tag, run and file names, and messages that quote them)
 * safe to print on a terminal or into a CI log: no control character reaches the output (no
 * ANSI/OSC escape can recolour, retitle or rewrite the terminal, no line break can start a line
 * of its own), and no line starts with a CI workflow command (`::error::…` in GitHub Actions).
 */

/**
 * C0 and C1 controls, DEL, line/paragraph separators, and the bidirectional overrides and
 * isolates that can make text display in an order other than the one it has ("Trojan source").
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A value from a log as one line of inert text: control characters become visible escapes (`\n`, `\x1b`, `\u202e`). */
export function plainText(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Every string in a JSON-like value passed through plainText (a copy; numbers and the rest
 * unchanged). Keys in `omit` are dropped (e.g. a report's bulky `data` arrays, when not printed).
 */
export function plainStrings<T>(value: T, omit?: ReadonlySet<string>): T {
  if (typeof value === 'string') return plainText(value) as T;
  if (Array.isArray(value)) return value.map((v) => plainStrings(v, omit)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !omit?.has(k))
        .map(([k, v]) => [k, plainStrings(v, omit)]),
    ) as T;
  }
  return value;
}

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;

/**
 * Output lines that would start (after blanks and colour codes) with `::` get a zero-width space
 * between the two colons: CI runners read such a line as a command (GitHub Actions
 * `::error::`, `::add-mask::`, `::stop-commands::`), and a name from a log must not issue one.
 */
export function defuseCommandLines(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.replace(SGR, '').trimStart().startsWith('::') ? line.replace('::', ':\u200b:') : line))
    .join('\n');
}
