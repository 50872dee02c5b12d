import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/core/report-schema.js';
import { ensureBuilt, lossCsv, lossdoc, tempDir } from '../cli/cli-helper.js';

let dir: string;
let cleanup: () => void;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = tempDir('lossdoc-compare-'));
  writeFileSync(file('base.csv'), lossCsv({ floor: 0.5, seed: 1 }));
  writeFileSync(file('same.csv'), lossCsv({ floor: 0.5, seed: 2 }));
  writeFileSync(file('worse.csv'), lossCsv({ floor: 0.6, seed: 3 }));
  writeFileSync(file('bad.csv'), lossCsv({ floor: 1.2, seed: 4 }));
  writeFileSync(file('nan.csv'), lossCsv({ floor: 0.5, seed: 5, nanFrom: 700 }));
  writeFileSync(file('short.csv'), lossCsv({ floor: 0.5, seed: 6, steps: 400 }));
});
afterAll(() => cleanup());

const json = (args: string[]) => {
  const r = lossdoc([...args, '--format', 'json']);
  return { ...r, report: reportSchema.parse(JSON.parse(r.stdout)) };
};
const findingIds = (r: ReturnType<typeof json>) => r.report.runs.flatMap((run) => run.findings.map((f) => `${f.id}:${f.severity}`)).sort();

describe('lossdoc compare RUN --baseline REF', () => {
  it('passes a run that matches its baseline (exit 0, no findings)', () => {
    const r = json(['compare', file('same.csv'), '--baseline', file('base.csv')]);
    expect(r.code).toBe(0);
    expect(findingIds(r)).toEqual([]);
    // A shorter run is compared on the common range only.
    expect(findingIds(json(['compare', file('short.csv'), '--baseline', file('base.csv')]))).toEqual([]);
  });

  it('warns on a 20% worse run: exit 0 by default, 1 with --fail-on warning', () => {
    const r = json(['compare', file('worse.csv'), '--baseline', file('base.csv')]);
    expect(r.code).toBe(0);
    expect(findingIds(r)).toEqual(['regression-best-loss:warning', 'regression-curve-area:warning', 'regression-final-loss:warning']);
    expect(lossdoc(['compare', file('worse.csv'), '--baseline', file('base.csv'), '--fail-on', 'warning']).code).toBe(1);
  });

  it('fails a run more than 50% worse (exit 1)', () => {
    const r = json(['compare', file('bad.csv'), '--baseline', file('base.csv')]);
    expect(r.code).toBe(1);
    expect(findingIds(r)).toContain('regression-final-loss:error');
    expect(findingIds(r)).toContain('regression-best-loss:error');
  });

  it('fails a run that turns NaN where the baseline did not', () => {
    const r = json(['compare', file('nan.csv'), '--baseline', file('base.csv')]);
    expect(r.code).toBe(1);
    expect(findingIds(r)).toContain('regression-diverged:error');
    expect(r.report.runs[0].findings.every((f) => f.tags.includes('regression'))).toBe(true);
  });

  it('--tolerance tightens or loosens the gate', () => {
    expect(lossdoc(['compare', file('worse.csv'), '--baseline', file('base.csv'), '--tolerance', 'final=5%:10%']).code).toBe(1);
    const loose = json(['compare', file('bad.csv'), '--baseline', file('base.csv'), '--tolerance', 'final=off:off', '--tolerance', 'best=off', '--tolerance', 'area=off']);
    expect(loose.code).toBe(0);
    expect(findingIds(loose)).toEqual([]);
  });

  it('reads tolerances and regression severities from the config file; flags win', () => {
    const cfg = tempDir('lossdoc-compare-config-');
    try {
      writeFileSync(join(cfg.dir, 'lossdoc.config.json'), JSON.stringify({ compare: { finalLoss: { error: 0.15 } }, rules: { 'regression-curve-area': 'off' } }));
      const withConfig = lossdoc(['compare', file('worse.csv'), '--baseline', file('base.csv'), '-f', 'json'], { cwd: cfg.dir });
      expect(withConfig.code).toBe(1);
      const ids = (JSON.parse(withConfig.stdout).runs[0].findings as Array<{ id: string; severity: string }>).map((f) => `${f.id}:${f.severity}`).sort();
      expect(ids).toEqual(['regression-best-loss:warning', 'regression-final-loss:error']);
      expect(lossdoc(['compare', file('worse.csv'), '--baseline', file('base.csv'), '--tolerance', 'final=0.1:0.5'], { cwd: cfg.dir }).code).toBe(0);
    } finally {
      cfg.cleanup();
    }
  });

  it('analyze --baseline reports the analysis and the regressions', () => {
    const r = json(['analyze', file('nan.csv'), '--baseline', file('base.csv')]);
    expect(r.code).toBe(1);
    const ids = findingIds(r);
    expect(ids).toContain('non-finite:error');
    expect(ids).toContain('regression-diverged:error');
  });

  it('reports in every format with the same exit code', () => {
    const args = ['compare', file('bad.csv'), '--baseline', file('base.csv')];
    const text = lossdoc(args);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('Final loss worse than baseline [regression-final-loss]');
    const md = lossdoc([...args, '-f', 'markdown']);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('**error: Final loss worse than baseline** (`regression-final-loss`');
    const gh = lossdoc([...args, '-f', 'github']);
    expect(gh.code).toBe(1);
    expect(gh.stdout).toMatch(/^::error file=.*bad\.csv,title=lossdoc\/regression-final-loss::/m);
    const junit = lossdoc([...args, '-f', 'junit']);
    expect(junit.code).toBe(1);
    const cases = [...junit.stdout.matchAll(/<testcase [^>]*name="([^"]+)"/g)].map((m) => m[1]);
    expect(cases).toEqual(['regression-best-loss', 'regression-curve-area', 'regression-diverged', 'regression-final-loss', 'regression-new-finding']);
    expect(junit.stdout).toMatch(/name="regression-final-loss"[^>]*>\s*<failure /);
  });

  it('compares each run of several with a single baseline', () => {
    const r = json(['compare', file('same.csv'), file('bad.csv'), '--baseline', file('base.csv')]);
    expect(r.code).toBe(1);
    expect(r.report.runs.map((run) => run.findings.length > 0)).toEqual([false, true]);
  });

  it('reports a baseline without a common range as not comparable (warning)', () => {
    writeFileSync(file('far.csv'), lossCsv({ floor: 0.5 }).replace(/^(\d+),/gm, (_, s: string) => `${Number(s) + 50_000},`));
    const r = json(['compare', file('same.csv'), '--baseline', file('far.csv')]);
    expect(r.code).toBe(0);
    expect(findingIds(r)).toEqual(['regression-not-comparable:warning']);
    expect(r.report.runs[0].findings[0].message).toMatch(/share too little step range/);
    expect(lossdoc(['compare', file('same.csv'), '--baseline', file('far.csv'), '--fail-on', 'warning']).code).toBe(1);
  });

  it('exit 2 when the baseline is missing, one line naming it', () => {
    const r = lossdoc(['compare', file('same.csv'), '--baseline', file('nope.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([`lossdoc: baseline: ${file('nope.csv')}: no such file`]);
  });
});
