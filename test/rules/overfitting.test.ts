import { expect } from 'vitest';
import { runRuleTests } from '../helpers/rule-tester.js';
import { scenario } from '../helpers/scenarios.js';
import { curve, makeRun, steps } from '../helpers/curves.js';

/** Train falls, val loss is U-shaped (best at epoch 12 of 40), and a val accuracy moves as `acc` says. */
function withAccuracy(acc: (t: number) => number) {
  const n = 40;
  const x = steps(n, { start: 1 });
  return makeRun(
    [
      { name: 'loss', x, y: curve({ n, shape: (t) => 0.1 + 1.5 * Math.exp(-5 * t), noise: 0.01, seed: 41 }) },
      { name: 'val_loss', x, y: curve({ n, shape: (t) => 0.4 + 1.2 * Math.exp(-12 * t) + 0.8 * Math.max(0, t - 0.3) ** 1.3, noise: 0.01, seed: 42 }) },
      { name: 'val_accuracy', x, y: curve({ n, shape: acc, noise: 0.003, seed: 43 }) },
    ],
    { axis: 'epoch' },
  );
}

runRuleTests('overfitting', {
  valid: [
    { name: 'both still falling', run: scenario({ train: 'falling', heldOut: 'falling', model: 'heavy' }) },
    { name: 'both flat', run: scenario({ train: 'flat', heldOut: 'flat' }) },
    { name: 'train only', run: scenario({ train: 'falling', heldOut: 'none', logging: 'per-step' }) },
  ],
  invalid: [
    {
      name: 'val loss rises while val accuracy keeps improving: over-confidence, said with both best checkpoints',
      run: withAccuracy((t) => 0.6 + 0.3 * t),
      expect: (f) => {
        expect(f.message).toContain('val_accuracy keeps improving');
        expect(f.message).toContain('over-confident');
        expect(f.message).toMatch(/pick the checkpoint by val_accuracy \(epoch (39|40)\), not by the loss \(epoch \d+\)/);
        expect((f.evidence.heldOutMetric as { overConfident: boolean }).overConfident).toBe(true);
      },
    },
    {
      name: 'val loss rises and val accuracy falls from its best: the metric confirms it, with more confidence',
      run: withAccuracy((t) => 0.9 - 0.4 * Math.max(0, t - 0.3)),
      expect: (f) => {
        expect(f.message).toMatch(/val_accuracy confirms it: best 0\.9\d* at epoch \d+, recently about 0\.6/);
        expect((f.evidence.heldOutMetric as { confirms: boolean }).confirms).toBe(true);
        expect(f.confidence).toBeGreaterThan(0.8);
      },
    },
    {
      name: 'U-shaped val while train falls: names the best epoch',
      run: scenario({ train: 'falling', heldOut: 'rising' }),
      expect: (f) => {
        expect(f.severity).toBe('warning');
        expect(f.best?.axis).toBe('epoch');
        expect(f.best!.x).toBeGreaterThanOrEqual(8);
        expect(f.best!.x).toBeLessThanOrEqual(20);
        expect(f.remedies[0].text).toMatch(new RegExp(`epoch ${f.best!.x}\\b`));
        expect(f.message).toMatch(/has risen/);
      },
    },
    {
      name: 'val flat while train keeps falling (§C2) is the milder, info-level case',
      run: scenario({ train: 'falling', heldOut: 'flat', logging: 'per-step', model: 'ar1', seed: 4 }),
      expect: (f) => {
        expect(f.severity).toBe('info');
        expect(f.message).toMatch(/has not improved/);
      },
    },
    {
      name: 'test loss plays the held-out role when there is no val',
      run: scenario({ train: 'falling', heldOut: 'rising', heldOutName: 'test_loss', scale: 0.001 }),
      expect: (f) => expect(f.series[0]).toBe('test_loss'),
    },
  ],
});
