import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { analyzeRun } from '../../src/core/analyze.js';
import { compareRuns, type AnalyzedRun } from '../../src/core/compare.js';
import { optionValues } from '../../src/core/engine/rule-options.js';
import type { Run } from '../../src/core/types.js';
import { baselineRules, findRule, rules } from '../../rules/index.js';
import { curve, decay, makeRun, steps } from '../helpers/curves.js';

/** A healthy per-step loss with the given spikes (index, factor). */
function spikedRun(at: Array<[number, number]>): Run {
  const n = 2000;
  const x = steps(n, { seed: 4 });
  const y = curve({ n, shape: (t) => decay(t, 2.5, 0.5, 4), noise: 0.03, model: 'gaussian', seed: 4 });
  for (const [i, f] of at) y[i] *= f;
  return makeRun([{ name: 'loss', x, y }], { axis: 'step' });
}

const lossSpikes = findRule('loss-spikes')!;

/** A rule's finding on a run, with options for it (undefined: the defaults). */
const findingOf = (id: string, run: Run, options?: Record<string, unknown>) =>
  analyzeRun(run, [findRule(id)!], options ? { ruleOptions: { [id]: options } } : {}).findings.find((f) => f.id === id);

describe('rule options', () => {
  it('every rule declares its options; each schema has exactly the keys of its defaults and accepts them', () => {
    for (const rule of [...rules, ...baselineRules]) {
      const spec = rule.meta.options;
      if (!spec) continue;
      const shape = spec.shape(z);
      expect(Object.keys(shape).sort(), rule.meta.id).toEqual(Object.keys(spec.defaults).sort());
      expect(z.strictObject(shape).safeParse(spec.defaults).success, rule.meta.id).toBe(true);
    }
    for (const id of ['loss-spikes', 'held-out-spikes', 'noisy-validation', 'oscillation', 'slow-convergence', ...baselineRules.map((r) => r.meta.id)]) expect(findRule(id)!.meta.options, id).toBeDefined();
  });

  it('configured values override the defaults, only for the rule’s own keys', () => {
    const spec = lossSpikes.meta.options!;
    expect(optionValues(spec, undefined, 'loss-spikes')).toEqual({ spikeRatio: 2, spikeZ: 7, loneRatio: 2.5 });
    expect(optionValues(spec, { 'loss-spikes': { spikeZ: 9, other: 1 } }, 'loss-spikes')).toEqual({ spikeRatio: 2, spikeZ: 9, loneRatio: 2.5 });
    expect(optionValues(spec, { overfitting: { spikeZ: 9 } }, 'loss-spikes').spikeZ).toBe(7);
  });

  it('loss-spikes spikeRatio: a higher ratio ignores ×3 spikes', () => {
    const run = spikedRun([[400, 3], [900, 3], [1500, 3]]);
    expect(findingOf('loss-spikes', run)?.evidence.count).toBe(3);
    expect(findingOf('loss-spikes', run, { spikeRatio: 4 })).toBeUndefined();
  });

  it('loss-spikes spikeZ: a higher z threshold ignores the same spikes', () => {
    const run = spikedRun([[400, 3], [900, 3], [1500, 3]]);
    const found = findingOf('loss-spikes', run)!;
    const sigmas = (found.evidence.spikes as Array<{ z: number }>).map((s) => s.z);
    expect(findingOf('loss-spikes', run, { spikeZ: Math.max(...sigmas) + 1 })).toBeUndefined();
    expect((findingOf('loss-spikes', run, { spikeZ: 8 })?.evidence.thresholds as { z: number }).z).toBe(8);
  });

  it('loss-spikes loneRatio: a lone ×2.2 spike counts only below the lone-spike ratio', () => {
    const run = spikedRun([[900, 2.2]]);
    expect(findingOf('loss-spikes', run)).toBeUndefined();
    expect(findingOf('loss-spikes', run, { loneRatio: 2 })?.evidence.count).toBe(1);
  });
});

