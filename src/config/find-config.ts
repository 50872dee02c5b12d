/**
 * Where the configuration file is: the file system only, no validation (so no zod). The CLI looks
 * here first and loads load-config.ts (and with it zod) only when there is a file to read.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const CONFIG_FILE = 'lossdoc.config.json';
export const PACKAGE_KEY = 'lossdoc';

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The nearest lossdoc.config.json, or package.json with a "lossdoc" key, from `cwd` up to the root. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const file = join(dir, CONFIG_FILE);
    if (isFile(file)) return file;
    const pkg = join(dir, 'package.json');
    if (isFile(pkg)) {
      try {
        const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as Record<string, unknown> | null;
        if (parsed && typeof parsed === 'object' && PACKAGE_KEY in parsed) return pkg;
      } catch {
        // Not ours to judge: a broken package.json without our key is skipped.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
