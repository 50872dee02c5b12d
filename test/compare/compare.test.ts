import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../../src/core/analyze.js';
import {
  compareCurves,
  compareRuns,
  DEFAULT_TOLERANCES,
  pairRuns,
  relDiff,
  severityFor,
  type AnalyzedRun,
  type CompareOptions,
} from '../../src/core/compare.js';
import { reportSchema } from '../../src/core/report-schema.js';
import type { Run } from '../../src/core/types.js';
import { rules } from '../../rules/index.js';
import { gaussian, makeRun, rng, steps } from '../helpers/curves.js';

interface Spec {
  n?: number;
  every?: number;
  floor?: number;
  valFloor?: number;
  /** Index from which the train loss is NaN. */
  nanFrom?: number;
  /** Val rises after this share of the run (overfitting). */
  valTurn?: number;
  seed?: number;
  name?: string;
  axis?: 'step' | 'epoch';
  start?: number;
}

/** A loss as a function of x (not of the index), so runs sampled differently describe the same curve. */
function lossAt(x: number, start: number, floor: number): number {
  return floor + (start - floor) * Math.exp(-x / 400);
}

function run(spec: Spec = {}): AnalyzedRun {
  const n = spec.n ?? 200;
  const x = steps(n, { every: spec.every ?? 10, start: spec.start ?? 0 });
  const floor = spec.floor ?? 0.5;
  const rand = rng(spec.seed ?? 1);
  const noisy = (v: number) => v * (1 + 0.01 * gaussian(rand));
  const train = Float64Array.from(x, (xi) => noisy(lossAt(xi, 2.5, floor)));
  if (spec.nanFrom !== undefined) for (let i = spec.nanFrom; i < n; i++) train[i] = Number.NaN;
  const last = x[n - 1];
  const turn = spec.valTurn;
  const val = Float64Array.from(x, (xi) => noisy(lossAt(xi, 2.7, spec.valFloor ?? floor * 1.1) + (turn !== undefined && xi > turn * last ? (1.5 * (xi - turn * last)) / last : 0)));
  const r: Run = makeRun(
    [
      { name: 'train_loss', x, y: train },
      { name: 'val_loss', x, y: val },
    ],
    { axis: spec.axis ?? 'step', name: spec.name ?? 'run' },
  );
  return { run: r, report: analyzeRun(r, rules) };
}

const ids = (findings: Array<{ id: string; severity: string }>) => findings.map((f) => `${f.id}:${f.severity}`).sort();

