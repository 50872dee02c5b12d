/**
 * lossdoc never destroys what it reads: `--output-file` may not be an input, the baseline, or a
 * log inside an analysed folder; and its own JSON report, written into an analysed folder, is not
 * read back as a training log on the next run.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, lossCsv, lossdoc, tempDir } from '../cli/cli-helper.js';

let dir: string;
let cleanup: () => void;
const LOG = lossCsv({ steps: 1000, every: 10 });

beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = tempDir('lossdoc-output-'));
  mkdirSync(join(dir, 'runs/a'), { recursive: true });
  writeFileSync(join(dir, 'o.csv'), LOG);
  writeFileSync(join(dir, 'base.csv'), LOG);
  writeFileSync(join(dir, 'runs/a/metrics.csv'), LOG);
  symlinkSync(join(dir, 'o.csv'), join(dir, 'link.csv'));
});
afterAll(() => cleanup());

/** The refusal: exit 2, one line naming the output, and the file untouched. */
function expectRefused(args: string[], output: string, original = LOG): void {
  const r = lossdoc(args, { cwd: dir });
  expect(r.code).toBe(2);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain('lossdoc never writes over its inputs');
  expect(readFileSync(join(dir, output), 'utf8')).toBe(original);
}

describe('--output-file never overwrites what is read', () => {
  it('the input itself', () => expectRefused(['analyze', 'o.csv', '-o', 'o.csv'], 'o.csv'));
  it('the input by another spelling of its path', () => expectRefused(['analyze', 'o.csv', '-o', './runs/../o.csv'], 'o.csv'));
  it('a symlink to the input', () => expectRefused(['analyze', 'o.csv', '-o', 'link.csv'], 'o.csv'));
  it('the baseline', () => expectRefused(['compare', 'o.csv', '--baseline', 'base.csv', '-o', 'base.csv'], 'base.csv'));
  it('a log inside an analysed folder', () => expectRefused(['analyze', 'runs', '-o', 'runs/a/metrics.csv'], 'runs/a/metrics.csv'));
  it('watch: the watched file', () => expectRefused(['watch', 'o.csv', '-o', 'o.csv', '--timeout', '1'], 'o.csv'));

  it('a new file, or a report, inside the analysed folder is fine', () => {
    expect([0, 1]).toContain(lossdoc(['analyze', 'runs', '-f', 'json', '-o', 'runs/report.json'], { cwd: dir }).code);
    expect([0, 1]).toContain(lossdoc(['analyze', 'runs', '-f', 'json', '-o', 'runs/report.json'], { cwd: dir }).code);
    expect(JSON.parse(readFileSync(join(dir, 'runs/report.json'), 'utf8')).tool.name).toBe('lossdoc');
  });
});

describe("lossdoc's own report in an analysed folder", () => {
  it('is skipped with a note; the result is that of the logs alone', () => {
    const alone = lossdoc(['analyze', 'runs/a', '-f', 'json'], { cwd: dir });
    writeFileSync(join(dir, 'runs/a/lossdoc-report.json'), alone.stdout);
    const again = lossdoc(['analyze', 'runs/a', '-f', 'json'], { cwd: dir });
    expect(again.code).toBe(alone.code);
    expect(again.stderr).toContain('lossdoc-report.json: is a lossdoc report, not a training log; skipped');
    const runs = (s: string) => (JSON.parse(s) as { runs: Array<{ name: string; verdict: { id: string } }> }).runs.map((r) => [r.name, r.verdict.id]);
    expect(runs(again.stdout)).toEqual(runs(alone.stdout));
  });

  it('given as the input, is refused in one line (exit 2)', () => {
    const report = join(dir, 'runs/a/lossdoc-report.json');
    const r = lossdoc(['analyze', report]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd()).toBe(`lossdoc: ${report}: is a lossdoc report, not a training log`);
  });
});
