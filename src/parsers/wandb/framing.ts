/**
 * The framing of a W&B transaction log (`run-<id>.wandb`): a 7-byte header (`:W&B`, magic
 * 0xBEE1 little-endian, version 0), then 32 KiB blocks of LevelDB-log-style chunks
 * (u32 CRC-32 IEEE over type byte + payload, u16 length, u8 type 1 FULL, 2 FIRST, 3 MIDDLE,
 * 4 LAST). A record is one FULL chunk or FIRST + MIDDLE… + LAST. Fewer than 7 bytes left in a
 * block are zero padding; a zeroed chunk header means a pre-allocated block.
 *
 * Streaming: bytes are pushed in pieces of any size and processed one block at a time, so memory
 * is one block plus the record being reassembled. Pure.
 */
import { crc32 } from '../crc32.js';
import { grownTo } from '../typed-arrays.js';

const BLOCK_SIZE = 32768;
const HEADER_SIZE = 7;
const CHUNK_HEADER = 7;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;

/** True when the bytes start with the W&B transaction-log header. */
export function isWandbLog(bytes: Uint8Array): boolean {
  return (
    bytes.length >= HEADER_SIZE &&
    bytes[0] === 0x3a &&
    bytes[1] === 0x57 &&
    bytes[2] === 0x26 &&
    bytes[3] === 0x42 &&
    bytes[4] === 0xe1 &&
    bytes[5] === 0xbe
  );
}

/** Where and why the readable part of a file ends early. */
interface FramingStop {
  offset: number;
  reason: string;
}

interface FramingProblem {
  code: 'crc-mismatch' | 'bad-chunk';
  offset: number;
  message: string;
}

/**
 * Called for each complete record with its payload, `bytes[start, end)` (valid only during the
 * call; passed as a range so that no view is allocated per record), and the byte offset of its
 * first chunk.
 */
type RecordSink = (bytes: Uint8Array, start: number, end: number, offset: number) => void;

export class FrameReader {
  private readonly block = new Uint8Array(BLOCK_SIZE);
  private blockLen = 0;
  /** File offset of the block being filled (or processed). */
  private blockStart = 0;
  private record = new Uint8Array(4096);
  private recordLen = 0;
  private recordOffset = -1;
  /** After a damaged chunk, MIDDLE/LAST chunks are dropped until a FULL or FIRST. */
  private resync = false;
  /** Set when the header is wrong: nothing more is read. */
  badHeader: string | undefined;
  /** Where reading stopped early, when it did. */
  stop: FramingStop | undefined;
  readonly problems: FramingProblem[] = [];
  records = 0;

  constructor(private readonly sink: RecordSink) {}

  /** Feed the next bytes of the file. */
  push(bytes: Uint8Array): void {
    let p = 0;
    const n = bytes.length;
    while (p < n && this.badHeader === undefined) {
      if (this.blockLen === 0 && n - p >= BLOCK_SIZE) {
        // Whole blocks straight from the caller's buffer: no copy.
        this.processBlock(bytes.subarray(p, p + BLOCK_SIZE), true);
        this.blockStart += BLOCK_SIZE;
        p += BLOCK_SIZE;
        continue;
      }
      const take = Math.min(BLOCK_SIZE - this.blockLen, n - p);
      this.block.set(bytes.subarray(p, p + take), this.blockLen);
      this.blockLen += take;
      p += take;
      if (this.blockLen === BLOCK_SIZE) {
        this.processBlock(this.block, true);
        this.blockStart += BLOCK_SIZE;
        this.blockLen = 0;
      }
    }
  }

  /** The end of the input: reads the short last block and reports an unfinished record. */
  end(): void {
    if (this.badHeader !== undefined) return;
    if (this.blockLen > 0 || this.blockStart === 0) this.processBlock(this.block.subarray(0, this.blockLen), false);
    if (this.recordOffset >= 0 && this.stop === undefined) {
      this.stop = {
        offset: this.recordOffset,
        reason: `its last record, at byte offset ${this.recordOffset}, was never finished (${this.recordLen} bytes written, no LAST chunk)`,
      };
    }
  }

