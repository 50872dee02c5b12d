import { expect } from 'vitest';
import { runRuleTests } from '../helpers/rule-tester.js';
import { scenario } from '../helpers/scenarios.js';

runRuleTests('still-learning', {
  valid: [
    { name: 'converged run', run: scenario({ train: 'flat', heldOut: 'flat' }) },
    { name: 'overfitting run', run: scenario({ train: 'falling', heldOut: 'rising', model: 'heavy' }) },
    { name: 'diverging run', run: scenario({ train: 'rising', heldOut: 'none', logging: 'per-step' }) },
  ],
  invalid: [
    {
      name: 'both falling, per-epoch',
      run: scenario({ train: 'falling', heldOut: 'falling' }),
      expect: (f) => {
        expect(f.severity).toBe('info');
        expect(f.message).toMatch(/train_loss is still falling/);
        expect(f.message).toMatch(/val_loss is falling too/);
      },
    },
    {
      name: 'train only, per-step heavy-tailed noise, ×1000',
      run: scenario({ train: 'falling', heldOut: 'none', logging: 'per-step', model: 'heavy', scale: 1000 }),
      expect: (f) => expect(f.range?.axis).toBe('step'),
    },
  ],
});
