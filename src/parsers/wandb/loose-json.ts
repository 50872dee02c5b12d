/**
 * JSON as W&B writes it: Python's and Go's encoders spell non-finite floats as the bare tokens
 * `NaN`, `Infinity` and `-Infinity`, which JSON.parse rejects. This walker reads such text in one
 * linear pass and reports the leaves of objects by their `/`-joined path; it builds no object
 * tree. Pure.
 */

/** A leaf value: numbers (NaN/±Infinity included), strings, booleans, null, or an array's raw text. */
export type Leaf = number | string | boolean | null;

interface WalkOptions {
  /** Leave out objects that have a `_type` key (W&B histograms, images, tables, graphs). */
  skipTyped?: boolean;
  /** Report arrays as their raw text (true) or leave them out (false, the default). */
  arraysAsText?: boolean;
}

class LooseJsonError extends Error {}

/** Objects nested deeper than this are not a W&B value (and would exhaust the stack). */
const MAX_DEPTH = 64;

/**
 * Call `leaf(path, value)` for every leaf of `text` (a lone scalar has the path ''). Leaves are
 * handed on only once the whole text has parsed: when it is not JSON, none is, and it returns false.
 */
export function walkLooseJson(text: string, leaf: (path: string, value: Leaf) => void, options: WalkOptions = {}): boolean {
  const walker = new Walker(text, options);
  try {
    walker.skipWs();
    const pending: Array<[string, Leaf]> = [];
    walker.value('', pending);
    walker.skipWs();
    if (walker.pos !== text.length) throw new LooseJsonError('trailing text');
    for (const [p, v] of pending) leaf(p, v);
    return true;
  } catch (error) {
    if (error instanceof LooseJsonError) return false;
    throw error;
  }
}

/** The single number a JSON text holds (NaN/±Infinity tokens allowed); undefined for anything else. */
export function looseNumber(text: string): number | undefined {
  const t = text.trim();
  if (t === 'NaN') return Number.NaN;
  if (t === 'Infinity') return Infinity;
  if (t === '-Infinity') return -Infinity;
  if (!NUMBER.test(t)) return undefined;
  return Number(t);
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

class Walker {
  pos = 0;
  constructor(
    readonly text: string,
    readonly options: WalkOptions,
  ) {}

  skipWs(): void {
    const t = this.text;
    let p = this.pos;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      p++;
    }
    this.pos = p;
  }

  value(path: string, out: Array<[string, Leaf]>, depth = 0): void {
    const t = this.text;
    const c = t.charCodeAt(this.pos);
    if (c === 0x7b) {
      if (depth > MAX_DEPTH) throw new LooseJsonError('nested too deeply');
      return this.object(path, out, depth);
    }
    if (c === 0x5b) {
      const start = this.pos;
      this.skipArray();
      if (this.options.arraysAsText) out.push([path, t.slice(start, this.pos)]);
      return;
    }
    if (c === 0x22) {
      out.push([path, this.string()]);
      return;
    }
    out.push([path, this.scalar()]);
  }

  private object(path: string, out: Array<[string, Leaf]>, depth: number): void {
    const t = this.text;
    this.pos++;
    const mark = out.length;
    let typed = false;
    this.skipWs();
    if (t.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWs();
      if (t.charCodeAt(this.pos) !== 0x22) throw new LooseJsonError('key expected');
      const key = this.string();
      if (key === '_type') typed = true;
      this.skipWs();
      if (t.charCodeAt(this.pos) !== 0x3a) throw new LooseJsonError(': expected');
      this.pos++;
      this.skipWs();
      this.value(path === '' ? key : `${path}/${key}`, out, depth + 1);
      this.skipWs();
      const c = t.charCodeAt(this.pos++);
      if (c === 0x2c) continue;
      if (c === 0x7d) break;
      throw new LooseJsonError(', or } expected');
    }
    if (typed && this.options.skipTyped) out.length = mark;
  }

  /** Skip an array (strings inside may hold brackets). */
  private skipArray(): void {
    const t = this.text;
    let depth = 0;
    let p = this.pos;
    while (p < t.length) {
      const c = t.charCodeAt(p++);
      if (c === 0x22) {
        while (p < t.length) {
          const d = t.charCodeAt(p++);
          if (d === 0x5c) p++;
          else if (d === 0x22) break;
        }
      } else if (c === 0x5b || c === 0x7b) depth++;
      else if (c === 0x5d || c === 0x7d) {
        depth--;
        if (depth === 0) {
          this.pos = p;
          return;
        }
      }
    }
    throw new LooseJsonError('unterminated array');
  }

  private string(): string {
    const t = this.text;
    const start = this.pos;
    let p = start + 1;
    let escaped = false;
    while (p < t.length) {
      const c = t.charCodeAt(p++);
      if (c === 0x5c) {
        escaped = true;
        p++;
      } else if (c === 0x22) {
        this.pos = p;
        if (!escaped) return t.slice(start + 1, p - 1);
        try {
          return JSON.parse(t.slice(start, p)) as string;
        } catch {
          throw new LooseJsonError('bad string');
        }
      }
    }
    throw new LooseJsonError('unterminated string');
  }

  private scalar(): Leaf {
    const t = this.text;
    let p = this.pos;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) break;
      p++;
    }
    const token = t.slice(this.pos, p);
    this.pos = p;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token === 'null') return null;
    const n = looseNumber(token);
    if (n === undefined) throw new LooseJsonError('bad token');
    return n;
  }
}
