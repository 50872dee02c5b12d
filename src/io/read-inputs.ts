/** The only module that reads the user's files. It never writes to them. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError, LossdocError } from '../errors.js';
import type { LogInput } from '../api.js';

export interface ReadResult {
  inputs: LogInput[];
  errors: LossdocError[];
}

/** File names that are never training logs (checkpoints, weights, media, archives). */
const SKIP = /\.(pt|pth|ckpt|bin|safetensors|h5|hdf5|onnx|pb|pkl|pickle|npy|npz|png|jpe?g|gif|svg|mp4|wav|zip|tar|whl|so|pyc|index|data-\d+-of-\d+|lock|md|py|ts|js|yaml|yml|toml)$/i;
/** File names worth reading in a directory. */
const LOG_NAME = /(\.(csv|tsv|json|jsonl|log|txt|out)(\.gz)?$)|tfevents/i;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Read one file; gzip is undone transparently (the name loses its `.gz`). */
export function readLogFile(path: string): LogInput {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? (error as Error).message})`;
    throw new InputError(path, why, { code: 'unreadable' });
  }
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new InputError(path, 'is not a valid gzip file', { code: 'bad-gzip' });
    }
    return { name: path.replace(/\.gz$/i, ''), bytes };
  }
  return { name: path, bytes };
}

/** Log files below a directory, sorted, skipping hidden folders, checkpoints and media. */
export function discoverLogFiles(dir: string, maxDepth = 8): string[] {
  const found: string[] = [];
  const walk = (folder: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === '__pycache__') continue;
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (depth < maxDepth) walk(full, depth + 1);
      } else if (entry.isFile() && LOG_NAME.test(entry.name) && !SKIP.test(entry.name)) {
        found.push(full);
      }
    }
  };
  walk(dir, 0);
  return found;
}

/** Read `-` (stdin, given as bytes), files and directories. Errors are collected, not thrown. */
export function readInputs(paths: readonly string[], stdin?: () => Uint8Array): ReadResult {
  const inputs: LogInput[] = [];
  const errors: LossdocError[] = [];
  for (const path of paths) {
    try {
      if (path === '-') {
        if (!stdin) throw new InputError('-', 'standard input is not available', { code: 'unreadable' });
        const bytes = stdin();
        inputs.push({ name: '-', bytes: isGzip(bytes) ? gunzipSync(bytes) : bytes });
        continue;
      }
      let isDir = false;
      try {
        isDir = statSync(path).isDirectory();
      } catch {
        // readLogFile reports the missing file.
      }
      if (isDir) {
        const files = discoverLogFiles(path);
        if (files.length === 0) throw new InputError(path, 'no training logs found in this directory', { code: 'no-logs' });
        for (const file of files) inputs.push(readLogFile(file));
      } else {
        inputs.push(readLogFile(path));
      }
    } catch (error) {
      if (error instanceof LossdocError) errors.push(error);
      else throw error;
    }
  }
  return { inputs, errors };
}
