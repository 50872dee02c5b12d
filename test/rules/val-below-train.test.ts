import { expect } from 'vitest';
import { runRuleTests } from '../helpers/rule-tester.js';
import { curve, decay, makeRun, steps } from '../helpers/curves.js';
import { scenario } from '../helpers/scenarios.js';

const valBelow = (ratio: number) => {
  const x = steps(30);
  const train = curve({ n: 30, shape: (t) => decay(t, 1.5, 0.3, 3), seed: 2 });
  const val = curve({ n: 30, shape: (t) => ratio * decay(t, 1.5, 0.3, 3), noise: 0.02, seed: 3 });
  return makeRun([
    { name: 'loss', x, y: train },
    { name: 'val_loss', x, y: val },
  ]);
};

runRuleTests('val-below-train', {
  valid: [
    { name: 'val above train', run: scenario({ train: 'falling', heldOut: 'falling' }) },
    { name: 'val about equal to train', run: valBelow(0.99) },
  ],
  invalid: [
    {
      name: 'val 30% below train throughout',
      run: valBelow(0.7),
      expect: (f) => {
        expect(f.evidence.valBelowShare).toBe(1);
        expect(f.causes.map((c) => c.id)).toContain('leakage');
      },
    },
  ],
});
