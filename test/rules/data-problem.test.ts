import { expect } from 'vitest';
import { runRuleTests } from '../helpers/rule-tester.js';
import { scenario } from '../helpers/scenarios.js';

runRuleTests('data-problem', {
  valid: [
    { name: 'both falling', run: scenario({ train: 'falling', heldOut: 'falling' }) },
    { name: 'both flat', run: scenario({ train: 'flat', heldOut: 'flat', model: 'heavy' }) },
    { name: 'no held-out curve', run: scenario({ train: 'flat', heldOut: 'none' }) },
  ],
  invalid: [
    {
      name: 'train flat, val still falling clearly (§C3)',
      run: scenario({ train: 'flat', heldOut: 'falling' }),
      expect: (f) => {
        expect(f.message).toMatch(/is flat at about .* while val_loss keeps falling/);
        expect(f.causes[0].id).toBe('split-overlap');
      },
    },
    {
      name: 'same per step with irregular evaluations',
      run: scenario({ train: 'flat', heldOut: 'falling', logging: 'per-step', irregular: true, seed: 3 }),
      expect: (f) => expect(f.range?.axis).toBe('step'),
    },
  ],
});
