/**
 * gzip with a ceiling: a log that decompresses past MAX_DECOMPRESSED_BYTES is refused with a
 * one-line error instead of filling memory (a 1 MB gzip bomb inflates to 1 GB).
 */
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors.js';

/** Largest decompressed log, and largest standard input, held in memory (256 MiB ≈ 10 M CSV rows). */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function tooBigError(name: string, limit: number): InputError {
  return new InputError(name, `decompresses to more than ${Math.round(limit / 1024 / 1024)} MiB; lossdoc reads gzip logs up to that size`, {
    code: 'too-big',
    hint: 'decompress it and pass the file itself, which is read in chunks',
  });
}

/** Undo gzip, or fail with an InputError naming the input (corrupt, or over `limit` once inflated). */
export function gunzipCapped(bytes: Uint8Array, name: string, limit = MAX_DECOMPRESSED_BYTES): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooBigError(name, limit);
    throw new InputError(name, 'is not a valid gzip file', { code: 'bad-gzip' });
  }
}
