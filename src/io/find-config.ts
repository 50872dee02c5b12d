/**
 * Where the configuration file is: the file system only, no validation (so no zod). The CLI looks
 * here first and loads load-config.ts (and with it zod) only when there is a file to read.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
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

/**
 * The nearest lossdoc.config.json, or package.json with a "lossdoc" key, from `cwd` up to the
 * repository root (a folder with `.git`) or the home folder, whichever comes first: a config in
 * some folder above the project must not silently change its result.
 */
export function findConfigFile(cwd: string, home: string = homedir()): string | undefined {
  let dir = resolve(cwd);
  const stopAt = resolve(home);
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
    if (parent === dir || dir === stopAt || existsSync(join(dir, '.git'))) return undefined;
    dir = parent;
  }
}
