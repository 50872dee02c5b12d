import { expect } from 'vitest';
import { runRuleTests } from '../helpers/rule-tester.js';
import { curve, decay, makeRun, steps } from '../helpers/curves.js';

const threeWay = (testRatio: number) => {
  const x = steps(30);
  const shape = (t: number) => decay(t, 2, 0.3, 3);
  return makeRun([
    { name: 'train_loss', x, y: curve({ n: 30, shape, seed: 1 }) },
    { name: 'val_loss', x, y: curve({ n: 30, shape: (t) => shape(t) * 1.05, seed: 2 }) },
    { name: 'test_loss', x, y: curve({ n: 30, shape: (t) => shape(t) * testRatio, seed: 3 }) },
  ]);
};

runRuleTests('test-shift', {
  valid: [
    { name: 'test tracks val', run: threeWay(1.08) },
    { name: 'no test curve', run: makeRun([{ name: 'loss', x: steps(20), y: curve({ n: 20, shape: (t) => decay(t, 2, 0.3) }) }]) },
  ],
  invalid: [
    {
      name: 'test 60% above val while train and val are fine (§S)',
      run: threeWay(1.7),
      expect: (f) => {
        expect(f.severity).toBe('warning');
        expect(f.message).toMatch(/test_loss ends at .* above val_loss/);
        expect(f.causes[0].seed).toBe('§S1');
      },
    },
  ],
});
