/**
 * Chunked reading of big log files, so that a parser that can stream (the fast CSV path) never
 * holds the whole file. Only this module and read-inputs.ts touch the file system for inputs.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { StreamingParserInput } from '../parsers/csv/fast.js';

/** Files at least this big are read chunk by chunk (when they are not gzip-compressed). */
export const STREAM_MIN_BYTES = 16 * 1024 * 1024;
/** Bytes per chunk. */
export const CHUNK_BYTES = 1024 * 1024;
/** Bytes read up front for format detection (detectFormat looks at 16 KB). */
export const HEAD_BYTES = 64 * 1024;

/** The one-line error for a file that cannot be opened or read. */
export function unreadable(path: string, error: unknown): InputError {
  return new InputError(path, whyUnreadable(error), { code: 'unreadable' });
}

/** Why a read failed, in plain words. */
export function whyUnreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ERR_FS_FILE_TOO_LARGE'
    ? 'is larger than 2 GiB, the most lossdoc reads at once for this format (CSV is read in chunks at any size; export or split the log)'
    : code === 'ENOENT'
      ? 'no such file'
      : code === 'ENOTDIR'
        ? 'no such file (a part of the path is a file, not a folder)'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : `cannot be read (${code ?? (error as Error).message})`;
}

/**
 * True for a path that is neither a regular file nor a folder (a device, FIFO or socket): reading
 * it could block or never end, so callers refuse it, each with its own message.
 */
export function isSpecialFile(stat: { isFile(): boolean; isDirectory(): boolean }): boolean {
  return !stat.isFile() && !stat.isDirectory();
}

/**
 * The bytes of `path` in order, `chunkBytes` at a time, read into one reused buffer: a chunk is
 * valid only until the next one is pulled. The file is opened when iteration starts and closed
 * when it ends or is abandoned.
 */
export function* readChunks(path: string, chunkBytes = CHUNK_BYTES): Generator<Uint8Array, void, undefined> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    let position = 0;
    const buf = Buffer.allocUnsafeSlow(chunkBytes);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, chunkBytes, position);
      } catch (error) {
        throw unreadable(path, error);
      }
      if (n === 0) return;
      position += n;
      yield n === chunkBytes ? buf : buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

function readHead(path: string, bytes: number): { head: Uint8Array; size: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(bytes, size));
    let got = 0;
    while (got < head.length) {
      const n = readSync(fd, head, got, head.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return { head: head.subarray(0, got), size };
  } catch (error) {
    throw unreadable(path, error);
  } finally {
    closeSync(fd);
  }
}

/**
 * A big file as a streaming input: `head` and `size` now, `chunks()` on demand, and `bytes` a
 * lazy getter that reads the whole file once (for parsers that cannot stream). Undefined when
 * the file is smaller than `minBytes` or gzip-compressed (read it with readLogFile then).
 * Add fields with Object.assign, never by spreading: a spread reads `bytes`, i.e. the whole file.
 */
export function openStreamingInput(path: string, name = path, minBytes = STREAM_MIN_BYTES): StreamingParserInput | undefined {
  const { head, size } = readHead(path, HEAD_BYTES);
  if (size < minBytes || size === 0) return undefined;
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return undefined;
  let whole: Uint8Array | undefined;
  const input = {
    name,
    size,
    head,
    chunks: () => readChunks(path),
  } as unknown as StreamingParserInput;
  Object.defineProperty(input, 'bytes', {
    enumerable: false,
    configurable: true,
    get(): Uint8Array {
      if (!whole) {
        try {
          whole = readFileSync(path);
        } catch (error) {
          throw unreadable(path, error);
        }
      }
      return whole;
    },
  });
  return input;
}
