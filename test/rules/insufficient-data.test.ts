import { expect } from 'vitest';
import { runRuleTests } from '../helpers/rule-tester.js';
import { makeRun, steps } from '../helpers/curves.js';
import { scenario } from '../helpers/scenarios.js';

runRuleTests('insufficient-data', {
  valid: [{ name: 'forty epochs', run: scenario({ train: 'falling', heldOut: 'falling' }) }],
  invalid: [
    {
      name: 'three points',
      run: makeRun([{ name: 'loss', x: steps(3), y: Float64Array.from([0.6, 0.55, 0.51]) }]),
      expect: (f) => expect(f.message).toMatch(/only 3 finite point/),
    },
    {
      name: 'no loss series at all',
      run: makeRun([{ name: 'accuracy', x: steps(10), y: Float64Array.from({ length: 10 }, (_, i) => i / 10) }]),
      expect: (f) => {
        expect(f.message).toContain('No loss curve found');
        expect(f.remedies[0].id).toBe('name-columns');
      },
    },
  ],
});
