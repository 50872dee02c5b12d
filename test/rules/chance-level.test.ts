import { describe, expect, it } from 'vitest';
import { inferClasses } from '../../rules/chance-level.js';
import { curve, decay, makeRun, steps, type NoiseModel } from '../helpers/curves.js';
import { runRuleTests } from '../helpers/rule-tester.js';

const LN4 = Math.log(4);
const LN10 = Math.log(10);

/** A loss that sits at `level` (with multiplicative noise), optionally after an approach from `from`. */
function stuck(seed: number, model: NoiseModel, level: number, o: { n?: number; noise?: number; from?: number; reachAt?: number; axis?: 'step' | 'epoch' } = {}) {
  const n = o.n ?? 50;
  const x = o.axis === 'step' ? steps(n, { every: 50, start: 50, seed }) : steps(n, { start: 1 });
  const shape = (t: number) => (o.from === undefined ? level : t >= (o.reachAt ?? 0.2) ? level : o.from + (level - o.from) * (t / (o.reachAt ?? 0.2)));
  return { x, y: curve({ n, shape, noise: o.noise ?? 0.004, model, seed }) };
}

const hfTrain = stuck(1, 'gaussian', 1.39, { n: 62, noise: 0.006, axis: 'step' });
const hfEval = { x: hfTrain.x, y: Float64Array.from(hfTrain.x, (_, i) => LN4 + 1e-6 * Math.sin(i)) };
const hfLr = Float64Array.from(hfTrain.x, (_, i) => (i < 6 ? 4.9e-5 * (i + 1) / 6 : 4.9e-5 * (1 - (i - 6) / 60)));

