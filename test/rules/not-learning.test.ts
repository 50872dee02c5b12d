import { expect } from 'vitest';
import { runRuleTests } from '../helpers/rule-tester.js';
import { curve, makeRun, steps } from '../helpers/curves.js';
import { scenario } from '../helpers/scenarios.js';

const stuckAt = (level: number, noise: number, seed = 1) => {
  const x = steps(300, { every: 10 });
  return makeRun([{ name: 'loss', x, y: curve({ n: 300, shape: () => level, noise, seed }) }], { axis: 'step' });
};

runRuleTests('not-learning', {
  valid: [
    { name: 'healthy decay', run: scenario({ train: 'falling', heldOut: 'falling' }) },
    { name: 'converged', run: scenario({ train: 'flat', heldOut: 'flat', logging: 'per-step' }) },
    { name: 'diverging is its own verdict', run: scenario({ train: 'rising', heldOut: 'none' }) },
  ],
  invalid: [
    {
      name: 'stuck at ln(4): chance level puts init and dead units first',
      run: stuckAt(Math.log(4), 0.005),
      expect: (f) => {
        expect(f.message).toContain('ln(4)');
        expect(f.causes[0].id).toBe('init');
        expect(f.evidence.chanceClasses).toBe(4);
      },
    },
    {
      name: 'flat and noisy at a non-chance level: learning rate first',
      run: stuckAt(3.7, 0.08, 2),
      expect: (f) => {
        expect(f.causes[0].id).toBe('lr');
        expect(f.causes[1].id).toBe('batch-size');
      },
    },
    {
      name: 'flat in every noise model, without a held-out curve',
      run: scenario({ train: 'never', heldOut: 'none', model: 'ar1' }),
      expect: (f) => expect(f.severity).toBe('error'),
    },
  ],
});
