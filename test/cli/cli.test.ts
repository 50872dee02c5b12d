import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.js';
import { formatIds } from '../../src/parsers/index.js';
import { DEMO, ensureBuilt, lossdoc, tempDir } from './cli-helper.js';

const overfit = join(DEMO, 'overfitting.csv');
const nan = join(DEMO, 'diverging-nan.csv');
const healthy = join(DEMO, 'still-learning.csv');

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

beforeAll(ensureBuilt);

describe('exit codes', () => {
  it('0 for a healthy run, 1 for a pathological one, 0 with --fail-on none', () => {
    expect(lossdoc(['analyze', healthy]).code).toBe(0);
    expect(lossdoc(['analyze', nan]).code).toBe(1);
    expect(lossdoc(['analyze', nan, '--fail-on', 'none']).code).toBe(0);
  });

  it('warnings fail with --fail-on warning or --max-warnings', () => {
    expect(lossdoc(['analyze', overfit]).code).toBe(0);
    expect(lossdoc(['analyze', overfit, '--fail-on', 'warning']).code).toBe(1);
    const warnings = JSON.parse(lossdoc(['analyze', overfit, '-f', 'json']).stdout).summary.warnings as number;
    expect(warnings).toBeGreaterThanOrEqual(1);
    expect(lossdoc(['analyze', overfit, '--max-warnings', String(warnings - 1)]).code).toBe(1);
    expect(lossdoc(['analyze', overfit, '--max-warnings', String(warnings)]).code).toBe(0);
  });

  it('2 for a bad flag (commander message, no stack)', () => {
    const r = lossdoc(['analyze', healthy, '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(lossdoc(['analyze', healthy, '--format', 'pdf']).code).toBe(2);
    expect(lossdoc(['analyze', healthy, '--fail-on', 'sometimes']).code).toBe(2);
  });

  it('2 for bad flag values, one line', () => {
    for (const args of [
      ['--max-warnings', 'many'],
      ['--rule', 'overfit=error'],
      ['--rule', 'overfitting'],
      ['--tolerance', 'final=lots'],
      ['--num-classes', '1'],
    ]) {
      const r = lossdoc(['analyze', healthy, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(oneLine(r.stderr)).toMatch(/^lossdoc: /);
    }
  });

  it('2 for a missing file, with one line naming it', () => {
    const r = lossdoc(['analyze', 'no/such/run.csv']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe('lossdoc: no/such/run.csv: no such file');
    expect(r.stdout).toBe('');
  });

  it('2 when the report cannot be written', () => {
    const r = lossdoc(['analyze', healthy, '-o', '/nonexistent-dir/report.md']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^lossdoc: \/nonexistent-dir\/report\.md: cannot write the report \(ENOENT\)$/);
  });

  it('2 for compare without --baseline', () => {
    const r = lossdoc(['compare', healthy]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '--baseline <run>'");
  });

  it('json on stdout is valid JSON; warnings stay on stderr', () => {
    const r = lossdoc(['analyze', join(DEMO, '..', 'logs/json/live_partial.jsonl'), overfit, '-f', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).runs).toHaveLength(2);
    expect(r.stderr).toContain('lossdoc: warning: ');
  });

  it('--help and --version exit 0', () => {
    expect(lossdoc(['--help']).code).toBe(0);
    expect(lossdoc(['watch', '--help']).stdout).toContain('--idle-exit <seconds>');
    expect(lossdoc(['--version']).code).toBe(0);
  });
});

describe('configuration file < flags', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('lossdoc-cli-config-')));
  afterEach(() => cleanup());
  const config = (value: unknown, name = 'lossdoc.config.json') => writeFileSync(join(dir, name), JSON.stringify(value));

  it('failOn from the file; --fail-on wins', () => {
    config({ failOn: 'warning' });
    expect(lossdoc(['analyze', overfit], { cwd: dir }).code).toBe(1);
    expect(lossdoc(['analyze', overfit, '--fail-on', 'error'], { cwd: dir }).code).toBe(0);
    expect(lossdoc(['analyze', overfit, '--no-config'], { cwd: dir }).code).toBe(0);
  });

  it('rule severities from the file; --rule wins per rule', () => {
    config({ rules: { overfitting: 'error' } });
    const fromFile = lossdoc(['analyze', overfit, '-f', 'json'], { cwd: dir });
    expect(fromFile.code).toBe(1);
    expect(JSON.parse(fromFile.stdout).runs[0].findings[0]).toMatchObject({ id: 'overfitting', severity: 'error' });
    const off = lossdoc(['analyze', overfit, '-f', 'json', '--rule', 'overfitting=off'], { cwd: dir });
    expect(off.code).toBe(0);
    expect(JSON.parse(off.stdout).runs[0].findings.map((f: { id: string }) => f.id)).not.toContain('overfitting');
  });

  it('format and maxWarnings from the file; flags win', () => {
    config({ format: 'json', maxWarnings: 0 });
    const r = lossdoc(['analyze', overfit], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).summary.warnings).toBeGreaterThanOrEqual(1);
    const text = lossdoc(['analyze', overfit, '-f', 'text', '--max-warnings', '50'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^config: lossdoc\.config\.json\n\n.*overfitting\.csv {2}\(keras-csv, epoch axis\)/);
  });

  it('column roles from the file', () => {
    config({ train: ['val_loss'], val: ['loss'] });
    const r = lossdoc(['analyze', overfit, '-f', 'json'], { cwd: dir });
    const primary = JSON.parse(r.stdout).runs[0].series.filter((s: { primary: string | null }) => s.primary).map((s: { name: string; primary: string }) => `${s.primary}=${s.name}`);
    expect(primary.sort()).toEqual(['train=val_loss', 'val=loss']);
  });

  it('is found from a subdirectory, and in package.json', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'p', lossdoc: { failOn: 'warning' } }));
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    expect(lossdoc(['analyze', overfit], { cwd: sub }).code).toBe(1);
  });

  it('--config FILE instead of searching', () => {
    config({ failOn: 'warning' });
    config({ failOn: 'none' }, 'ci.json');
    expect(lossdoc(['analyze', nan, '--config', 'ci.json'], { cwd: dir }).code).toBe(0);
  });

  it('metrics: the config says which way a metric improves, over what its name says', () => {
    const rows = ['epoch,loss,val_loss,val_score', ...Array.from({ length: 12 }, (_, i) => `${i},${(1 / (i + 1)).toFixed(4)},${(1.1 / (i + 1)).toFixed(4)},${(0.5 - i / 30).toFixed(4)}`)];
    writeFileSync(join(dir, 'run.csv'), `${rows.join('\n')}\n`);
    const better = () => (JSON.parse(lossdoc(['analyze', 'run.csv', '-f', 'json'], { cwd: dir }).stdout).runs[0].series as Array<{ name: string; better: string | null }>).find((s) => s.name === 'val_score')!.better;
    expect(better()).toBe('higher');
    config({ metrics: { val_score: 'min', constructor: 'max' } });
    expect(better()).toBe('lower');
  });

  it('an invalid file exits 2 with one line naming the key', () => {
    config({ rules: { overfiting: 'error' } });
    const r = lossdoc(['analyze', overfit], { cwd: dir });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe('lossdoc: lossdoc.config.json: rules.overfiting: unknown rule "overfiting" (did you mean "overfitting"?)');
    const missing = lossdoc(['analyze', overfit, '--config', 'nope.json'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(oneLine(missing.stderr)).toBe('lossdoc: nope.json: no such config file');
  });
});

describe('lossdoc init', () => {
  it('writes a starter config that lossdoc accepts, and refuses to overwrite it', () => {
    const { dir, cleanup } = tempDir('lossdoc-init-');
    try {
      const first = lossdoc(['init'], { cwd: dir });
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('wrote lossdoc.config.json');
      const file = join(dir, 'lossdoc.config.json');
      expect(existsSync(file)).toBe(true);
      const text = readFileSync(file, 'utf8');
      expect(() => parseConfig(JSON.parse(text), { source: file })).not.toThrow();
      expect(text).toContain('"// failOn"');
      expect(lossdoc(['analyze', healthy], { cwd: dir }).code).toBe(0);

      writeFileSync(file, '{"failOn":"info"}');
      const again = lossdoc(['init'], { cwd: dir });
      expect(again.code).toBe(2);
      expect(oneLine(again.stderr)).toMatch(/^lossdoc: lossdoc\.config\.json already exists; not overwriting it/);
      expect(readFileSync(file, 'utf8')).toBe('{"failOn":"info"}');
    } finally {
      cleanup();
    }
  });
});

describe('--max-points', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => temp.cleanup());

  it('samples a long series by default, reads every point with 0, and rejects a non-number', () => {
    const file = join(temp.dir, 'long.csv');
    const rows = ['step,train_loss'];
    for (let i = 1; i <= 30_000; i++) rows.push(`${i},${(0.5 + 2 * Math.exp(-i / 6000) * (1 + 0.05 * Math.sin(i * 12.9898))).toFixed(5)}`);
    writeFileSync(file, `${rows.join('\n')}\n`);

    const sampled = JSON.parse(lossdoc(['analyze', file, '-f', 'json']).stdout);
    expect(sampled.runs[0].series[0]).toMatchObject({ points: 30_000, sampling: { stride: 5 } });
    expect(lossdoc(['analyze', file]).stdout).toMatch(/analysed on 1 point in 5 of 30,000 .*: train_loss/);

    const full = JSON.parse(lossdoc(['analyze', file, '-f', 'json', '--max-points', '0']).stdout);
    expect(full.runs[0].series[0].sampling).toBeNull();
    expect(full.runs[0].verdict.id).toBe(sampled.runs[0].verdict.id);

    const bad = lossdoc(['analyze', file, '--max-points', 'many']);
    expect(bad.code).toBe(2);
    expect(oneLine(bad.stderr)).toContain('--max-points takes a whole number');

    // From the config file too, and the flag wins over it.
    writeFileSync(join(temp.dir, 'lossdoc.config.json'), JSON.stringify({ maxPoints: 0 }));
    const fromConfig = JSON.parse(lossdoc(['analyze', file, '-f', 'json'], { cwd: temp.dir }).stdout);
    expect(fromConfig.runs[0].series[0].sampling).toBeNull();
    const flagWins = JSON.parse(lossdoc(['analyze', file, '-f', 'json', '--max-points', '10000'], { cwd: temp.dir }).stdout);
    expect(flagWins.runs[0].series[0].sampling).toMatchObject({ stride: 5 });
  });
});

