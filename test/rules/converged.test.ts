import { expect } from 'vitest';
import { runRuleTests } from '../helpers/rule-tester.js';
import { curve, makeRun, steps, decay } from '../helpers/curves.js';
import { scenario } from '../helpers/scenarios.js';

const withLr = () => {
  const x = steps(40);
  return makeRun([
    { name: 'loss', x, y: curve({ n: 40, shape: (t) => decay(t, 2, 0.4, 14), seed: 3 }) },
    { name: 'lr', x, y: Float64Array.from(x, () => 0.01) },
  ]);
};

/** A cosine schedule that has already brought the learning rate down 1000×. */
const cosineDone = () => {
  const x = steps(200);
  return makeRun([
    { name: 'loss', x, y: curve({ n: 200, shape: (t) => decay(t, 2, 0.4, 14), seed: 4 }) },
    { name: 'lr', x, y: Float64Array.from(x, (_, i) => 1e-4 + 0.1 * 0.5 * (1 + Math.cos((Math.PI * i) / 199))) },
  ]);
};

runRuleTests('converged', {
  valid: [
    { name: 'still learning', run: scenario({ train: 'falling', heldOut: 'falling' }) },
    { name: 'not learning', run: scenario({ train: 'never', heldOut: 'flat' }) },
  ],
  invalid: [
    {
      name: 'train and val flat after an early fall',
      run: scenario({ train: 'flat', heldOut: 'flat', model: 'ar1' }),
      expect: (f) => {
        expect(f.message).toMatch(/has been flat at about/);
        expect(f.remedies[0].id).toBe('decay-lr');
      },
    },
    {
      name: 'quotes the learning rate to lower',
      run: withLr(),
      expect: (f) => expect(f.remedies[0].text).toContain('from 0.01 to 0.001'),
    },
    {
      name: 'does not advise lowering a learning rate the schedule already lowered',
      run: cosineDone(),
      expect: (f) => {
        expect(f.remedies.map((r) => r.id)).toEqual(['stop', 'smaller-batch']);
        expect(f.causes[0].id).toBe('capacity');
        expect(f.evidence.lrAlreadyDecayed).toBe(true);
      },
    },
  ],
});
