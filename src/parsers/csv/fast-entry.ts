/**
 * Parsing an input that may be streamed (StreamingParserInput, see fast.ts): the format is
 * detected from its head only, and the CSV-family parsers read it chunk by chunk; other formats
 * (and CSV files the fast path cannot read exactly) read `input.bytes`, i.e. the whole file.
 * Pure: the chunks come from the caller (src/io/read-chunks.ts for files).
 */
import type { ParserInput } from '../types.js';
import { isStreamingInput } from './fast.js';

export { isStreamingInput, type StreamingParserInput } from './fast.js';

/**
 * What format detection and other sniffing may look at without reading a streamed file: the
 * input itself, or for a streamed input its name and head (detectFormat reads 16 KB, the head
 * holds at least 64 KB). Use `probeOf(input).bytes` wherever only the start of the bytes matters.
 */
export function probeOf(input: ParserInput): ParserInput {
  return isStreamingInput(input) ? { name: input.name, bytes: input.head } : input;
}
