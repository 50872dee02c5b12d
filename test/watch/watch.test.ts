/**
 * `lossdoc watch` end to end: the built binary follows files that the test appends to, as a
 * training job would, and we assert the lines it prints and its exit code.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { frameRecords, records } from '../bench/gen-wandb.mjs';
import { writeEventFile, type ScalarPoint } from '../helpers/tfevents-writer.js';
import { DEMO, ensureBuilt, lossCsv, lossdocAsync, tempDir, type RunningCli } from '../cli/cli-helper.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FAST = ['--interval', '100'];

let dir: string;
let cleanup: () => void;
beforeAll(ensureBuilt);
beforeEach(() => ({ dir, cleanup } = tempDir('lossdoc-watch-')));
afterEach(() => cleanup());

/** Append `lines` in chunks of `chunk`, waiting `delay` ms between chunks. */
async function feed(path: string, lines: string[], chunk = 10, delay = 60): Promise<void> {
  for (let i = 0; i < lines.length; i += chunk) {
    appendFileSync(path, lines.slice(i, i + chunk).join(''));
    await sleep(delay);
  }
}

const csvLines = (text: string) => text.split(/(?<=\n)/);

/**
 * Wait until the watcher has printed something (it has started and read the file once), or has
 * exited without it. No deadline of its own: a watcher that never starts is a hang, which the test
 * runner's timeout reports.
 */
async function started(watch: RunningCli, pattern = /verdict /): Promise<void> {
  while (!pattern.test(watch.stdout())) {
    if (watch.exited()) throw new Error(`watch printed nothing matching ${pattern}\nstdout: ${watch.stdout()}\nstderr: ${watch.stderr()}`);
    await sleep(25);
  }
}

/** A flat loss that never falls: "not-learning" (an error finding, not a stability one). */
function flatCsv(points: number): string {
  const rand = (i: number) => ((i * 7919) % 13) / 13 - 0.5;
  return `step,loss\n${Array.from({ length: points }, (_, i) => `${i * 10},${(2.3 + 0.02 * rand(i)).toFixed(4)}\n`).join('')}`;
}

