/**
 * Table-driven CRC-32 (slicing-by-8) for any reflected polynomial: Castagnoli for TFRecord
 * (TensorBoard), IEEE 802.3 for the W&B transaction log. Pure.
 */

/** Eight 256-entry tables for slicing-by-8 of a reflected polynomial. */
export function crcTables(reflectedPoly: number): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ reflectedPoly : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 8; k++) {
      c = (c >>> 8) ^ t[c & 0xff];
      t[k * 256 + n] = c >>> 0;
    }
  }
  return t;
}

/** Continue a CRC (`crc` as returned by a previous call, 0 to start) over `bytes[start, end)`. */
export function crc32With(t: Uint32Array, bytes: Uint8Array, start: number, end: number, crc = 0): number {
  crc = ~crc >>> 0;
  let i = start;
  const end8 = end - 8;
  while (i <= end8) {
    const a = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) ^ crc;
    crc =
      t[1792 + (a & 0xff)] ^
      t[1536 + ((a >>> 8) & 0xff)] ^
      t[1280 + ((a >>> 16) & 0xff)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
    i += 8;
  }
  while (i < end) crc = t[(crc ^ bytes[i++]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const IEEE_TABLES = crcTables(0xedb88320);

/** CRC-32 (IEEE 802.3, zlib, PNG) of `bytes[start, end)`, continuing from `crc`. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  return crc32With(IEEE_TABLES, bytes, start, end, crc);
}
