/**
 * A tiny glob matcher for `--include` / `--exclude`. Pure; no dependency.
 *
 * - `*` matches any run of characters except `/`; `?` one character except `/`;
 *   `[abc]`, `[a-z]`, `[!abc]` one character of (or not of) a set.
 * - `**` matches anything, `/` included. As a whole leading segment (`**` then a slash) it
 *   also matches no folder at all, so `**` + `/loss.csv` matches `loss.csv`; a trailing `/**`
 *   also matches the folder itself.
 * - A pattern without `/` is matched against each name along the path (like .gitignore), so
 *   `*.csv` matches `a/b/metrics.csv` and `checkpoints` matches `run1/checkpoints/x`.
 *   A pattern with `/` is matched against the whole path below the given directory (a leading
 *   `./` or `/` is ignored), and also matches everything inside a folder it matches.
 * Paths are `/`-separated (a `\` in a pattern is read as `/`) and matched case-sensitively.
 */

export interface Glob {
  source: string;
  /** Matched against each path segment rather than the whole path. */
  anySegment: boolean;
  /** Does the whole of `text` match? Linear in its length (see matchTokens). */
  test(text: string): boolean;
}

/**
 * One step of a compiled pattern: a single character (`?`, `[…]`, a literal), `*` (any run
 * without `/`), `**` (any run), a leading `**` + slash (nothing, or any run ending in `/`), or a
 * trailing slash + `**` (nothing, or `/` and anything: only last).
 */
type Token =
  | { kind: 'char'; accepts: (c: string) => boolean }
  | { kind: 'star' }
  | { kind: 'globstar' }
  | { kind: 'dirs' }
  | { kind: 'tail' };

function setAccepts(body: string, negate: boolean): (c: string) => boolean {
  const ranges: Array<[string, string]> = [];
  for (let k = 0; k < body.length; k++) {
    if (body[k + 1] === '-' && k + 2 < body.length) {
      ranges.push([body[k], body[k + 2]]);
      k += 2;
    } else ranges.push([body[k], body[k]]);
  }
  return (c) => c !== '/' && ranges.some(([lo, hi]) => c >= lo && c <= hi) !== negate;
}

function tokenize(g: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        let j = i;
        while (g[j] === '*') j++;
        const atStart = i === 0 || g[i - 1] === '/';
        if (atStart && g[j] === '/') {
          tokens.push({ kind: 'dirs' });
          i = j; // also consumes the '/'
        } else if (atStart && j === g.length && i > 0) {
          // `dir/**`: the folder's contents, and the folder itself (the '/' before becomes part of the tail).
          tokens.pop();
          tokens.push({ kind: 'tail' });
          i = j - 1;
        } else {
          tokens.push({ kind: 'globstar' });
          i = j - 1;
        }
      } else if (tokens.at(-1)?.kind !== 'star') {
        tokens.push({ kind: 'star' });
      }
    } else if (c === '?') {
      tokens.push({ kind: 'char', accepts: (x) => x !== '/' });
    } else if (c === '[' && g.indexOf(']', i + 2) >= 0) {
      const close = g.indexOf(']', i + 2);
      let body = g.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      tokens.push({ kind: 'char', accepts: setAccepts(body, negate) });
      i = close;
    } else {
      tokens.push({ kind: 'char', accepts: (x) => x === c });
    }
  }
  return tokens;
}

/**
 * Run the pattern over `text` as a set of live positions (an NFA): each character costs at most
 * one step per token, so a name of any length is matched in linear time. A backtracking regex
 * (`*a*a*a*b` over a long name of `a`s) takes exponential time.
 */
function matchTokens(tokens: readonly Token[], text: string): boolean {
  const n = tokens.length;
  const TAIL = n + 1; // inside a trailing `/**`: accepts anything
  let live = new Uint8Array(n + 2);
  let next = new Uint8Array(n + 2);
  const add = (set: Uint8Array, i: number) => {
    // Optional tokens may match nothing: their successors are live too.
    for (; i <= n && !set[i]; i++) {
      set[i] = 1;
      const kind = i < n ? tokens[i].kind : 'end';
      if (kind === 'char' || kind === 'end') return;
    }
  };
  add(live, 0);
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    next.fill(0);
    if (live[TAIL]) next[TAIL] = 1;
    for (let i = 0; i < n; i++) {
      if (!live[i]) continue;
      const t = tokens[i];
      if (t.kind === 'char') {
        if (t.accepts(c)) add(next, i + 1);
      } else if (t.kind === 'star') {
        if (c !== '/') add(next, i);
      } else if (t.kind === 'globstar') {
        add(next, i);
      } else if (t.kind === 'dirs') {
        add(next, i);
        if (c === '/') add(next, i + 1);
      } else if (c === '/') {
        next[TAIL] = 1;
      }
    }
    [live, next] = [next, live];
  }
  return live[n] === 1 || live[TAIL] === 1;
}

export function compileGlob(pattern: string): Glob {
  let g = pattern.trim().replace(/\\/g, '/');
  while (g.startsWith('./')) g = g.slice(2);
  g = g.replace(/^\/+/, '').replace(/\/+$/, '');
  const tokens = tokenize(g);
  return { source: pattern, anySegment: !g.includes('/'), test: (text) => matchTokens(tokens, text) };
}

/** True when the glob matches `path` itself (not counting the folders it is in). */
export function globMatchesExactly(glob: Glob, path: string): boolean {
  const p = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  if (glob.anySegment) {
    const i = p.lastIndexOf('/');
    return glob.test(i >= 0 ? p.slice(i + 1) : p);
  }
  return glob.test(p);
}

/** True when the glob matches `path` or one of the folders it is in. */
export function globMatches(glob: Glob, path: string): boolean {
  const p = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (p === '') return false;
  const parts = p.split('/');
  let prefix = '';
  for (const part of parts) {
    prefix = prefix ? `${prefix}/${part}` : part;
    if (glob.anySegment ? glob.test(part) : glob.test(prefix)) return true;
  }
  return false;
}

/** Include / exclude filters over paths below a scanned directory. */
export class PathFilter {
  private readonly include: Glob[];
  private readonly exclude: Glob[];
  constructor(include: readonly string[] = [], exclude: readonly string[] = []) {
    this.include = include.filter((p) => p.trim() !== '').map(compileGlob);
    this.exclude = exclude.filter((p) => p.trim() !== '').map(compileGlob);
  }

  /** A folder is not entered when an exclude pattern matches it. */
  enterDir(relDir: string): boolean {
    return !this.exclude.some((g) => globMatchesExactly(g, relDir));
  }

  /** A file is taken when no exclude pattern matches it (or a folder it is in) and, given includes, one of them does. */
  takeFile(relPath: string): boolean {
    if (this.exclude.some((g) => globMatches(g, relPath))) return false;
    return this.include.length === 0 || this.include.some((g) => globMatches(g, relPath));
  }

  get active(): boolean {
    return this.include.length > 0 || this.exclude.length > 0;
  }
}
