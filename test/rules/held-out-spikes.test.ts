import { expect } from 'vitest';
import { curve, decay, makeRun, steps } from '../helpers/curves.js';
import { runRuleTests } from '../helpers/rule-tester.js';

const N = 60;
const x = steps(N, { start: 1 });
const train = curve({ n: N, shape: (t) => decay(t, 2.0, 0.3, 4), noise: 0.01, seed: 51 });
const val = (seed: number, bump: (i: number) => number = () => 1) =>
  Float64Array.from(curve({ n: N, shape: (t) => decay(t, 2.1, 0.4, 4), noise: 0.03, seed }), (v, i) => v * bump(i));
/** mAP that rises to ~0.8, collapsing where `down` says. */
const map = (down: (i: number) => boolean) => Float64Array.from(curve({ n: N, shape: (t) => 0.8 - 0.6 * Math.exp(-5 * t), noise: 0.01, seed: 52 }), (v, i) => (down(i) ? 0.01 : v));

runRuleTests('held-out-spikes', {
  invalid: [
    {
      name: 'val loss jumps ×10 for two evaluations mid-run while mAP collapses (YOLO-like), then recovers',
      run: makeRun(
        [
          { name: 'loss', x, y: train },
          { name: 'val_loss', x, y: val(53, (i) => (i === 29 || i === 30 ? 10 : 1)) },
          { name: 'metrics/mAP50', x, y: map((i) => i === 29 || i === 30) },
        ],
        { axis: 'epoch' },
      ),
      expect: (f) => {
        expect(f.severity).toBe('warning');
        expect(f.message).toMatch(/^val_loss blew up 1 time\(s\) and came back: epoch 30–31 \(/);
        expect(f.message).toContain('metrics/mAP50 collapsed with it, to 0.01');
        expect(f.range).toEqual({ from: 30, to: 31, axis: 'epoch' });
        expect(f.remedies.find((r) => r.id === 'checkpoints')!.text).toContain('epoch 30–31');
      },
    },
    {
      name: 'two separate one-evaluation blow-ups of ×5, no metric logged',
      run: makeRun(
        [
          { name: 'loss', x, y: train },
          { name: 'val_loss', x, y: val(54, (i) => (i === 20 || i === 44 ? 5 : 1)) },
        ],
        { axis: 'epoch' },
      ),
      expect: (f) => {
        expect((f.evidence.spikes as unknown[]).length).toBe(2);
        expect(f.message).not.toContain('collapsed');
      },
    },
  ],
  valid: [
    { name: 'a noisy but spike-free validation curve', run: makeRun([{ name: 'loss', x, y: train }, { name: 'val_loss', x, y: val(55) }], { axis: 'epoch' }) },
    {
      name: 'a blow-up in the first evaluations (warm-up) is left to early-instability',
      run: makeRun([{ name: 'loss', x, y: train }, { name: 'val_loss', x, y: val(56, (i) => (i === 1 || i === 2 ? 6 : 1)) }], { axis: 'epoch' }),
    },
    {
      name: 'a jump that stays up is a level change for the verdict, not a spike',
      run: makeRun([{ name: 'loss', x, y: train }, { name: 'val_loss', x, y: val(57, (i) => (i >= 40 ? 6 : 1)) }], { axis: 'epoch' }),
    },
    {
      name: 'a ×2 wobble is evaluation noise, not a blow-up',
      run: makeRun([{ name: 'loss', x, y: train }, { name: 'val_loss', x, y: val(58, (i) => (i === 33 ? 2 : 1)) }], { axis: 'epoch' }),
    },
  ],
});
