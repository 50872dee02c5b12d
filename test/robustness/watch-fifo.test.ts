/**
 * `watch` must never block on a read: a FIFO (or a device) would hold the event loop until a writer
 * appears, and with it --timeout, SIGINT and SIGTERM. A FIFO given as the target is refused at
 * once; one inside a watched folder is not opened, so the timeout and the signals still end the watch.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, lossCsv, lossdoc, tempDir, type CliResult } from '../cli/cli-helper.js';

let dir: string;
let cleanup: () => void;

beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = tempDir('lossdoc-fifo-'));
  expect(spawnSync('mkfifo', [join(dir, 'target.csv')]).status).toBe(0);
  spawnSync('mkdir', [join(dir, 'runs')]);
  expect(spawnSync('mkfifo', [join(dir, 'runs/live.csv')]).status).toBe(0);
  writeFileSync(join(dir, 'runs/metrics.csv'), lossCsv({ steps: 400 }));
});
afterAll(() => cleanup());

/** Start `lossdoc watch`, wait until it reports that it watches, send `signal`, collect the result. */
function watchThenSignal(args: string[], signal: NodeJS.Signals): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, 'watch', ...args], { env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    if (!sent && /lossdoc: watching/.test(stderr)) {
      sent = true;
      // After the first pass has had time to start (a blocked read would never let the signal through).
      setTimeout(() => child.kill(signal), 300);
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('watch and FIFOs', () => {
  it('a FIFO as the target is refused in one line, without waiting for a writer', () => {
    const r = lossdoc(['watch', join(dir, 'target.csv'), '--timeout', '30']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('target.csv: is not a regular file');
  });

  it('--timeout ends the watch of a folder that holds a FIFO', () => {
    const r = lossdoc(['watch', join(dir, 'runs'), '--interval', '100', '--timeout', '1']);
    expect(r.code).not.toBeNull(); // not killed by the helper's own time limit
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).toMatch(/stopped \(timeout after 1 s\)|stopping:/);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s ends the watch of a folder that holds a FIFO', async (signal) => {
    const r = await watchThenSignal([join(dir, 'runs'), '--interval', '100', '--fail-on', 'none'], signal);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`stopped (${signal})`);
  });
});