describe('compareCurves', () => {
  it('aligns curves sampled differently: the same function compares equal', () => {
    const a = run({ every: 7, n: 280 });
    const b = run({ every: 10, n: 200, seed: 2 });
    const c = compareCurves(a.run.series[0], b.run.series[0])!;
    expect(c.from).toBe(0);
    expect(c.to).toBe(1953);
    expect(Math.abs(c.final.rel)).toBeLessThan(0.02);
    expect(Math.abs(c.best.rel)).toBeLessThan(0.02);
    expect(Math.abs(c.area.rel)).toBeLessThan(0.01);
  });

  it('compares on the common x range only (a shorter new run is judged at the same step)', () => {
    const short = run({ n: 100 });
    const long = run({ n: 200, seed: 3 });
    const c = compareCurves(short.run.series[0], long.run.series[0])!;
    expect(c.to).toBe(990);
    // The long run's own final loss is lower; at step 990 both are the same curve.
    expect(Math.abs(c.final.rel)).toBeLessThan(0.03);
  });

  it('measures a higher floor as positive relative error', () => {
    const c = compareCurves(run({ floor: 0.6 }).run.series[0], run({ seed: 2 }).run.series[0])!;
    expect(c.final.rel).toBeGreaterThan(0.15);
    expect(c.final.rel).toBeLessThan(0.25);
    expect(c.best.rel).toBeGreaterThan(0.15);
    expect(c.area.rel).toBeGreaterThan(0.05);
  });

  it('is undefined without a common range', () => {
    const a = run({ n: 10 });
    const b = makeRun([{ name: 'train_loss', x: steps(10, { every: 10, start: 5000 }), y: new Float64Array(10).fill(1) }], { axis: 'step' });
    expect(compareCurves(a.run.series[0], b.series[0])).toBeUndefined();
  });

  it('relDiff and severityFor', () => {
    expect(relDiff(1.2, 1)).toBeCloseTo(0.2);
    expect(relDiff(-0.9, -1)).toBeCloseTo(0.1); // negative losses: higher is still worse
    expect(relDiff(1, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(severityFor(0.05, DEFAULT_TOLERANCES.finalLoss)).toBeUndefined();
    expect(severityFor(0.2, DEFAULT_TOLERANCES.finalLoss)).toBe('warning');
    expect(severityFor(0.6, DEFAULT_TOLERANCES.finalLoss)).toBe('error');
    expect(severityFor(5, DEFAULT_TOLERANCES.curveArea)).toBe('warning');
    expect(severityFor(5, { warning: null, error: null })).toBeUndefined();
  });
});

describe('compareRuns', () => {
  const baseline = run({ seed: 5, name: 'base' });
  const compare = (current: AnalyzedRun, options: CompareOptions = {}) => compareRuns(current, baseline, options);

  it('no findings when the run matches its baseline', () => {
    expect(compare(run())).toEqual([]);
  });

  it('a loss 20% higher: final, best and area warnings', () => {
    const findings = compare(run({ floor: 0.6 }));
    expect(ids(findings)).toEqual(['regression-best-loss:warning', 'regression-curve-area:warning', 'regression-final-loss:warning']);
    for (const f of findings) {
      expect(f.tags).toEqual(['regression']);
      expect(f.evidence.baseline).toBe('base');
      expect(reportSchema.shape.runs.element.shape.findings.element.parse(f)).toEqual(f);
    }
    const final = findings.find((f) => f.id === 'regression-final-loss')!;
    expect(final.message).toMatch(/^(train|val)_loss ends the common range at [\d.]+ vs [\d.]+ for the baseline's (train|val)_loss \(\+\d+(\.\d+)?%, tolerance \+10%, step 0–1990\); also (train|val)_loss \+\d/);
    expect(final.series.sort()).toEqual(['train_loss', 'val_loss']);
    expect(final.range).toEqual({ from: 0, to: 1990, axis: 'step' });
  });

  it('a loss twice as high: final and best errors', () => {
    expect(ids(compare(run({ floor: 1.5 })))).toEqual(['regression-best-loss:error', 'regression-curve-area:warning', 'regression-final-loss:error']);
  });

  it('a better run is no regression', () => {
    expect(compare(run({ floor: 0.3 }))).toEqual([]);
  });

  it('tolerances are configurable, partially', () => {
    const current = run({ floor: 0.6 });
    expect(ids(compare(current, { finalLoss: { warning: null }, bestLoss: { warning: 0.5 }, curveArea: { warning: null } }))).toEqual([]);
    expect(ids(compare(current, { finalLoss: { error: 0.1 } }))).toContain('regression-final-loss:error');
  });

  it('rule severities apply to regression findings', () => {
    const current = run({ floor: 0.6 });
    expect(ids(compare(current, { ruleSeverity: { 'regression-curve-area': 'off', 'regression-best-loss': 'off', 'regression-final-loss': 'error' } }))).toEqual(['regression-final-loss:error']);
  });

  it('NaN where the baseline had none: regression-diverged (error)', () => {
    const findings = compare(run({ nanFrom: 150 }));
    const diverged = findings.find((f) => f.id === 'regression-diverged')!;
    expect(diverged.severity).toBe('error');
    expect(diverged.message).toMatch(/NaN\/Inf at step 1500/);
    expect(diverged.evidence).toMatchObject({ firstNonFinite: 1500, baselineFirstNonFinite: null });
    // The findings that mean "diverged" are not repeated as new findings.
    expect(findings.find((f) => f.id === 'regression-new-finding')).toBeUndefined();
  });

  it('NaN earlier than the baseline\u2019s NaN: regression-diverged', () => {
    const broken = run({ nanFrom: 180, seed: 5, name: 'base' });
    expect(ids(compareRuns(run({ nanFrom: 120 }), broken)).filter((i) => i.startsWith('regression-diverged'))).toEqual(['regression-diverged:error']);
    expect(ids(compareRuns(run({ nanFrom: 185 }), broken)).filter((i) => i.startsWith('regression-diverged'))).toEqual([]);
  });

  it('a pathology the baseline did not have: regression-new-finding with its severity', () => {
    const current = run({ valTurn: 0.5 });
    expect(current.report.findings.map((f) => f.id)).toContain('overfitting');
    const f = compare(current).find((x) => x.id === 'regression-new-finding')!;
    expect(f.severity).toBe('warning');
    expect(f.message).toBe('not in the baseline base: overfitting (warning).');
    // The same pathology in the baseline is no regression.
    expect(compareRuns(current, run({ valTurn: 0.5, seed: 9 })).find((x) => x.id === 'regression-new-finding')).toBeUndefined();
  });

  it('cannot compare: no baseline, different axes, no common range', () => {
    expect(ids(compareRuns(run(), undefined))).toEqual(['regression-not-comparable:warning']);
    expect(compareRuns(run({ axis: 'epoch' }), baseline)[0]).toMatchObject({ id: 'regression-not-comparable', message: expect.stringContaining('different x axes (epoch vs step)') });
    const far = run({ start: 100_000 });
    expect(compareRuns(far, baseline).find((f) => f.id === 'regression-not-comparable')?.message).toMatch(/share too little step range/);
  });

  it('speaks Chinese with lang zh', () => {
    const f = compare(run({ floor: 0.6 }), { lang: 'zh' });
    for (const finding of f) {
      expect(finding.title).toMatch(/[\u4e00-\u9fff]/);
      expect(finding.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('is deterministic', () => {
    expect(compare(run({ floor: 0.7 }))).toEqual(compare(run({ floor: 0.7 })));
  });
});

describe('pairRuns', () => {
  const named = (...names: string[]) => names.map((name) => ({ name }));

  it('one baseline run is the reference for every run', () => {
    expect(pairRuns(named('a.csv', 'b.csv'), named('ref.csv'))).toEqual([{ name: 'ref.csv' }, { name: 'ref.csv' }]);
  });

  it('matches W&B run names and file names, else position when the counts agree', () => {
    expect(pairRuns(named('new.csv :: r2', 'new.csv :: r1'), named('old.csv :: r1', 'old.csv :: r2'))).toEqual(named('old.csv :: r2', 'old.csv :: r1'));
    expect(pairRuns(named('new/a.csv', 'new/b.csv'), named('ref/b.csv', 'ref/a.csv'))).toEqual(named('ref/a.csv', 'ref/b.csv'));
    expect(pairRuns(named('x.csv', 'y.csv'), named('p.csv', 'q.csv'))).toEqual(named('p.csv', 'q.csv'));
    expect(pairRuns(named('x.csv'), named('p.csv', 'q.csv'))).toEqual([undefined]);
  });
});
