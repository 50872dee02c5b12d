/**
 * `--output-file` must never destroy what is being read: it may not be an input, the baseline, or
 * a training log inside an analysed folder (`analyze o.csv -o o.csv` would replace the log by its
 * own report). Checked before anything is read or written.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { InputError } from '../errors.js';
import { detectFormat } from '../parsers/index.js';
import { isLossdocReport } from '../parsers/own-report.js';
import { HEAD_BYTES } from './read-chunks.js';
import { nodeFs } from './scan.js';

/** The real path of `path`, or of its folder joined with its name when it does not exist yet. */
function realTarget(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return undefined;
    }
  }
}

function identity(path: string): { dev: number; ino: number; isDirectory: boolean } | undefined {
  try {
    const s = statSync(path);
    return { dev: s.dev, ino: s.ino, isDirectory: s.isDirectory() };
  } catch {
    return undefined;
  }
}

/** A file whose head a parser recognises, other than a lossdoc report (which may be replaced). */
function isLogFile(path: string): boolean {
  let head: Uint8Array;
  try {
    head = nodeFs.readHead(path, HEAD_BYTES);
  } catch {
    return false;
  }
  return head.length > 0 && !isLossdocReport(head) && detectFormat({ name: path, bytes: head }) !== undefined;
}

/** Throws a one-line InputError when writing `output` would overwrite one of `readPaths` or a log below one of them. */
export function checkOutputFile(output: string, readPaths: readonly string[]): void {
  const target = realTarget(output);
  const out = identity(output);
  if (target === undefined) return; // the write reports a missing folder
  for (const path of readPaths) {
    if (path === '-') continue;
    const read = identity(path);
    if (!read) continue;
    const real = realTarget(path);
    const same = out !== undefined && out.dev === read.dev && out.ino === read.ino;
    if (same || real === target) {
      throw new InputError(output, `is also read by this command (${path}); lossdoc never writes over its inputs`, {
        code: 'output-is-input',
        hint: 'choose another --output-file',
      });
    }
    if (!read.isDirectory || out === undefined) continue;
    const below = relative(real ?? path, target);
    const inside = below !== '' && below !== '..' && !below.startsWith(`..${sep}`) && !isAbsolute(below);
    if (inside && isLogFile(output)) {
      throw new InputError(output, `is a training log inside the analysed folder ${path}; lossdoc never writes over its inputs`, {
        code: 'output-is-input',
        hint: 'choose another --output-file',
      });
    }
  }
}
