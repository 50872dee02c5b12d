import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, lossCsv, lossdoc, tempDir } from './cli-helper.js';

let dir: string;
let cleanup: () => void;
const file = (name: string) => join(dir, name);
const config = (name: string, value: unknown) => {
  writeFileSync(file(name), JSON.stringify(value));
  return file(name);
};

beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = tempDir('lossdoc-ruleopts-'));
  writeFileSync(file('base.csv'), lossCsv({ floor: 0.5, seed: 1 }));
  writeFileSync(file('worse.csv'), lossCsv({ floor: 0.6, seed: 3 }));
});
afterAll(() => cleanup());

const ids = (stdout: string) =>
  (JSON.parse(stdout) as { runs: Array<{ findings: Array<{ id: string; severity: string }> }> }).runs.flatMap((r) => r.findings.map((f) => `${f.id}:${f.severity}`)).sort();

describe('rule options on the command line', () => {
  it('an unknown option in the config exits 2 with one line naming the file, the rule and the option', () => {
    const path = config('typo.json', { rules: { 'loss-spikes': ['warning', { thresholdz: 99 }] } });
    const r = lossdoc(['analyze', file('base.csv'), '--config', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toContain('typo.json');
    expect(lines[0]).toContain('loss-spikes');
    expect(lines[0]).toContain('thresholdz');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a mistyped option value exits 2 naming the option', () => {
    const r = lossdoc(['analyze', file('base.csv'), '--config', config('type.json', { rules: { 'held-out-spikes': ['warning', { factor: 'big' }] } })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('factor');
    expect(r.stderr).toContain('held-out-spikes');
  });

  it('a baseline rule takes its tolerance as options', () => {
    const base = ['compare', file('worse.csv'), '--baseline', file('base.csv'), '--format', 'json'];
    expect(ids(lossdoc(base).stdout)).toContain('regression-final-loss:warning');
    const loose = config('loose.json', { rules: { 'regression-final-loss': ['warning', { warning: 0.5 }] } });
    expect(ids(lossdoc([...base, '--config', loose]).stdout).some((id) => id.startsWith('regression-final-loss'))).toBe(false);
    expect(ids(lossdoc([...base, '--rule', 'regression-final-loss=off']).stdout).some((id) => id.startsWith('regression-final-loss'))).toBe(false);
  });

  it('explain documents a baseline rule and its options; rules lists it, marked', () => {
    const r = lossdoc(['explain', 'regression-final-loss']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^regression-final-loss — Final loss worse than baseline/);
    expect(r.stdout).toContain('options (defaults): warning = 0.1, error = 0.5');
    expect(lossdoc(['explain', 'loss-spikes']).stdout).toContain('options (defaults): spikeRatio = 2, spikeZ = 7, loneRatio = 2.5');
    expect(lossdoc(['explain', 'regression-not-comparable', '--lang', 'zh']).stdout).toContain('无法与基线比较');
    const list = lossdoc(['rules']).stdout.split('\n');
    for (const id of ['regression-best-loss', 'regression-curve-area', 'regression-diverged', 'regression-final-loss', 'regression-new-finding', 'regression-not-comparable']) {
      expect(list.find((line) => line.startsWith(`${id} `)), id).toContain('compares with a baseline');
    }
    expect(list.find((line) => line.startsWith('loss-spikes '))).not.toContain('baseline');
  });
});
