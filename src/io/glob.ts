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
  re: RegExp;
}

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|]/.test(c) ? `\\${c}` : c;
}

export function compileGlob(pattern: string): Glob {
  let g = pattern.trim().replace(/\\/g, '/');
  while (g.startsWith('./')) g = g.slice(2);
  g = g.replace(/^\/+/, '').replace(/\/+$/, '');
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        let j = i;
        while (g[j] === '*') j++;
        const atStart = i === 0 || g[i - 1] === '/';
        if (atStart && g[j] === '/') {
          re += '(?:.*/)?';
          i = j; // also consumes the '/'
        } else if (atStart && j === g.length && i > 0) {
          // `dir/**`: the folder's contents, and the folder itself.
          re = re.replace(/\/$/, '');
          re += '(?:/.*)?';
          i = j - 1;
        } else {
          re += '.*';
          i = j - 1;
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const close = g.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = g.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      body = body.replace(/[\\\]^]/g, (m) => `\\${m}`);
      re += negate ? `[^/${body}]` : `[${body}]`;
      i = close;
    } else {
      re += escapeRe(c);
    }
  }
  return { source: pattern, anySegment: !g.includes('/'), re: new RegExp(`^${re}$`) };
}

/** True when the glob matches `path` itself (not counting the folders it is in). */
export function globMatchesExactly(glob: Glob, path: string): boolean {
  const p = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  if (glob.anySegment) {
    const i = p.lastIndexOf('/');
    return glob.re.test(i >= 0 ? p.slice(i + 1) : p);
  }
  return glob.re.test(p);
}

/** True when the glob matches `path` or one of the folders it is in. */
export function globMatches(glob: Glob, path: string): boolean {
  const p = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (p === '') return false;
  const parts = p.split('/');
  let prefix = '';
  for (const part of parts) {
    prefix = prefix ? `${prefix}/${part}` : part;
    if (glob.anySegment ? glob.re.test(part) : glob.re.test(prefix)) return true;
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
