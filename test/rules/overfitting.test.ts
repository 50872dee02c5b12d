import { expect } from 'vitest';
import { runRuleTests } from '../helpers/rule-tester.js';
import { scenario } from '../helpers/scenarios.js';

runRuleTests('overfitting', {
  valid: [
    { name: 'both still falling', run: scenario({ train: 'falling', heldOut: 'falling', model: 'heavy' }) },
    { name: 'both flat', run: scenario({ train: 'flat', heldOut: 'flat' }) },
    { name: 'train only', run: scenario({ train: 'falling', heldOut: 'none', logging: 'per-step' }) },
  ],
  invalid: [
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