runRuleTests('chance-level', {
  invalid: [
    {
      name: 'class count known from an accuracy at 1/4: the loss sits at ln 4 and val accuracy at 0.25',
      run: makeRun(
        [
          { name: 'loss', ...stuck(11, 'gaussian', LN4) },
          { name: 'val_loss', ...stuck(12, 'gaussian', LN4) },
          { name: 'val_accuracy', ...stuck(13, 'gaussian', 0.25, { noise: 0.02 }) },
        ],
        { axis: 'epoch' },
      ),
      expect: (f) => {
        expect(f.severity).toBe('error');
        expect(f.evidence.classesFrom).toBe('accuracy');
        expect(f.evidence.classes).toBe(4);
        expect(f.message).toMatch(/val_accuracy is 0\.2\d+, about 1\/4/);
      },
    },
    {
      name: 'worse than chance: a 4-class loss flat at 1.615 (above ln 4 = 1.386) with accuracy at 0.25, not "chance for 5 classes"',
      run: makeRun(
        [
          { name: 'loss', ...stuck(14, 'gaussian', 1.615) },
          { name: 'val_loss', ...stuck(15, 'gaussian', 1.615) },
          { name: 'val_acc', ...stuck(16, 'gaussian', 0.25, { noise: 0.02 }) },
        ],
        { axis: 'epoch' },
      ),
      expect: (f) => {
        expect(f.evidence.classes).toBe(4);
        expect(f.evidence.aboveChance).toBe(true);
        expect(f.severity).toBe('error');
        expect(f.message).toContain('worse than guessing');
        expect(f.message).not.toContain('ln(5)');
      },
    },
    {
      name: 'train loss flat at ln 10 from the start (C inferred), Gaussian noise',
      run: makeRun([{ name: 'loss', ...stuck(2, 'gaussian', LN10) }], { axis: 'epoch' }),
      expect: (f) => {
        expect(f.evidence.classes).toBe(10);
        expect(f.evidence.classesFrom).toBe('value');
        // A class count guessed from the value alone is a hint, worded conditionally.
        expect(f.severity).toBe('info');
        expect(f.message).toContain('if the task has 10 classes');
        expect(f.evidence.origin).toBe('start');
        expect(f.evidence.shareAtChance).toBe(1);
        expect(f.message).toContain('ln(10) = 2.303');
        expect(f.message).toContain('confirm with --num-classes');
        expect(f.causes.slice(0, 2).map((c) => c.id)).toEqual(['init', 'dead-units']);
      },
    },
    {
      name: 'HF trainer log: eval loss pinned at ln 4 = 1.38629, train noisy around it, LR warm-up and decay',
      run: makeRun(
        [
          { name: 'loss', ...hfTrain },
          { name: 'eval_loss', ...hfEval },
          { name: 'learning_rate', x: hfTrain.x, y: hfLr },
        ],
        { axis: 'step' },
      ),
      expect: (f) => {
        expect(f.evidence.classes).toBe(4);
        expect(f.evidence.lnC as number).toBeCloseTo(1.38629, 5);
        // Both sit at ln 4 for the whole run; the pinned eval loss is the closer one.
        expect(f.series).toEqual(['eval_loss', 'loss']);
        expect(f.message).toMatch(/^eval_loss has been flat at 1\.386/);
        // The sweep starts from the schedule's peak LR, not its decayed tail.
        expect(f.remedies.find((r) => r.id === 'lr-sweep')!.text).toContain('around 4.90e-5');
      },
    },
    {
      name: 'C given: 100 classes, heavy-tailed noise, within 5% of ln 100',
      run: makeRun([{ name: 'loss', ...stuck(3, 'heavy', Math.log(100) * 1.03, { noise: 0.01 }) }], { axis: 'epoch' }),
      options: { numClasses: 100 },
      expect: (f) => {
        expect(f.evidence.classes).toBe(100);
        expect(f.evidence.classesFrom).toBe('given');
        expect(f.severity).toBe('error');
        expect(f.message).not.toContain('inferred');
        expect(f.confidence).toBeGreaterThan(0.8);
      },
    },
    {
      name: 'fell from 1.3 × ln 2 to ln 2 and stayed there (AR(1) noise): labels first',
      run: makeRun([{ name: 'loss', ...stuck(4, 'ar1', Math.log(2), { from: 0.9, reachAt: 0.15, noise: 0.003 }) }], { axis: 'epoch' }),
      expect: (f) => {
        expect(f.evidence.classes).toBe(2);
        expect(f.evidence.origin).toBe('fell');
        expect(f.causes[0].id).toBe('labels');
        expect(f.remedies[1].id).toBe('check-labels');
      },
    },
    {
      name: 'learning rate logged as 0: the LR is the first suspect',
      run: makeRun(
        [
          { name: 'loss', ...stuck(5, 'gaussian', LN10) },
          { name: 'lr', x: steps(50, { start: 1 }), y: new Float64Array(50) },
        ],
        { axis: 'epoch' },
      ),
      expect: (f) => {
        expect(f.evidence.lr).toBe(0);
        expect(f.causes[0].id).toBe('lr');
      },
    },
    {
      name: 'collapsed back up to ln 3 after learning (rose): LR first',
      run: makeRun([{ name: 'loss', ...stuck(6, 'gaussian', Math.log(3), { from: 0.7, reachAt: 0.3 }) }], { axis: 'epoch' }),
      options: { numClasses: 3 },
      expect: (f) => {
        expect(f.evidence.origin).toBe('rose');
        expect(f.causes[0].id).toBe('lr');
        expect(f.range?.from as number).toBeGreaterThan(10);
      },
    },
  ],
  valid: [
    {
      name: 'a summed detection loss (box + cls + dfl) flat near ln 23: no class count from the value',
      run: (() => {
        const run = makeRun([{ name: 'train/loss', ...stuck(21, 'gaussian', Math.log(23)) }], { axis: 'epoch' });
        run.series[0].components = ['train/box_loss', 'train/cls_loss', 'train/dfl_loss'];
        return run;
      })(),
    },
    {
      name: 'a loss near ln 5 whose accuracy rose to 0.8: the model learned',
      run: makeRun(
        [
          { name: 'loss', ...stuck(22, 'gaussian', Math.log(5)) },
          { name: 'accuracy', x: steps(50, { start: 1 }), y: curve({ n: 50, shape: (t) => 0.3 + 0.5 * t, noise: 0.01, model: 'gaussian', seed: 23 }) },
        ],
        { axis: 'epoch' },
      ),
    },
    ...(['gaussian', 'heavy', 'ar1'] as const).map((model, k) => ({
      name: `healthy classifier converging at 0.35, ${model} noise`,
      run: makeRun([{ name: 'loss', x: steps(50, { start: 1 }), y: curve({ n: 50, shape: (t) => decay(t, 2.3, 0.35, 6), noise: 0.02, model, seed: 10 + k }) }], { axis: 'epoch' }),
    })),
    {
      name: 'a regression loss that fell from 5 and converged at 0.69 (far above 1.5 × ln 2 at the start)',
      run: makeRun([{ name: 'loss', x: steps(50, { start: 1 }), y: curve({ n: 50, shape: (t) => decay(t, 5, 0.69, 12), noise: 0.003, model: 'gaussian', seed: 20 }) }], { axis: 'epoch' }),
    },
    {
      name: 'flat at 2.0, which is 2.8% from ln 7 (outside the inference tolerance)',
      run: makeRun([{ name: 'loss', ...stuck(21, 'gaussian', 2.0) }], { axis: 'epoch' }),
    },
    {
      name: 'flat at ln 10 but scaled ×1000 (2302.6 is no ln C ≤ 1000)',
      run: makeRun([{ name: 'loss', x: steps(50, { start: 1 }), y: Float64Array.from(stuck(22, 'gaussian', LN10).y, (v) => v * 1000) }], { axis: 'epoch' }),
    },
    {
      name: 'reached ln 4 only for the last 20% of the run',
      run: makeRun([{ name: 'loss', ...stuck(23, 'gaussian', LN4, { from: 1.8, reachAt: 0.8 }) }], { axis: 'epoch' }),
    },
    {
      name: 'C given (10) but the loss is far from ln 10',
      run: makeRun([{ name: 'loss', ...stuck(24, 'gaussian', 1.2) }], { axis: 'epoch' }),
      options: { numClasses: 10 },
    },
    {
      name: 'still falling through ln 4',
      run: makeRun([{ name: 'loss', x: steps(50, { start: 1 }), y: curve({ n: 50, shape: (t) => 2 - 1.2 * t, noise: 0.003, model: 'gaussian', seed: 25 }) }], { axis: 'epoch' }),
    },
  ],
});

describe('inferClasses', () => {
  it('finds small C within 1.5% of ln C', () => {
    expect(inferClasses(Math.log(2) * 1.01)).toBe(2);
    expect(inferClasses(1.38629)).toBe(4);
    expect(inferClasses(Math.log(10) * 0.995)).toBe(10);
  });
  it('caps the tolerance at a fifth of the gap to ln(C±1) (for C = 10: 0.019, i.e. 0.8%)', () => {
    expect(inferClasses(Math.log(10) * 0.99)).toBeUndefined();
  });
  it('needs a tighter match for large C, where ln C values crowd together', () => {
    expect(inferClasses(Math.log(1000))).toBe(1000);
    // Half-way between ln 200 and ln 201 is within 1.5% of both, but within a fifth of the gap of neither.
    expect(inferClasses((Math.log(200) + Math.log(201)) / 2)).toBeUndefined();
    expect(inferClasses(Math.log(1001))).toBeUndefined();
    expect(inferClasses(0.5)).toBeUndefined();
    expect(inferClasses(-1)).toBeUndefined();
  });
});
