#!/usr/bin/env node
/**
 * Throughput of readEventScalars on a large scalar-only TensorBoard event file.
 *
 *   npm run build && node test/bench/tfevents-bench.mjs [--mb 100] [--encoding simple|tensor|both]
 *
 * Imports the BUILT parser (dist/src/parsers/tfevents.js); point LOSSDOC_TFEVENTS_MODULE at
 * another compiled copy to bench without a full build. The file is written with the plain-JS
 * writer below (its own bytewise CRC-32C, independent of the parser's) to os.tmpdir(), read
 * back into memory, then parsed several times; the best and median MB/s are printed.
 * Not a test: nothing is asserted, and nothing runs under vitest.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modulePath = process.env.LOSSDOC_TFEVENTS_MODULE ?? path.resolve(here, '../../dist/src/parsers/tfevents.js');
const { readEventScalars } = await import(pathToFileURL(modulePath).href);

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const targetMB = Number(arg('mb', '100'));
const encodingArg = arg('encoding', 'both');
const runs = Number(arg('runs', '5'));

// --- writer ------------------------------------------------------------------------------
const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  TABLE[n] = c >>> 0;
}
function crc32c(b, s, e) {
  let c = 0xffffffff;
  for (let i = s; i < e; i++) c = TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
const mask = (crc) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;

function writeVarint(buf, p, v) {
  while (v >= 0x80) {
    buf[p++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[p++] = v;
  return p;
}

const enc = new TextEncoder();
const TAGS = ['train/loss', 'train/lr', 'val/loss', 'train/grad_norm', 'train/accuracy'].map((t) => enc.encode(t));

/** Value{tag, simple_value} or Value{tag, [metadata], tensor{DT_FLOAT, shape{}, tensor_content}}. */
function writeValue(buf, p, tag, value, encoding, first, view) {
  const start = p;
  buf[p++] = 0x0a; // Value in Summary (field 1, len) — length patched below (always < 128)
  const lenAt = p++;
  buf[p++] = 0x0a;
  buf[p++] = tag.length;
  buf.set(tag, p);
  p += tag.length;
  if (encoding === 'simple') {
    buf[p++] = 0x15; // simple_value, fixed32
    view.setFloat32(p, value, true);
    p += 4;
  } else {
    if (first) {
      // metadata{plugin_data{plugin_name:"scalars"}}
      const meta = [0x0a, 0x09, 0x0a, 0x07, ...enc.encode('scalars')];
      buf[p++] = 0x4a;
      buf[p++] = meta.length;
      buf.set(meta, p);
      p += meta.length;
    }
    // tensor{dtype:1, tensor_shape:{}, tensor_content:4 bytes}
    buf[p++] = 0x42;
    buf[p++] = 10;
    buf[p++] = 0x08;
    buf[p++] = 0x01;
    buf[p++] = 0x12;
    buf[p++] = 0x00;
    buf[p++] = 0x22;
    buf[p++] = 0x04;
    view.setFloat32(p, value, true);
    p += 4;
  }
  buf[lenAt] = p - lenAt - 1;
  return p - start;
}

/** A scalar-only event file of about `bytes` bytes (also used by wandb-bench.mjs for its side-by-side figure). */
export function writeFile(encoding, bytes) {
  const buf = new Uint8Array(bytes + 256);
  const view = new DataView(buf.buffer);
  const seen = new Set();
  let off = 0;
  let step = 0;
  let points = 0;
  const payload = new Uint8Array(256);
  const pview = new DataView(payload.buffer);
  while (off + 128 < bytes) {
    const ti = step % TAGS.length;
    // Event{wall_time, step, summary{value}}
    let p = 0;
    payload[p++] = 0x09;
    pview.setFloat64(p, 1.7e9 + step * 0.01, true);
    p += 8;
    payload[p++] = 0x10;
    p = writeVarint(payload, p, step);
    payload[p++] = 0x2a;
    const sumLenAt = p++;
    const vlen = writeValue(payload, p, TAGS[ti], Math.exp(-step / 1e6) + (step % 7) * 1e-3, encoding, !seen.has(ti), pview);
    seen.add(ti);
    payload[sumLenAt] = vlen;
    p += vlen;
    view.setUint32(off, p, true);
    view.setUint32(off + 4, 0, true);
    view.setUint32(off + 8, mask(crc32c(buf, off, off + 8)), true);
    buf.set(payload.subarray(0, p), off + 12);
    view.setUint32(off + 12 + p, mask(crc32c(buf, off + 12, off + 12 + p)), true);
    off += 16 + p;
    step++;
    points++;
  }
  return { bytes: buf.subarray(0, off), points };
}

// --- bench (when run, not when imported) -------------------------------------------------
const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lossdoc-tfevents-bench-'));
  try {
    const encodings = encodingArg === 'both' ? ['simple', 'tensor'] : [encodingArg];
    for (const encoding of encodings) {
      const { bytes, points } = writeFile(encoding, Math.round(targetMB * 1024 * 1024));
      const file = path.join(dir, `events.out.tfevents.bench.${encoding}`);
      writeFileSync(file, bytes);
      const data = new Uint8Array(readFileSync(file));
      const mb = data.length / (1024 * 1024);
      const times = [];
      let result;
      for (let r = 0; r < runs; r++) {
        const t0 = process.hrtime.bigint();
        result = readEventScalars(data, file);
        times.push(Number(process.hrtime.bigint() - t0) / 1e9);
      }
      const total = result.metrics.reduce((s, m) => s + m.value.length, 0);
      if (total !== points || result.warnings.length) {
        console.error(`MISMATCH: wrote ${points} points, read ${total}; warnings ${JSON.stringify(result.warnings)}`);
        process.exitCode = 1;
      }
      times.sort((a, b) => a - b);
      const best = times[0];
      const median = times[Math.floor(times.length / 2)];
      console.log(
        `${encoding.padEnd(6)} ${mb.toFixed(1)} MB, ${points} points in ${result.metrics.length} tags: ` +
          `best ${(mb / best).toFixed(0)} MB/s (${(best * 1000).toFixed(0)} ms), median ${(mb / median).toFixed(0)} MB/s`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
