/**
 * Protobuf wire-format reading in place: varints, lengths and skipping by wire type, over one
 * buffer with a cursor. Shared by the TensorBoard and W&B readers. Pure.
 */
// Errors are thrown as WireError and caught per record.

export class WireError extends Error {}

const TWO_32 = 4294967296;

/** Reads varints and skips fields inside `buf`; `pos` is the cursor. */
export class Wire {
  pos = 0;
  constructor(
    public buf: Uint8Array,
    public view: DataView,
  ) {}

  /** An unsigned varint of up to 35 significant bits (field keys, lengths, enums). */
  u32(end: number): number {
    const b = this.buf;
    let p = this.pos;
    if (p >= end) throw new WireError('varint past end');
    let c = b[p++];
    if (c < 0x80) {
      this.pos = p;
      return c;
    }
    let v = c & 0x7f;
    let mul = 128;
    for (let i = 1; ; i++) {
      if (p >= end) throw new WireError('varint past end');
      c = b[p++];
      if (i < 5) v += (c & 0x7f) * mul;
      mul *= 128;
      if (c < 0x80) break;
      if (i >= 9) throw new WireError('varint too long');
    }
    this.pos = p;
    return v;
  }

  /** A varint read as a signed int64 (two's complement), as a JS number. */
  i64(end: number): number {
    const b = this.buf;
    let p = this.pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (;;) {
      if (p >= end) throw new WireError('varint past end');
      const c = b[p++];
      if (shift < 28) lo |= (c & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (c & 0x0f) << 28;
        hi |= (c & 0x7f) >>> 4;
      } else if (shift < 64) hi |= (c & 0x7f) << (shift - 32);
      if (c < 0x80) break;
      shift += 7;
      if (shift > 63) throw new WireError('varint too long');
    }
    this.pos = p;
    const ulo = lo >>> 0;
    return hi & 0x80000000 ? (hi | 0) * TWO_32 + ulo : (hi >>> 0) * TWO_32 + ulo;
  }

  /** Skip a field's payload of wire type `wt`. */
  skip(wt: number, end: number): void {
    switch (wt) {
      case 0: {
        const b = this.buf;
        let p = this.pos;
        while (p < end && b[p] >= 0x80) p++;
        if (p >= end) throw new WireError('varint past end');
        this.pos = p + 1;
        return;
      }
      case 1:
        this.pos += 8;
        break;
      case 2: {
        const len = this.u32(end);
        this.pos += len;
        break;
      }
      case 5:
        this.pos += 4;
        break;
      default:
        throw new WireError(`unsupported wire type ${wt}`);
    }
    if (this.pos > end) throw new WireError('field past end');
  }

  /** Length of a length-delimited field; the payload is [pos, pos + len). */
  len(end: number): number {
    const len = this.u32(end);
    if (this.pos + len > end) throw new WireError('field past end');
    return len;
  }
}

