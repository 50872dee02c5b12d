import { expect } from 'vitest';
import { curve, decay, makeRun, steps, type NoiseModel } from '../helpers/curves.js';
import { runRuleTests } from '../helpers/rule-tester.js';

interface EpochOptions {
  /** Logged points per epoch and epochs. */
  per?: number;
  epochs?: number;
  every?: number;
  noise?: number;
  scale?: number;
  irregular?: boolean;
  /** HF-style fractional epochs instead of integer epoch labels. */
  fractional?: boolean;
  lr?: (phase: number, epoch: number) => number;
}

/** A per-step run whose loss is multiplied by pattern(phase in epoch, epoch). */
function epochRun(seed: number, model: NoiseModel, pattern: (phase: number, epoch: number) => number, o: EpochOptions = {}) {
  const per = o.per ?? 100;
  const E = o.epochs ?? 8;
  const n = per * E;
  const every = o.every ?? 4;
  const x = steps(n, { every, irregular: o.irregular ?? false, seed });
  const epoch = Float64Array.from(x, (v, i) => (o.fractional ? (v + every) / (per * every) : Math.floor(i / per) + 1));
  const base = curve({ n, shape: (t) => decay(t, 2.2, 0.5, 3), noise: o.noise ?? 0.04, model, seed, scale: o.scale ?? 1 });
  const y = Float64Array.from(base, (v, i) => v * pattern((i % per) / per, Math.floor(i / per)));
  const metrics = [{ name: 'loss', x, y, epoch }];
  if (o.lr) metrics.push({ name: 'lr', x, y: Float64Array.from(x, (_, i) => o.lr!((i % per) / per, Math.floor(i / per))), epoch });
  return makeRun(metrics, { axis: 'step' });
}

/** Unshuffled data: the loss falls through each epoch and jumps back up when the order restarts. */
const saw = (p: number) => 1 + 0.25 * (0.5 - p);
/** Hard examples stored in the middle of the data set. */
const bump = (p: number) => 1 + 0.3 * Math.exp(-((p - 0.5) ** 2) / 0.01);
const flat = () => 1;

runRuleTests('epoch-sawtooth', {
  invalid: [
    {
      name: 'a per-step log without epochs (a TensorBoard CSV export): the period is found in the curve',
      run: makeRun([{ name: 'loss', x: steps(800, { every: 4 }), y: Float64Array.from(curve({ n: 800, shape: (t) => decay(t, 2.2, 0.5, 3), noise: 0.04, model: 'gaussian', seed: 23 }), (v, i) => v * saw((i % 100) / 100)) }], { axis: 'step' }),
      expect: (f) => {
        expect(f.evidence.periodInferred).toBe(true);
        // 100 logs every 4 steps: a 400-step cycle, found within a grid cell or two.
        expect(Math.abs((f.evidence.stepsPerEpoch as number) - 400)).toBeLessThan(20);
        expect(f.message).toContain('every cycle');
        expect(f.message).toContain('the log has no epoch column');
      },
    },
    {
      name: 'sawtooth every epoch, Gaussian noise',
      run: epochRun(1, 'gaussian', saw),
      expect: (f) => {
        expect(f.evidence.stepsPerEpoch).toBe(400);
        expect(f.evidence.epochs).toBeGreaterThanOrEqual(6);
        expect(f.evidence.acfAtEpoch as number).toBeGreaterThan(0.6);
        expect((f.evidence.rise as { at: string }).at).toBe('boundary');
        expect(f.message).toContain('every epoch (400 steps)');
        expect(f.message).toContain('at the start of every epoch');
        expect(f.causes.map((c) => c.id)).toEqual(['not-shuffled', 'epoch-effects', 'ordered-data']);
      },
    },
    {
      name: 'sawtooth, heavy-tailed noise, irregular steps, scale 1e3',
      run: epochRun(2, 'heavy', saw, { irregular: true, scale: 1e3 }),
      expect: (f) => {
        expect(f.evidence.stepsPerEpoch as number).toBeGreaterThan(300);
        expect(f.evidence.stepsPerEpoch as number).toBeLessThan(500);
        expect(f.evidence.amplitudeRel as number).toBeGreaterThan(0.15);
      },
    },
    {
      name: 'sawtooth, AR(1) noise, scale 1e-3, HF-style fractional epochs',
      run: epochRun(3, 'ar1', saw, { scale: 1e-3, fractional: true }),
      expect: (f) => {
        expect(f.evidence.r2 as number).toBeGreaterThan(0.5);
        expect(f.range?.axis).toBe('step');
      },
    },
    {
      name: 'a bump in the middle of every epoch (hard examples stored together)',
      run: epochRun(4, 'gaussian', bump, { per: 60, epochs: 6 }),
      expect: (f) => {
        const rise = f.evidence.rise as { at: string; phase: number };
        expect(rise.at).toBe('inside');
        expect(rise.phase).toBeGreaterThan(0.2);
        expect(rise.phase).toBeLessThan(0.55);
        expect(f.causes[1].id).toBe('ordered-data');
        expect(f.message).toMatch(/into every epoch/);
      },
    },
    {
      name: 'sawtooth while the learning rate is constant (lr logged, not periodic)',
      run: epochRun(5, 'gaussian', saw, { lr: () => 1e-3 }),
      expect: (f) => {
        expect(f.evidence.lrChecked).toBe(true);
      },
    },
  ],
  valid: [
    ...(['gaussian', 'heavy', 'ar1'] as const).map((model, k) => ({
      name: `healthy shuffled per-step run with epochs, ${model} noise`,
      run: epochRun(10 + k, model, flat, { noise: model === 'ar1' ? 0.06 : 0.04, irregular: k === 1 }),
    })),
    {
      name: 'the same loss pattern under a cyclic LR with the epoch as its period (SGDR restarts each epoch)',
      run: epochRun(20, 'gaussian', saw, { lr: (p) => 1e-4 + 1e-3 * (1 + Math.cos(Math.PI * p)) / 2 }),
    },
    {
      name: 'the same loss pattern under an LR that decays in steps every epoch',
      run: epochRun(21, 'gaussian', saw, { lr: (_p, e) => 1e-3 * 0.5 ** e }),
    },
    {
      name: 'a per-epoch log (no within-epoch pattern to see)',
      run: makeRun([{ name: 'loss', x: steps(40, { start: 1 }), y: curve({ n: 40, shape: (t) => decay(t, 1.5, 0.3, 4), noise: 0.03, model: 'gaussian', seed: 22 }) }], { axis: 'epoch' }),
    },
    {
      name: 'a per-step log without epochs and without a pattern (the period search finds nothing)',
      run: makeRun([{ name: 'loss', x: steps(800, { every: 4 }), y: curve({ n: 800, shape: (t) => decay(t, 2.2, 0.5, 3), noise: 0.04, model: 'ar1', seed: 24 }) }], { axis: 'step' }),
    },
    {
      name: 'an epoch staircase (flat epochs, drops at the boundaries) is not a sawtooth',
      run: epochRun(24, 'gaussian', (_p, e) => [1, 0.55, 0.33, 0.22, 0.16, 0.12, 0.1, 0.09][e] * 2),
    },
    {
      name: 'only two epochs',
      run: epochRun(25, 'gaussian', saw, { epochs: 2 }),
    },
  ],
});
