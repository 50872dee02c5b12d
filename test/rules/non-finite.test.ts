import { expect } from 'vitest';
import { runRuleTests } from '../helpers/rule-tester.js';
import { curve, decay, makeRun, steps } from '../helpers/curves.js';
import { scenario } from '../helpers/scenarios.js';

const withHoles = (values: Array<[number, number]>) => {
  const x = steps(100, { every: 5 });
  const y = curve({ n: 100, shape: (t) => decay(t, 2, 0.3, 3), seed: 9 });
  for (const [i, v] of values) y[i] = v;
  return makeRun([{ name: 'loss', x, y }], { axis: 'step' });
};

runRuleTests('non-finite', {
  valid: [
    { name: 'finite everywhere', run: scenario({ train: 'falling', heldOut: 'falling', model: 'heavy' }) },
    { name: 'huge but finite values', run: scenario({ train: 'falling', heldOut: 'none', scale: 1e300 }) },
  ],
  invalid: [
    {
      name: 'one NaN that recovers',
      run: withHoles([[40, Number.NaN]]),
      expect: (f) => {
        expect(f.message).toMatch(/loss is NaN at step 200 \(1 of 100 points non-finite, finite again later\)/);
        expect(f.evidence.recovered).toBe(true);
      },
    },
    {
      name: 'Infinity from mid-run on',
      run: withHoles(Array.from({ length: 30 }, (_, k) => [70 + k, Infinity] as [number, number])),
      expect: (f) => {
        expect(f.message).toContain('Infinity at step 350');
        expect(f.evidence.recovered).toBe(false);
        expect(f.range?.from).toBe(350);
      },
    },
  ],
});
