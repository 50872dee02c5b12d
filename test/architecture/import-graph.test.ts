/**
 * The layers, checked over the import graph of src/ and rules/: the pure layers (core, rules,
 * parsers, sources, formatters) touch neither the file system nor the process and import nothing
 * from io, cli, config or api (config and the api touch no file or process either; the api
 * imports no io); and no file imports itself back through others (type-only imports included).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every .ts file below `dir`, as a `/`-separated path relative to the repository. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...tsFiles(rel));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Import specifiers of a file: imports, `import type`, `export … from` and `import()`. */
function specifiersOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** A relative specifier as the repository path of the .ts file it names. */
function resolveLocal(from: string, spec: string, files: ReadonlySet<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`]) if (files.has(candidate)) return candidate;
  return undefined;
}

const files = [...tsFiles('src'), ...tsFiles('rules')].sort();
const fileSet = new Set(files);
/** Each file's text, read once. */
const texts = new Map(files.map((f) => [f, readFileSync(path.join(root, f), 'utf8')]));
const imports = new Map(files.map((f) => [f, specifiersOf(texts.get(f)!)]));
const edges = new Map(files.map((f) => [f, [...new Set(imports.get(f)!.map((s) => resolveLocal(f, s, fileSet)).filter((t): t is string => t !== undefined))]]));

const PURE = ['src/core/', 'rules/', 'src/parsers/', 'src/sources/', 'src/formatters/'];
const IMPURE_LOCAL = ['src/io/', 'src/cli/', 'src/config/', 'src/bin/'];
const IMPURE_MODULES = new Set(['fs', 'fs/promises', 'child_process', 'process', 'worker_threads'].flatMap((m) => [m, `node:${m}`]));
const isPure = (f: string) => PURE.some((p) => f.startsWith(p));
/** Beside the pure layers, the config schema and the library API touch no file and no process either. */
const NO_SYSTEM = [...PURE, 'src/config/', 'src/api.ts', 'src/index.ts'];
const staysOffSystem = (f: string) => NO_SYSTEM.some((p) => f.startsWith(p));

/** Files in cycles: strongly connected components of more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import graph', () => {
  it('sees the whole tree', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('src/sources/plan.ts');
    expect(edges.get('src/api.ts')).toContain('src/sources/plan.ts');
  });

  it('keeps the pure layers, config and the api off the file system, the process and workers', () => {
    const bad = files.filter(staysOffSystem).flatMap((f) => imports.get(f)!.filter((s) => IMPURE_MODULES.has(s)).map((s) => `${f} imports ${s}`));
    expect(bad).toEqual([]);
  });

  it('keeps the pure layers, config and the api from using the global process', () => {
    const bad = files.filter(staysOffSystem).filter((f) => /\bprocess\./.test(texts.get(f)!));
    expect(bad).toEqual([]);
  });

  it('keeps the pure layers from importing io, cli, config or the api', () => {
    const bad = files
      .filter(isPure)
      .flatMap((f) => edges.get(f)!.filter((t) => t === 'src/api.ts' || IMPURE_LOCAL.some((p) => t.startsWith(p))).map((t) => `${f} imports ${t}`));
    expect(bad).toEqual([]);
  });

  it('keeps the api off io and the cli', () => {
    expect(edges.get('src/api.ts')!.filter((t) => t.startsWith('src/io/') || t.startsWith('src/cli/'))).toEqual([]);
  });

  it('has no import cycles, type-only imports included', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c'], ['d']]);
  });
});
