/**
 * Reading the user's inputs: files, directories (scanned, see scan.ts) and stdin. src/io is the
 * only place that touches the file system, and it never writes to the user's files.
 */
import { basename, resolve } from 'node:path';
import { InputError, LossdocError } from '../errors.js';
import type { LogInput } from '../sources/types.js';
import { gunzipCapped, isGzip } from './gzip.js';
import { isSpecialFile, openStreamingInput, STREAM_MIN_BYTES, unreadable } from './read-chunks.js';
import { nodeFs, selectLogFiles, type FoundFile, type ScanFs, type ScanOptions } from './scan.js';

export type { ScanOptions, ScanFs } from './scan.js';

export interface ReadResult {
  inputs: LogInput[];
  /** Inputs that could not be read (a missing file, an empty directory when nothing else was given). */
  errors: LossdocError[];
  /** Left out without failing: unreadable sub-folders, files that are not logs, an empty directory next to other inputs. */
  warnings: LossdocError[];
}

export interface ReadOptions extends ScanOptions {
  /** The file system (tests wrap it); default node:fs. */
  fs?: ScanFs;
}

/**
 * A regular, non-gzip file of at least STREAM_MIN_BYTES as a streaming input (see read-chunks.ts),
 * read with the real file system; undefined otherwise, or when a test injected its own `fs`.
 * Fields are added with Object.assign by callers: spreading it would read the whole file.
 */
function openBig(path: string, name: string, fs: ScanFs, stat?: { isFile(): boolean; size: number }): LogInput | undefined {
  if (fs !== nodeFs) return undefined;
  if (stat === undefined) {
    try {
      stat = fs.stat(path);
    } catch {
      return undefined;
    }
  }
  if (!stat.isFile() || stat.size < STREAM_MIN_BYTES) return undefined;
  return openStreamingInput(path, name);
}

