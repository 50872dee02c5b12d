import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every file below `dir` with its bytes, paths `/`-separated and relative to `dir` (as a folder source receives them). */
export function readRunFolder(dir: string): { relPath: string; bytes: Uint8Array }[] {
  const out: { relPath: string; bytes: Uint8Array }[] = [];
  const walk = (sub: string) => {
    for (const e of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else out.push({ relPath: rel, bytes: new Uint8Array(readFileSync(path.join(dir, rel))) });
    }
  };
  walk('');
  return out;
}