  private processBlock(b: Uint8Array, full: boolean): void {
    const base = this.blockStart;
    let p = 0;
    if (base === 0) {
      if (b.length < HEADER_SIZE) {
        this.badHeader = b.length === 0 ? 'empty file' : 'shorter than the 7-byte W&B header';
        return;
      }
      if (!isWandbLog(b)) {
        this.badHeader = 'not a W&B transaction log (no ":W&B" header)';
        return;
      }
      if (b[6] !== 0) {
        this.badHeader = `W&B log version ${b[6]} is not supported (only version 0)`;
        return;
      }
      p = HEADER_SIZE;
    }
    const len = b.length;
    while (this.stop === undefined) {
      if (full && BLOCK_SIZE - p < CHUNK_HEADER) return; // padding up to the next block
      if (len - p < CHUNK_HEADER) {
        if (!full && len > p) this.stop = { offset: base + p, reason: `it ends inside a chunk header at byte offset ${base + p}` };
        return;
      }
      const crc = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
      const size = b[p + 4] | (b[p + 5] << 8);
      const type = b[p + 6];
      if (crc === 0 && size === 0 && type === 0) return; // a zeroed (pre-allocated) block
      const end = p + CHUNK_HEADER + size;
      if (end > len) {
        if (!full) {
          this.stop = {
            offset: base + p,
            reason: `the chunk at byte offset ${base + p} claims ${size} bytes but only ${len - p - CHUNK_HEADER} are there`,
          };
        } else this.damaged('bad-chunk', base + p, `chunk at byte offset ${base + p} runs past its 32 KiB block`);
        return;
      }
      if (crc32(b, p + 6, end) !== crc) {
        this.damaged('crc-mismatch', base + p, `checksum mismatch in the chunk at byte offset ${base + p}`);
        return;
      }
      this.chunk(type, b, p + CHUNK_HEADER, end, base + p);
      p = end;
    }
  }

  /** A damaged chunk: the rest of its block and the record it belonged to are dropped. */
  private damaged(code: FramingProblem['code'], offset: number, what: string): void {
    const lost = this.recordOffset >= 0 ? ` (with the record started at byte offset ${this.recordOffset})` : '';
    this.problems.push({ code, offset, message: `${what}: skipped the rest of its block${lost}` });
    this.recordOffset = -1;
    this.recordLen = 0;
    this.resync = true;
  }

  private chunk(type: number, b: Uint8Array, start: number, end: number, offset: number): void {
    switch (type) {
      case FULL:
        if (this.recordOffset >= 0) this.sequence(offset, 'a FULL chunk inside an unfinished record');
        this.resync = false;
        this.emit(b, start, end, offset);
        return;
      case FIRST:
        if (this.recordOffset >= 0) this.sequence(offset, 'a FIRST chunk inside an unfinished record');
        this.resync = false;
        this.recordOffset = offset;
        this.recordLen = 0;
        this.append(b, start, end);
        return;
      case MIDDLE:
      case LAST:
        if (this.recordOffset < 0) {
          if (!this.resync) this.sequence(offset, `a ${type === LAST ? 'LAST' : 'MIDDLE'} chunk with no record open`);
          return;
        }
        this.append(b, start, end);
        if (type === LAST) {
          const at = this.recordOffset;
          this.recordOffset = -1;
          this.emit(this.record, 0, this.recordLen, at);
        }
        return;
      default:
        this.damaged('bad-chunk', offset, `unknown chunk type ${type} at byte offset ${offset}`);
    }
  }

  private sequence(offset: number, what: string): void {
    this.problems.push({ code: 'bad-chunk', offset, message: `${what} at byte offset ${offset}: the unfinished record was dropped` });
    this.recordOffset = -1;
    this.recordLen = 0;
  }

  private append(b: Uint8Array, start: number, end: number): void {
    const need = this.recordLen + (end - start);
    if (need > this.record.length) this.record = grownTo(this.record, Math.max(need, this.record.length * 2));
    this.record.set(b.subarray(start, end), this.recordLen);
    this.recordLen = need;
  }

  private emit(bytes: Uint8Array, start: number, end: number, offset: number): void {
    this.records++;
    this.sink(bytes, start, end, offset);
  }
}