describe('lossdoc watch', () => {
  it('follows a growing CSV and exits 1 as soon as the loss turns NaN', async () => {
    const path = join(dir, 'metrics.csv');
    const lines = csvLines(lossCsv({ steps: 1500, nanFrom: 1200, val: false }));
    writeFileSync(path, lines.slice(0, 3).join(''));
    // The idle exit is only a safety net: the NaN lines must stop the watch first.
    const watch = lossdocAsync(['watch', path, ...FAST, '--idle-exit', '60']);
    await started(watch);
    // Training "stops writing" at step 1300, ten rows into the NaN stretch: steps 1300-1500 never
    // reach the log, so whatever the machine's load, the watch cannot stop at the log's end.
    await feed(path, lines.slice(3, lines.findIndex((line) => line.startsWith('1300,'))), 15);
    const r = await watch.done;
    expect(r.code).toBe(1);
    const out = r.stdout.trimEnd().split('\n');
    expect(out[0]).toMatch(/^\[step \d+\] .*metrics\.csv: verdict [a-z-]+ — /);
    expect(r.stdout).toMatch(/^\[step 1\d{3}\] .*metrics\.csv: \+ error (non-finite|diverging) — /m);
    expect(r.stderr).toMatch(/^lossdoc: watching .*metrics\.csv every 100 ms \(idle exit 60 s\); exit 1 on a finding at error or above$/m);
    expect(r.stderr).toMatch(/^lossdoc: stopping: error (non-finite|diverging) in .*metrics\.csv \(exit 1\)$/m);
    // It stopped on the NaN stretch, before the steps that were never written.
    const last = Number(/\[step (\d+)\][^\n]*\+ error/.exec(r.stdout)![1]);
    expect(last).toBeGreaterThanOrEqual(1200);
    expect(last).toBeLessThan(1300);
  });

  it('prints a line when the verdict or a finding changes, and exits 0 when the log goes idle', async () => {
    const path = join(dir, 'run.csv');
    const lines = csvLines(readFileSync(join(DEMO, 'overfitting.csv'), 'utf8'));
    writeFileSync(path, lines.slice(0, 8).join(''));
    // Idle exit well above the feed's 250 ms pauses, which a busy machine may stretch.
    const watch = lossdocAsync(['watch', path, ...FAST, '--idle-exit', '3']);
    await started(watch);
    await feed(path, lines.slice(8), 4, 250);
    const r = await watch.done;
    expect(r.code).toBe(0);
    const verdicts = [...r.stdout.matchAll(/verdict ([a-z-]+) — /g)].map((m) => m[1]);
    expect(verdicts.length).toBeGreaterThanOrEqual(2);
    expect(verdicts.at(-1)).toBe('overfitting');
    expect(r.stdout).toMatch(/^\[epoch \d+\] .*run\.csv: \+ warning overfitting — val_loss bottomed at /m);
    // Every line says where the run is and what changed.
    for (const line of r.stdout.trimEnd().split('\n')) expect(line).toMatch(/^\[epoch \d+\] .*run\.csv: (verdict [a-z-]+ — |\+ (error|warning|info) [a-z-]+ — |- (error|warning|info) [a-z-]+ \(gone\)$)/);
    expect(r.stderr).toMatch(/^lossdoc: stopped \(no change for 3 s\): overfitting; \d+ error\(s\), \d+ warning\(s\), \d+ info$/m);
  });

  it('does not stop on a non-stability finding before --min-points; does after', async () => {
    // A loss that has not fallen yet is "not-learning" (an error), but early in a run that is no reason to kill it.
    const path = join(dir, 'early.csv');
    writeFileSync(path, flatCsv(20));
    const patient = await lossdocAsync(['watch', path, ...FAST, '--idle-exit', '0.5']).done;
    expect(patient.stdout).toContain('+ error not-learning');
    expect(patient.code).toBe(0);
    const eager = await lossdocAsync(['watch', path, ...FAST, '--idle-exit', '0.5', '--min-points', '5']).done;
    expect(eager.code).toBe(1);
    expect(eager.stderr).toContain('stopping: error not-learning');
  });

  it('ignores a half-written last line until it is complete', async () => {
    const path = join(dir, 'live.jsonl');
    const rows = Array.from({ length: 60 }, (_, i) => `{"step": ${i * 10}, "loss": ${(2 * Math.exp(-i / 15) + 0.3).toFixed(4)}}\n`);
    writeFileSync(path, rows.slice(0, 30).join('') + '{"step": 300, "lo');
    const watch = lossdocAsync(['watch', path, ...FAST, '--idle-exit', '1']);
    await started(watch);
    appendFileSync(path, `ss": 0.61}\n${rows.slice(31).join('')}`);
    const r = await watch.done;
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/partial-line|incomplete|waiting/);
    expect(r.stderr).toMatch(/stopped \(no change for 1 s\)/);
  });

  it('follows a TensorBoard event file whose last record is still being written', async () => {
    const path = join(dir, 'events.out.tfevents.1700000000.host');
    const points: ScalarPoint[] = Array.from({ length: 120 }, (_, i) => ({ tag: 'train/loss', step: i * 10, value: i < 100 ? 2 * Math.exp(-i / 30) + 0.4 : Number.NaN }));
    const bytes = writeEventFile(points);
    // Cut mid-record: the parser must stop at the truncated record, not fail.
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * 0.4) + 7));
    const watch = lossdocAsync(['watch', path, ...FAST, '--idle-exit', '3']);
    await started(watch);
    appendFileSync(path, bytes.subarray(Math.floor(bytes.length * 0.4) + 7));
    const r = await watch.done;
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\+ error (non-finite|diverging) — /);
  });

  it('follows a W&B run folder whose .wandb log a live run is writing', async () => {
    const runDir = join(dir, 'wandb', 'run-20240101_000000-live01');
    mkdirSync(runDir, { recursive: true });
    const path = join(runDir, 'run-live01.wandb');
    const recs = [records.header(), records.run({ id: 'live01', displayName: 'live-run' })];
    for (let i = 0; i < 120; i++) {
      const loss = i < 100 ? 2 * Math.exp(-i / 30) + 0.4 : Number.NaN;
      recs.push(records.history([['loss', String(loss)], ['_step', String(i)]]));
    }
    const bytes = frameRecords(recs);
    // Cut mid-record, no exit record yet: the reader stops at the cut, with a warning, not a failure.
    const cut = Math.floor(bytes.length * 0.4) + 3;
    writeFileSync(path, bytes.subarray(0, cut));
    const watch = lossdocAsync(['watch', join(dir, 'wandb'), ...FAST, '--idle-exit', '3']);
    await started(watch);
    appendFileSync(path, bytes.subarray(cut));
    const r = await watch.done;
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\[step \d+\] live-run \(live01\): verdict /m);
    expect(r.stdout).toMatch(/live-run \(live01\): \+ error (non-finite|diverging) — /);
  });

  it('waits for a file that does not exist yet, and watches a directory', async () => {
    const logs = join(dir, 'logs');
    const watch = lossdocAsync(['watch', logs, ...FAST, '--idle-exit', '3']);
    await sleep(300);
    mkdirSync(logs);
    await sleep(200);
    await feed(join(logs, 'metrics.csv'), csvLines(lossCsv({ steps: 600, val: false })), 20, 40);
    const r = await watch.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[step \d+\] .*metrics\.csv: verdict /m);
  });

  it('--timeout stops a log that never goes idle (exit 0 when nothing failed)', async () => {
    const path = join(dir, 'slow.csv');
    const lines = csvLines(lossCsv({ steps: 3000, val: false }));
    writeFileSync(path, lines.slice(0, 20).join(''));
    const watch = lossdocAsync(['watch', path, ...FAST, '--timeout', '1.5']);
    let stop = false;
    const writing = (async () => {
      for (let i = 20; i < lines.length && !stop; i += 2) {
        appendFileSync(path, lines.slice(i, i + 2).join(''));
        await sleep(50);
      }
    })();
    const r = await watch.done;
    stop = true;
    await writing;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/stopped \(timeout after 1\.5 s\)/);
  });

  it('exits 2 when the log never appears', async () => {
    const r = await lossdocAsync(['watch', join(dir, 'never.csv'), ...FAST, '--idle-exit', '0.5']).done;
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(`lossdoc: ${join(dir, 'never.csv')}: never appeared or held no readable training log while watching`);
  });

  it('--fail-on none never stops early; --output-file gets the final report; SIGTERM ends cleanly', async () => {
    const path = join(dir, 'nan.csv');
    writeFileSync(path, lossCsv({ steps: 800, nanFrom: 500, val: false }));
    const report = join(dir, 'summary.md');
    const watch = lossdocAsync(['watch', path, ...FAST, '--fail-on', 'none', '-f', 'markdown', '-o', report]);
    await started(watch, /\+ error non-finite/);
    watch.kill();
    const r = await watch.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+ error non-finite');
    expect(r.stderr).toMatch(/stopped \(SIGTERM\)/);
    expect(readFileSync(report, 'utf8')).toMatch(/^## [✖▲✔] lossdoc: passed/);
  });

  it('rejects bad flags with exit 2', async () => {
    const r = await lossdocAsync(['watch', join(dir, 'x.csv'), '--interval', 'soon']).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd()).toBe('lossdoc: --interval takes a whole number ≥ 10, got "soon"');
  });
});
