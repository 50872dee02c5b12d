/**
 * Property-based tests of the analysis: it never throws and never produces a NaN confidence,
 * whatever the numbers; and the diagnosis (verdict id + finding ids) does not depend on the
 * loss's units (scaling by a positive factor) nor on the order of rows that carry explicit steps.
 * numRuns is tuned so this file runs in a few seconds (it must stay under 20 s in CI);
 * LOSSDOC_FUZZ_SCALE=20 searches twenty times deeper.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeRuns, loadRuns } from '../../src/api.js';
import { buildRun } from '../../src/core/build-run.js';
import type { Rule } from '../../src/core/engine/define-rule.js';
import { reportSchema, type Report } from '../../src/core/report-schema.js';
import type { RawMetric, Run } from '../../src/core/types.js';
import { rules } from '../../rules/index.js';
import { makeRun } from '../helpers/curves.js';
import { curveCsv, curveParams, generateCurve, type GeneratedCurve } from './generators.js';

const SCALE = Math.max(1, Number(process.env.LOSSDOC_FUZZ_SCALE ?? 1) || 1);
const runs = (n: number) => ({ numRuns: n * SCALE });

/**
 * The diagnosis of a report: verdict and finding ids per run. `chance-level` is left out on
 * purpose: it compares the loss with ln C (the cross-entropy of a uniform guess over C classes),
 * an absolute level that a rescaled loss no longer sits at, so it must not be scale-invariant.
 */
function diagnosis(report: Report): string[] {
  return report.runs.map((run) => `${run.verdict.id}: ${run.findings.map((f) => f.id).filter((id) => id !== 'chance-level').sort().join(', ')}`);
}

/** The rules, instrumented: every raw confidence (the verdict's and each detection's) before the report rounds it. */
function recordingRules(seen: number[]): Rule[] {
  return rules.map((rule) => ({
    meta: rule.meta,
    check(ctx) {
      seen.push(ctx.verdict.confidence);
      const detection = rule.check(ctx);
      if (detection) seen.push(detection.confidence);
      return detection;
    },
  }));
}

function runOf(c: GeneratedCurve, factor = 1): Run {
  const metrics = [{ name: 'loss', x: c.x, y: c.train.map((v) => v * factor) }];
  if (c.valAt.length > 0) metrics.push({ name: 'val_loss', x: Float64Array.from(c.valAt, (i) => c.x[i]), y: c.val.map((v) => v * factor) });
  return makeRun(metrics, { axis: 'step' });
}

/** Any numbers at all: NaN, ±Infinity, ±1.8e308, subnormals, -0; x with repeats and going back. */
const wildMetric = fc
  .record({
    name: fc.constantFrom('loss', 'val_loss', 'test_loss', 'lr', 'grad_norm', 'acc', 'train/box_loss', 'train/cls_loss'),
    values: fc.array(fc.oneof(fc.double(), fc.constantFrom(0, -0, 1e300, -1e300, 1e-300, Number.MAX_VALUE, Number.MIN_VALUE, Number.NaN, Infinity)), { maxLength: 120 }),
    x: fc.oneof(
      fc.constant('index' as const),
      fc.array(fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double()), { maxLength: 120 }),
    ),
  })
  .map(({ name, values, x }): RawMetric => {
    const step = Float64Array.from(values, (_, i) => (x === 'index' ? i : (x[i] ?? Number.NaN)));
    return { name, value: Float64Array.from(values), step };
  });

describe('the analyzer on any numbers', () => {
  it('never throws, never yields a NaN confidence, and the report is valid', () => {
    fc.assert(
      fc.property(fc.array(wildMetric, { maxLength: 4 }), fc.constantFrom<'step' | 'epoch'>('step', 'epoch'), (metrics, x) => {
        const run = buildRun({ name: 'wild', metrics, warnings: [] }, 'csv', ['wild'], { x });
        const seen: number[] = [];
        const report = analyzeRuns([run], { rules: recordingRules(seen) });
        for (const c of seen) expect(Number.isFinite(c), `confidence ${c}`).toBe(true);
        expect(reportSchema.safeParse(report).success).toBe(true);
        for (const f of report.runs[0].findings) expect(f.confidence).toBeGreaterThanOrEqual(0);
      }),
      runs(250),
    );
  });

  it('generated training curves: never throws, confidences are finite numbers in 0..1', () => {
    fc.assert(
      fc.property(curveParams, (p) => {
        const seen: number[] = [];
        analyzeRuns([runOf(generateCurve(p))], { rules: recordingRules(seen) });
        for (const c of seen) {
          expect(Number.isFinite(c), `confidence ${c}`).toBe(true);
          expect(c).toBeGreaterThanOrEqual(0);
          expect(c).toBeLessThanOrEqual(1 + 1e-9);
        }
      }),
      runs(150),
    );
  });
});

describe('the diagnosis is invariant', () => {
  it('to the unit of the loss: scaling every loss value by 1e-3, 7 or 1e3', () => {
    fc.assert(
      fc.property(curveParams, fc.constantFrom(1e-3, 7, 1e3), (p, factor) => {
        const curve = generateCurve(p);
        expect(diagnosis(analyzeRuns([runOf(curve, factor)]))).toEqual(diagnosis(analyzeRuns([runOf(curve)])));
      }),
      runs(150),
    );
  });

  it('to the order of CSV rows that carry their step (same report apart from warnings)', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(
        curveParams.chain((p) => {
          const n = generateCurve(p).x.length;
          const order = Array.from({ length: n }, (_, i) => i);
          return fc.tuple(fc.constant(p), fc.shuffledSubarray(order, { minLength: n, maxLength: n }));
        }),
        ([p, order]) => {
          const curve = generateCurve(p);
          const sorted = loadRuns([{ name: 'log.csv', bytes: encoder.encode(curveCsv(curve)) }]);
          const shuffled = loadRuns([{ name: 'log.csv', bytes: encoder.encode(curveCsv(curve, order)) }]);
          expect(shuffled.errors).toEqual([]);
          const a = analyzeRuns(sorted.runs);
          const b = analyzeRuns(shuffled.runs);
          const strip = (r: Report) => JSON.stringify(r.runs.map(({ warnings: _w, ...rest }) => rest));
          expect(strip(b)).toBe(strip(a));
        },
      ),
      runs(100),
    );
  });

  it('(the reason:) a log whose steps go back without repeating is sorted, with a warning; a real restart still replaces', () => {
    const encoder = new TextEncoder();
    const shuffled = loadRuns([{ name: 'log.csv', bytes: encoder.encode('step,loss\n2,0.8\n0,1.0\n3,0.7\n1,0.9\n') }]).runs[0];
    expect(Array.from(shuffled.series[0].x)).toEqual([0, 1, 2, 3]);
    expect(Array.from(shuffled.series[0].y)).toEqual([1.0, 0.9, 0.8, 0.7]);
    expect(shuffled.warnings.map((w) => [w.code, w.line])).toEqual([['unordered', 3]]);

    const resumed = loadRuns([{ name: 'log.csv', bytes: encoder.encode('step,loss\n0,1.0\n1,0.9\n2,0.8\n3,0.7\n2,0.85\n3,0.75\n4,0.65\n') }]).runs[0];
    expect(Array.from(resumed.series[0].x)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(resumed.series[0].y)).toEqual([1.0, 0.9, 0.85, 0.75, 0.65]);
    expect(resumed.warnings.map((w) => [w.code, w.line])).toEqual([['restart', 6]]);
  });
});