/** Read one file; gzip is undone transparently (the name loses its `.gz`). */
export function readLogFile(path: string, fs: ScanFs = nodeFs): LogInput {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFile(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  if (isGzip(bytes)) return { name: path.replace(/\.gz$/i, ''), bytes: gunzipCapped(bytes, path) };
  return { name: path, bytes };
}

/**
 * The log files below a directory, in natural path order (what `readDirectory` would read):
 * MLflow run files, DVCLive TSVs, event files, and files whose head a parser recognises.
 * Never opens checkpoints, weights, media or archives; skips hidden folders and node_modules.
 */
export function discoverLogFiles(dir: string, maxDepth?: number, options: ReadOptions = {}): string[] {
  const scan = { ...options, ...(maxDepth !== undefined ? { maxDepth } : {}) };
  return selectLogFiles(dir, scan, options.fs ?? nodeFs, false).files.map((f) => f.path);
}

/** Summary of the log-named files of a directory that no parser recognised. */
function unrecognisedWarning(dir: string, files: FoundFile[]): LossdocError {
  const names = files.slice(0, 5).map((f) => f.rel);
  const more = files.length > 5 ? ` and ${files.length - 5} more` : '';
  return new InputError(dir, `skipped ${files.length} file(s) that are not training logs lossdoc recognises: ${names.join(', ')}${more}`, {
    code: 'not-a-log',
  });
}

/**
 * Read the training logs below a directory. Each input carries `scan` (the directory and its path
 * below it), so loadRuns groups them into runs and names runs by their path below `dir`.
 */
export function readDirectory(dir: string, options: ReadOptions = {}): ReadResult {
  const fs = options.fs ?? nodeFs;
  const selection = selectLogFiles(dir, options, fs, true, fs === nodeFs ? STREAM_MIN_BYTES : Infinity);
  let rootName: string | undefined;
  try {
    rootName = basename(resolve(dir));
  } catch {
    rootName = undefined;
  }
  const warnings = [...selection.warnings];
  const inputs: LogInput[] = [];
  for (const f of selection.files) {
    const gz = /\.gz$/i.test(f.rel);
    const scan = { root: dir, rel: gz ? f.rel.replace(/\.gz$/i, '') : f.rel, ...(rootName ? { rootName } : {}), ...(f.cls === 'config' ? { config: true } : {}), ...(f.format ? { format: f.format } : {}) };
    const name = gz ? f.path.replace(/\.gz$/i, '') : f.path;
    if (f.bytes !== undefined || f.size === 0) {
      inputs.push({ name, bytes: f.bytes ?? new Uint8Array(0), scan });
      continue;
    }
    // Left unread by selectLogFiles because it is big: stream it (or read it whole when it turns out to be gzip).
    try {
      const s = openBig(f.path, name, fs, { isFile: () => true, size: f.size });
      if (s) inputs.push(Object.assign(s, { scan }));
      else {
        const whole = readLogFile(f.path, fs);
        inputs.push({ name: whole.name, bytes: whole.bytes, scan });
      }
    } catch (error) {
      if (!(error instanceof LossdocError)) throw error;
      warnings.push(error);
    }
  }
  if (selection.unrecognised.length > 0 && inputs.length > 0) warnings.push(unrecognisedWarning(dir, selection.unrecognised));
  const errors: LossdocError[] = [];
  const rootUnreadable = warnings.findIndex((w) => w instanceof InputError && w.source === dir);
  if (inputs.length === 0 && rootUnreadable >= 0) {
    errors.push(...warnings.splice(rootUnreadable, 1));
  } else if (inputs.length === 0) {
    const looked = selection.unrecognised.length
      ? { hint: `${selection.unrecognised.length} file(s) looked at, none recognised: ${selection.unrecognised.slice(0, 5).map((f) => f.rel).join(', ')}` }
      : {};
    errors.push(new InputError(dir, 'no training logs found in this directory', { code: 'no-logs', ...looked }));
  }
  return { inputs, errors, warnings };
}

/**
 * Read `-` (stdin, given as bytes), files and directories. Errors are collected, not thrown.
 * A directory is scanned (see ScanOptions); one where nothing is recognised is an error when
 * nothing else was given, else a warning.
 */
export function readInputs(paths: readonly string[], stdin?: () => Uint8Array, options: ReadOptions = {}): ReadResult {
  const fs = options.fs ?? nodeFs;
  const inputs: LogInput[] = [];
  const errors: LossdocError[] = [];
  const warnings: LossdocError[] = [];
  /** Directories with no logs: an error only when nothing else was found. */
  const empty: LossdocError[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    try {
      if (path === '-') {
        if (!stdin) throw new InputError('-', 'standard input is not available', { code: 'unreadable' });
        let bytes: Uint8Array;
        try {
          bytes = stdin();
        } catch (error) {
          throw new InputError('-', `standard input cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { code: 'unreadable' });
        }
        inputs.push({ name: '-', bytes: isGzip(bytes) ? gunzipCapped(bytes, '-') : bytes });
        continue;
      }
      let isDir = false;
      let stat: ReturnType<ScanFs['stat']> | undefined;
      try {
        stat = fs.stat(path);
        isDir = stat.isDirectory();
      } catch {
        // readLogFile reports the missing file.
      }
      if (stat && isSpecialFile(stat)) {
        // /dev/zero never ends, a FIFO may never be written: only files, folders and `-` are read.
        throw new InputError(path, 'is not a regular file (a device, FIFO or socket); lossdoc reads files, folders and - (standard input)', { code: 'not-a-file' });
      }
      if (isDir) {
        const read = readDirectory(path, options);
        // A file reached from two of the given paths (`runs runs/exp1`) is read once, for the first.
        const fresh = read.inputs.filter((input) => !seen.has(resolve(input.name)));
        for (const input of fresh) seen.add(resolve(input.name));
        inputs.push(...fresh);
        warnings.push(...read.warnings);
        for (const e of read.errors) (e.code === 'no-logs' ? empty : errors).push(e);
      } else {
        const input = (stat && openBig(path, path, fs, stat)) || readLogFile(path, fs);
        seen.add(resolve(input.name));
        inputs.push(input);
      }
    } catch (error) {
      if (error instanceof LossdocError) errors.push(error);
      else throw error;
    }
  }
  if (inputs.length === 0) errors.push(...empty);
  else warnings.push(...empty);
  return { inputs, errors, warnings };
}
