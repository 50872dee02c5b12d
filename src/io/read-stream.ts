/**
 * Standard input, read as a stream. A blocking read of fd 0 fails with EAGAIN on a pipe that is in
 * non-blocking mode (Node may switch it) whenever the writer pauses or sends more than the pipe
 * buffer, so the bytes are pulled asynchronously until the end. gzip is undone on the way, with the
 * same ceiling as for files.
 */
import { fstatSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors.js';
import { isGzip, MAX_DECOMPRESSED_BYTES, tooBigError } from './gzip.js';

function tooLong(name: string, limit: number): InputError {
  return new InputError(name, `is longer than ${Math.round(limit / 1024 / 1024)} MiB; lossdoc holds standard input in memory up to that size`, {
    code: 'too-big',
    hint: 'save it to a file and pass the file, which is read in chunks',
  });
}

/** Concatenate chunks until `limit` bytes would be passed; `onOver` names the error then. */
async function collect(chunks: AsyncIterable<Uint8Array>, limit: number, onOver: () => InputError): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > limit) throw onOver();
    parts.push(chunk);
  }
  return Buffer.concat(parts, total);
}

/** The first chunk of a stream, and an iterable over the whole stream again (first chunk included). */
async function peek(stream: AsyncIterable<Uint8Array>): Promise<{ first: Uint8Array | undefined; all: AsyncIterable<Uint8Array> }> {
  const iterator = stream[Symbol.asyncIterator]();
  const head = await iterator.next();
  const first = head.done ? undefined : head.value;
  async function* all(): AsyncGenerator<Uint8Array> {
    if (first) yield first;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { first, all: all() };
}

/**
 * Every byte of `stream` (gzip undone), failing with a one-line InputError naming `name` when the
 * stream errors, is longer than `limit`, or is gzip that inflates past `limit`.
 */
export async function readWholeStream(stream: AsyncIterable<Uint8Array>, name = '-', limit = MAX_DECOMPRESSED_BYTES): Promise<Uint8Array> {
  try {
    const { first, all } = await peek(stream);
    if (!first) return new Uint8Array(0);
    // A gzip header split across chunks is rare enough (2 bytes) to read as plain text.
    if (!isGzip(first)) return await collect(all, limit, () => tooLong(name, limit));
    const gunzip = createGunzip();
    const feed = (async () => {
      for await (const chunk of all) if (!gunzip.write(chunk)) await new Promise((r) => gunzip.once('drain', r));
      gunzip.end();
    })();
    feed.catch((error: unknown) => gunzip.destroy(error as Error));
    try {
      return await collect(gunzip, limit, () => tooBigError(name, limit));
    } finally {
      gunzip.destroy();
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new InputError(name, 'is not a valid gzip file', { code: 'bad-gzip' });
    throw new InputError(name, `standard input cannot be read (${code ?? (error as Error).message})`, { code: 'unreadable' });
  }
}

/** Standard input (file descriptor `fd`, read through `stream`): a directory is refused before any read. */
export function readStandardInput(stream: AsyncIterable<Uint8Array>, fd = 0): Promise<Uint8Array> {
  let isDirectory = false;
  try {
    isDirectory = fstatSync(fd).isDirectory();
  } catch {
    // A closed descriptor: the stream reports it.
  }
  if (isDirectory) return Promise.reject(new InputError('-', 'standard input cannot be read (EISDIR)', { code: 'unreadable' }));
  return readWholeStream(stream);
}