describe('options of the other rules change what they detect', () => {
  const epochs = (n: number) => steps(n, { start: 1 });

  it('held-out-spikes factor and maxLength', () => {
    const x = epochs(60);
    const train = curve({ n: 60, shape: (t) => decay(t, 2.0, 0.3, 4), noise: 0.01, seed: 51 });
    const val = (factor: number, at: number[]) =>
      Float64Array.from(curve({ n: 60, shape: (t) => decay(t, 2.1, 0.4, 4), noise: 0.03, seed: 53 }), (v, i) => (at.includes(i) ? v * factor : v));
    const run = (factor: number, at: number[]) => makeRun([{ name: 'loss', x, y: train }, { name: 'val_loss', x, y: val(factor, at) }], { axis: 'epoch' });
    expect(findingOf('held-out-spikes', run(5, [29]))).toBeDefined();
    expect(findingOf('held-out-spikes', run(5, [29]), { factor: 8 })).toBeUndefined();
    expect(findingOf('held-out-spikes', run(8, [28, 29, 30]))).toBeDefined();
    expect(findingOf('held-out-spikes', run(8, [28, 29, 30]), { maxLength: 2 })).toBeUndefined();
  });

  it('noisy-validation noise and signalInNoise', () => {
    const x = epochs(30);
    const run = makeRun(
      [
        { name: 'loss', x, y: curve({ n: 30, shape: (t) => decay(t, 1.5, 0.3, 5), noise: 0.01, seed: 1 }) },
        { name: 'val_loss', x, y: curve({ n: 30, shape: (t) => decay(t, 1.6, 0.5, 5), noise: 0.15, seed: 2 }) },
      ],
      { axis: 'epoch' },
    );
    const found = findingOf('noisy-validation', run)!;
    expect(found.evidence.noisy).toBe(true);
    const noisy = findingOf('noisy-validation', run, { noise: 0.5 });
    expect(noisy?.evidence.noisy ?? false).toBe(false);
    // A threshold the curve still passes: the finding reports the configured threshold, not the default.
    const raised = findingOf('noisy-validation', run, { noise: 0.08 });
    expect(raised).toBeDefined();
    expect((raised!.evidence.thresholds as { noise: number }).noise).toBe(0.08);
  });

  it('oscillation zigzagAcf and largeSwing', () => {
    const x = epochs(40);
    const swinging = curve({ n: 40, shape: (t) => (t < 0.25 ? 0.8 + 1.2 * (1 - t / 0.25) : 0.8), noise: 0.2, model: 'gaussian', seed: 31 });
    const swings = makeRun([{ name: 'loss', x, y: swinging }], { axis: 'epoch' });
    expect(findingOf('oscillation', swings)).toBeDefined();
    expect(findingOf('oscillation', swings, { largeSwing: 1 })).toBeUndefined();
    const base = curve({ n: 40, shape: (t) => 0.6 + 0.5 * Math.exp(-6 * t), noise: 0.01, seed: 1 });
    const zig = makeRun([{ name: 'loss', x, y: Float64Array.from(base, (v, i) => v * (1 + (i % 2 ? 1 : -1) * 0.1)) }], { axis: 'epoch' });
    expect(findingOf('oscillation', zig)).toBeDefined();
    expect(findingOf('oscillation', zig, { zigzagAcf: -1, largeSwing: 10 })).toBeUndefined();
  });

  it('slow-convergence projectedShare', () => {
    const x = steps(300, { every: 10, seed: 1 });
    const run = makeRun([{ name: 'loss', x, y: curve({ n: 300, shape: (t) => 2.0 - 0.9 * t, noise: 0.03, seed: 1 }) }], { axis: 'step' });
    const found = findingOf('slow-convergence', run)!;
    const share = found.evidence.projectedShare as number;
    expect(findingOf('slow-convergence', run, { projectedShare: share + 0.05 })).toBeUndefined();
  });
});

describe('baseline rules options', () => {
  const analyzed = (floor: number): AnalyzedRun => {
    const n = 500;
    const x = steps(n);
    const y = Float64Array.from(x, (_, i) => floor + 2 * Math.exp(-i / 80));
    const run = makeRun([{ name: 'loss', x, y }], { axis: 'step' });
    return { run, report: analyzeRun(run, rules) };
  };
  const base = analyzed(0.5);
  const worse = analyzed(0.6);
  const ids = (options: Parameters<typeof compareRuns>[2]) => compareRuns(worse, base, options).map((f) => `${f.id}:${f.severity}`).sort();

  it('regression-final-loss warning / error: the rule options move the gate', () => {
    expect(ids({})).toContain('regression-final-loss:warning');
    expect(ids({ ruleOptions: { 'regression-final-loss': { warning: 0.5 } } }).some((id) => id.startsWith('regression-final-loss'))).toBe(false);
    expect(ids({ ruleOptions: { 'regression-final-loss': { error: 0.1 } } })).toContain('regression-final-loss:error');
  });

  it('regression-best-loss and regression-curve-area options: null turns a level off', () => {
    expect(ids({})).toContain('regression-best-loss:warning');
    expect(ids({ ruleOptions: { 'regression-best-loss': { warning: null } } }).some((id) => id.startsWith('regression-best-loss'))).toBe(false);
    expect(ids({ ruleOptions: { 'regression-curve-area': { error: 0.05 } } })).toContain('regression-curve-area:error');
  });

  it('tolerances given to compareRuns win over the rule options', () => {
    expect(ids({ finalLoss: { warning: 0.5 }, ruleOptions: { 'regression-final-loss': { warning: 0.01 } } }).some((id) => id.startsWith('regression-final-loss'))).toBe(false);
  });
});
