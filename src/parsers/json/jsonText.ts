/**
 * JSON text helpers for the JSON-family parsers: Python's bare `NaN`/`Infinity` tokens,
 * error positions (V8's JSON.parse often reports none), and whole-document parsing that
 * fails with an InputError naming the line. Pure and linear.
 */
import { InputError } from '../../errors.js';
import { decodeText } from '../text.js';

/** JSON.parse that also accepts Python's `NaN`, `Infinity`, `-Infinity` (as strings "NaN", …). */
export function parseJsonLenient(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const fixed = quoteNonFiniteTokens(text);
    if (fixed === undefined) return { ok: false };
    try {
      return { ok: true, value: JSON.parse(fixed) };
    } catch {
      return { ok: false };
    }
  }
}

const NON_FINITE = /["NI-]/g;

/**
 * Rewrite bare `NaN`, `Infinity` and `-Infinity` outside strings as JSON strings, which the
 * parsers' number coercion turns back into NaN/±Infinity. Returns undefined when there is none.
 */
export function quoteNonFiniteTokens(text: string): string | undefined {
  const out: string[] = [];
  let last = 0;
  NON_FINITE.lastIndex = 0;
  for (;;) {
    const m = NON_FINITE.exec(text);
    if (m === null) break;
    const i = m.index;
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      NON_FINITE.lastIndex = stringEnd(text, i);
      continue;
    }
    let token: string | undefined;
    if (c === 0x4e /* N */ && text.startsWith('NaN', i)) token = 'NaN';
    else if (c === 0x49 /* I */ && text.startsWith('Infinity', i)) token = 'Infinity';
    else if (c === 0x2d /* - */ && text.startsWith('-Infinity', i)) token = '-Infinity';
    if (token === undefined || isIdentChar(text.charCodeAt(i + token.length)) || isIdentChar(text.charCodeAt(i - 1))) {
      continue;
    }
    out.push(text.slice(last, i), '"', token, '"');
    last = i + token.length;
    NON_FINITE.lastIndex = last;
  }
  if (out.length === 0) return undefined;
  out.push(text.slice(last));
  return out.join('');
}

function isIdentChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** Index just past the closing quote of the string starting at `start` (or text.length). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return text.length;
    let k = q - 1;
    while (k > start && text.charCodeAt(k) === 0x5c /* \ */) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    i = q + 1;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Position and reason of the first JSON syntax error in `text`, or undefined when
 * the text is valid JSON (bare NaN/Infinity accepted). Iterative, so deep nesting is safe.
 */
export function findJsonError(text: string): { pos: number; reason: string } | undefined {
  const end = text.length;
  const stack: number[] = []; // 0 = array, 1 = object
  let i = 0;
  const ws = (): void => {
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const fail = (reason: string): { pos: number; reason: string } => ({
    pos: i,
    reason: i >= end ? `unexpected end of input (${reason})` : `${reason}, found ${JSON.stringify(text[i])}`,
  });
  const scanString = (): boolean => {
    i++;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };

  // state: 'value' expects a value; 'after' follows a value.
  let state: 'value' | 'after' = 'value';
  for (;;) {
    ws();
    if (state === 'value') {
      if (i >= end) return fail('expected a value');
      const c = text[i];
      if (c === '{') {
        i++;
        ws();
        if (text[i] === '}') {
          i++;
          state = 'after';
          continue;
        }
        stack.push(1);
        if (text[i] !== '"') return fail('expected a double-quoted property name');
        if (!scanString()) return fail('bad string');
        ws();
        if (text[i] !== ':') return fail("expected ':'");
        i++;
        continue;
      }
      if (c === '[') {
        i++;
        ws();
        if (text[i] === ']') {
          i++;
          state = 'after';
          continue;
        }
        stack.push(0);
        continue;
      }
      if (c === '"') {
        if (!scanString()) return fail('bad string');
      } else if (text.startsWith('true', i)) i += 4;
      else if (text.startsWith('false', i)) i += 5;
      else if (text.startsWith('null', i)) i += 4;
      else if (text.startsWith('NaN', i)) i += 3;
      else if (text.startsWith('Infinity', i)) i += 8;
      else if (text.startsWith('-Infinity', i)) i += 9;
      else {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return fail('expected a value');
        i = NUMBER.lastIndex;
      }
      state = 'after';
      continue;
    }
    // after a value
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (i < end) return fail('unexpected text after the JSON value');
      return undefined;
    }
    const c = text[i];
    if (c === ',') {
      i++;
      if (top === 1) {
        ws();
        if (text[i] !== '"') return fail('expected a double-quoted property name');
        if (!scanString()) return fail('bad string');
        ws();
        if (text[i] !== ':') return fail("expected ':'");
        i++;
      }
      state = 'value';
      continue;
    }
    if ((top === 0 && c === ']') || (top === 1 && c === '}')) {
      stack.pop();
      i++;
      continue;
    }
    return fail(top === 0 ? "expected ',' or ']'" : "expected ',' or '}'");
  }
}

/** 1-based line and column of `pos` (LF, CRLF and lone CR count as one line break). */
function lineColAt(text: string, pos: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  const stop = Math.min(pos, text.length);
  for (let i = 0; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      lineStart = i + 1;
    } else if (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: stop - lineStart + 1 };
}

/**
 * Decode and parse a whole JSON document. Throws InputError for empty input or invalid JSON,
 * naming the line and column of the first error.
 */
export function parseJsonDocument(source: string, bytes: Uint8Array): { text: string; value: unknown } {
  const text = decodeText(bytes);
  if (text.trim() === '') throw new InputError(source, 'empty file', { code: 'empty' });
  const parsed = parseJsonLenient(text);
  if (parsed.ok) return { text, value: parsed.value };
  const err = findJsonError(text);
  if (err === undefined) throw new InputError(source, 'invalid JSON', { code: 'bad-json' });
  const { line, col } = lineColAt(text, err.pos);
  throw new InputError(source, `invalid JSON at line ${line}, column ${col}: ${err.reason}`, {
    code: 'bad-json',
    line,
  });
}

/** A plain JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