describe('many runs and output files', () => {
  it('-o without -f takes the format from the extension, or exits 2', () => {
    const { dir, cleanup } = tempDir();
    try {
      const expectations: Array<[string, RegExp]> = [
        ['report.html', /^<!doctype html>/i],
        ['report.json', /^\{\n {2}"schemaVersion": 1/],
        ['report.md', /^## [✖▲✔] lossdoc: /],
        ['report.xml', /^<\?xml /],
        ['report.txt', /^ {2}run {2,}verdict/],
      ];
      for (const [name, start] of expectations) {
        const file = join(dir, name);
        const r = lossdoc(['analyze', overfit, healthy, '-o', file]);
        expect([0, 1], r.stderr).toContain(r.code);
        expect(readFileSync(file, 'utf8'), name).toMatch(start);
      }
      const r = lossdoc(['analyze', overfit, '-o', join(dir, 'report.pdf')]);
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toContain('report.pdf: cannot tell the report format from the file name');
      expect(existsSync(join(dir, 'report.pdf'))).toBe(false);
      // -f wins over the extension.
      lossdoc(['analyze', overfit, '-f', 'json', '-o', join(dir, 'data.out')]);
      expect(JSON.parse(readFileSync(join(dir, 'data.out'), 'utf8')).schemaVersion).toBe(1);
    } finally {
      cleanup();
    }
  });

  it('several runs: the summary table first, JSON summary.runs[], --top', () => {
    const text = lossdoc(['analyze', overfit, healthy, nan, '--top', '1']);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^ {2}run {2,}verdict {2,}worst finding {2,}best held-out @ x {2,}final {2,}hyperparameters$/);
    expect(lines.slice(1, 4).every((l) => /^[✖▲✔ℹ] /.test(l))).toBe(true);
    expect(text.stdout).toContain('details of 2 more run(s) left out (--top)');
    const report = JSON.parse(lossdoc(['analyze', overfit, healthy, nan, '-f', 'json']).stdout);
    expect(report.summary.runs).toHaveLength(3);
    for (const row of report.summary.runs) {
      expect(Object.keys(row)).toEqual(['name', 'verdict', 'worstFinding', 'bestHeldOut', 'final', 'hyperparameters']);
    }
    const best = report.summary.runs.map((r: { bestHeldOut: { value: number } | null }) => r.bestHeldOut?.value ?? Infinity);
    expect(best).toEqual([...best].sort((a: number, b: number) => a - b));
    const bad = lossdoc(['analyze', overfit, '--top', '0']);
    expect(bad.code).toBe(2);
  });
});

describe('--min-confidence', () => {
  it('marks findings below it uncertain in JSON and text; uncertain findings never fail the run', () => {
    const json = lossdoc(['analyze', join(DEMO, 'diverging-nan.csv'), '-f', 'json', '--min-confidence', '0.99']);
    const report = JSON.parse(json.stdout);
    const findings = report.runs[0].findings as Array<{ id: string; confidence: number; uncertain: boolean; severity: string }>;
    for (const f of findings) expect(f.uncertain, f.id).toBe(f.confidence < 0.99);
    expect(report.summary.uncertain).toBe(findings.filter((f) => f.uncertain).length);
    // Only the certain errors count: the exit code follows them.
    expect(json.code).toBe(findings.some((f) => !f.uncertain && f.severity === 'error') ? 1 : 0);
    const text = lossdoc(['analyze', join(DEMO, 'diverging-nan.csv'), '--min-confidence', '0.99']);
    if (findings.some((f) => f.uncertain)) expect(text.stdout).toContain('(uncertain: not counted for --fail-on)');
  });

  it('a value outside 0–1 is a one-line usage error, exit 2', () => {
    const r = lossdoc(['analyze', join(DEMO, 'diverging-nan.csv'), '--min-confidence', '1.5']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('lossdoc: --min-confidence takes a number from 0 to 1, got "1.5"');
  });
});

describe('lossdoc formats', () => {
  it('lists every single-file format and every folder format, one line each with a description', () => {
    const r = lossdoc(['formats']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const rows = lines.map((line) => /^(\S+) +(\S.*\S)  \[(file|folder)\]$/.exec(line));
    expect(rows.every((m) => m !== null), r.stdout).toBe(true);
    const ids = rows.map((m) => m![1]);
    for (const id of formatIds) expect(ids, id).toContain(id);
    for (const id of ['mlflow', 'dvclive-folder', 'tensorboard-run', 'tb-export-run', 'wandb-run', 'hf-output']) expect(ids, id).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(rows.filter((m) => m![3] === 'file').map((m) => m![1])).toEqual([...formatIds]);
  });
});
