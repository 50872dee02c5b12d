import { expect } from 'vitest';
import { runRuleTests } from '../helpers/rule-tester.js';
import { curve, decay, makeRun, steps } from '../helpers/curves.js';
import { scenario } from '../helpers/scenarios.js';

const nanTail = () => {
  const x = steps(200, { every: 10 });
  const y = curve({ n: 200, shape: (t) => decay(t, 2.3, 0.4, 3), noise: 0.05, seed: 4 });
  for (let i = 150; i < 200; i++) y[i] = Number.NaN;
  return makeRun([{ name: 'loss', x, y }, { name: 'lr', x, y: Float64Array.from(x, () => 0.1) }], { axis: 'step' });
};

const negativeRunaway = () => {
  const x = steps(70);
  const y = Float64Array.from(x, (v) => -3.4e4 * Math.exp(v / 9));
  return makeRun([{ name: 'loss', x, y }]);
};

runRuleTests('diverging', {
  valid: [
    { name: 'healthy', run: scenario({ train: 'falling', heldOut: 'falling', model: 'heavy', logging: 'per-step' }) },
    { name: 'overfitting is not divergence', run: scenario({ train: 'falling', heldOut: 'rising' }) },
  ],
  invalid: [
    {
      name: 'learns, then runs away',
      run: scenario({ train: 'rising', heldOut: 'rising' }),
      expect: (f) => {
        expect(f.message).toMatch(/rose .* after its best/);
        expect(f.causes[0].id).toBe('lr-too-high');
      },
    },
    {
      name: 'NaN that never recovers: exploding gradients first, quotes the lr',
      run: nanTail(),
      expect: (f) => {
        expect(f.message).toMatch(/became NaN at step 1500 and never recovered/);
        expect(f.causes[0].id).toBe('exploding-gradients');
        expect(f.remedies[0].text).toContain('from 0.1 to 0.01');
      },
    },
    {
      name: 'a loss falling negative by orders of magnitude means the objective is wrong',
      run: negativeRunaway(),
      expect: (f) => {
        expect(f.causes[0].id).toBe('wrong-loss');
        expect(f.message).toMatch(/negative/);
      },
    },
  ],
});
