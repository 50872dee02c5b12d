/**
 * Every pattern that sees a line of a text log must be linear in the line length: a regex that
 * backtracks turns one 100 KB line into seconds and a 1 MB line into minutes. The bound is a count,
 * not a time: the readers run on 1 MB of adversarial text (lines of ~61 KB, below the text-log cap)
 * in a node whose regex engine counts backtracks (V8's --regexp-backtracks-before-fallback), and no
 * single regex execution may backtrack more than twice the longest line allowed: a linear pattern
 * backtracks at most a few times per character, a quadratic one about n²/2 times (a billion on these
 * lines). A control pattern that is quadratic must go over, or the counter is not on.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGlob, globMatches } from '../../src/io/glob.js';
import { MAX_LINE_CHARS, parseTextLog } from '../../src/parsers/text-log.js';
import { ensureBuilt, ROOT } from '../cli/cli-helper.js';

beforeAll(ensureBuilt);

/** Backtracks one regex execution may make before it counts as super-linear. */
const MAX_BACKTRACKS = 2 * MAX_LINE_CHARS;

/** Lines that made a text-log pattern backtrack, and neighbours of each dialect's syntax. */
const TEXT_UNITS = [
  '\r',
  '1',
  ' ',
  '| train | {',
  '| train_inner | {"loss": 1} ',
  'Epoch [1]',
  'Epoch [1][2/3] ',
  'Iter [1/2]',
  'Epoch(val) [1]',
  'epoch 1 ',
  '| epoch 1 | ',
  'epoch 1: 1 / 2 ',
  'step 1 ',
  'step=1 ',
  'loss: 1 ',
  'a: 1 - ',
  '1/1 - ',
  "{'a': ",
  "{'loss': 1, ",
  "'",
  'Train Loss ',
  'INFO ',
  '2020-01-01 00:00:00 ',
  '\u001b[',
  '\b',
  'tensor(',
  '[1/2',
  '-1e',
  'nan ',
];

/** Run every adversarial case in a node that counts backtracks: the case names, and the traced executions that went over the bound. */
function backtrackReport(): { cases: string[]; over: string[]; done: boolean } {
  const child = spawnSync(
    process.execPath,
    [
      '--enable-experimental-regexp-engine-on-excessive-backtracks',
      `--regexp-backtracks-before-fallback=${MAX_BACKTRACKS}`,
      '--trace-experimental-regexp-engine',
      join(ROOT, 'test/robustness/regex-backtracks.child.mjs'),
      ROOT,
      JSON.stringify(TEXT_UNITS),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const lines = `${child.stdout}\n${child.stderr}`.split('\n');
  return {
    cases: lines.filter((l) => l.startsWith('CASE ')),
    over: lines.filter((l) => l.startsWith('Experimental execution')),
    done: lines.includes('DONE'),
  };
}

describe('text-log and other line patterns are linear in the line length (backtrack count)', () => {
  it('the 1 MB inputs split into lines below the cap, so every pattern sees them', () => {
    expect(Math.ceil((1024 * 1024) / 17)).toBeLessThan(MAX_LINE_CHARS);
  });

  it(`no regex execution backtracks more than ${MAX_BACKTRACKS} times on any adversarial input; the quadratic control does`, () => {
    const { cases, over, done } = backtrackReport();
    expect(done).toBe(true);
    expect(cases).toHaveLength(TEXT_UNITS.length + 6);
    // Exactly one execution went over the bound: the control pattern, proving the counter is on.
    expect(over).toHaveLength(1);
    expect(over[0]).toContain(String.raw`\\d*\\d*x`);
  });

  it('a line over the cap is skipped with a warning', () => {
    const { metrics, warnings } = parseTextLog(`step 1 loss: 0.5\n${'step 1 '.repeat((1024 * 1024) / 7)}\nstep 2 loss: 0.4\n`, 'long.log');
    expect(metrics.map((m) => Array.from(m.value))).toEqual([[0.5, 0.4]]);
    expect(warnings.map((w) => w.code)).toEqual(['long-line']);
  });

  it('--include globs still match long names (the matcher is hand-written, its regexes are counted above)', () => {
    expect(globMatches(compileGlob('*a*a*a*a*a*a*b'), `${'a'.repeat(100_000)}b`)).toBe(true);
  });
});
