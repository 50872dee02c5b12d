/**
 * Standard input from real pipes: a writer that pauses, more than a pipe buffer (64 KB), gzip sent
 * in pieces, a shell pipeline. Each test spawns the built CLI with a pipe on fd 0 (not a file
 * redirect, which never blocks) and writes into it from this process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { gzipSync, createGzip } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, type CliResult } from '../cli/cli-helper.js';

beforeAll(ensureBuilt);

/** A Keras-CSV log of `rows` epochs (~24 bytes a row), falling train and validation losses. */
function csvLog(rows: number): string {
  const lines = ['epoch,loss,val_loss'];
  for (let i = 0; i < rows; i++) lines.push(`${i},${(2 * Math.exp(-i / (rows / 4)) + 0.1).toFixed(6)},${(2.1 * Math.exp(-i / (rows / 4)) + 0.15).toFixed(6)}`);
  return `${lines.join('\n')}\n`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Spawn `lossdoc args` and feed its stdin the pieces, pausing `pauseMs` before each one. */
function pipeInto(args: string[], pieces: Uint8Array[], pauseMs: number): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // The child may stop reading early (an error): a write into its closed pipe is not this test's failure.
  child.stdin.on('error', () => {});
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  void (async () => {
    for (const piece of pieces) {
      await sleep(pauseMs);
      if (!child.stdin.write(piece)) await new Promise((r) => child.stdin.once('drain', r));
    }
    child.stdin.end();
  })();
  return done;
}

/** Split bytes into `n` nearly equal pieces. */
function split(bytes: Uint8Array, n: number): Uint8Array[] {
  const size = Math.ceil(bytes.length / n);
  return Array.from({ length: n }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

describe('standard input from real pipes', () => {
  const big = Buffer.from(csvLog(20_000)); // ~470 KB: several pipe buffers

  it('reads a pipe that carries more than 64 KB, written in pauses', async () => {
    expect(big.length).toBeGreaterThan(4 * 65536);
    const r = await pipeInto(['analyze', '-', '-f', 'json'], split(big, 8), 150);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.runs).toHaveLength(1);
    expect(report.runs[0].verdict.id).toBe('still-learning');
  });

  it('waits for a writer that is silent before its first byte', async () => {
    const r = await pipeInto(['analyze', '-', '-f', 'json'], [Buffer.alloc(0), big], 800);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).runs[0].verdict.id).toBe('still-learning');
  });

  it('undoes gzip sent in pieces, with pauses', async () => {
    const r = await pipeInto(['analyze', '-', '-f', 'json'], split(gzipSync(big), 5), 100);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).runs[0].verdict.id).toBe('still-learning');
  });

  it('gives the same report as the file itself in a shell pipeline that pauses', () => {
    const shell = spawnSync('sh', ['-c', `(sleep 1; printf '%s' "$LOG") | "${process.execPath}" "${BIN}" analyze - -f json`], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', LOG: csvLog(3000) },
    });
    expect(shell.stderr).toBe('');
    expect(shell.status).toBe(0);
    expect(JSON.parse(shell.stdout).runs[0].verdict.id).toBe('still-learning');
  });

  it('a truncated gzip stream is a one-line error, exit 2', async () => {
    const gz = gzipSync(big);
    const r = await pipeInto(['analyze', '-'], [gz.subarray(0, gz.length >> 1)], 50);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('lossdoc: -: is not a valid gzip file\n');
  });

  it('a gzip bomb on standard input stops at the ceiling with a one-line error, exit 2', async () => {
    // 300 MiB of zeros compress to ~300 KB; the ceiling is 256 MiB.
    const gzip = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on('data', (d: Buffer) => parts.push(d));
    const ended = new Promise((r) => gzip.on('end', r));
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < 300; i++) if (!gzip.write(zeros)) await new Promise((r) => gzip.once('drain', r));
    gzip.end();
    await ended;
    const bomb = Buffer.concat(parts);
    expect(bomb.length).toBeLessThan(1 << 20);
    const r = await pipeInto(['analyze', '-'], split(bomb, 4), 20);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lossdoc: -: decompresses to more than 256 MiB; .* \(decompress it and pass the file itself, which is read in chunks\)\n$/);
  });
});
