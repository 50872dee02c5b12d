import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { dvcliveTsvParser, parseDvcliveRun } from '../../src/parsers/dvclive.js';
import { headText } from '../../src/parsers/text.js';
import { readRunFolder } from '../helpers/run-folder.js';

const root = fileURLToPath(new URL('../../fixtures/logs/dvclive/', import.meta.url));
const enc = (s: string) => new TextEncoder().encode(s);
const arr = (a: ArrayLike<number> | undefined) => (a ? Array.from(a) : undefined);


describe('parseDvcliveRun', () => {
  it('names series by their path under plots/metrics and keeps duplicated steps in order', () => {
    const run = parseDvcliveRun(readRunFolder(path.join(root, 'hf-callback/dvclive')), 'hf-callback');
    expect(run.name).toBe('hf-callback');
    expect(run.metrics.map((m) => m.name)).toEqual(['eval/loss', 'train/loss']);
    const evalLoss = run.metrics[0];
    expect(arr(evalLoss.step)).toEqual([0, 0, 1, 1, 2]);
    expect(arr(evalLoss.value)!.slice(0, 4)).toEqual([1.2221, 1.2221, 0.9941, 0.994]);
    expect(evalLoss.value[4]).toBeNaN();
    expect(arr(evalLoss.line)).toEqual([2, 3, 4, 5, 6]);
    expect(arr(run.metrics[1].value)).toEqual([0.9836, 0.8058, 0.6058]);
    expect(run.warnings).toEqual([]);
  });

  it('accepts the whole run folder (paths starting with dvclive/) and flat step/value TSVs', () => {
    const run = parseDvcliveRun(readRunFolder(path.join(root, 'hf-callback')), 'x');
    expect(run.metrics.map((m) => m.name)).toEqual(['eval/loss', 'train/loss']);
    const flat = parseDvcliveRun(readRunFolder(path.join(root, 'old-format')), 'old');
    expect(flat.metrics.map((m) => m.name)).toEqual(['val_accuracy']);
    expect(arr(flat.metrics[0].step)).toEqual([0, 1, 2]);
  });

  it('warns about and skips files that are not DVCLive TSVs, and malformed rows', () => {
    const run = parseDvcliveRun(
      [
        { relPath: 'plots/metrics/a.tsv', bytes: enc('step\ta\n0\t1\nbad\n1\t\n2\t3\n') },
        { relPath: 'plots/metrics/b.tsv', bytes: enc('epoch,loss\n1,2\n') },
      ],
      'r',
    );
    expect(run.metrics.map((m) => m.name)).toEqual(['a']);
    expect(arr(run.metrics[0].value)).toEqual([1, 3]);
    expect(run.warnings.map((w) => w.code)).toEqual(['bad-line', 'bad-dvclive']);
  });
});

describe('dvcliveTsvParser', () => {
  it('sniffs both header forms and nothing else', () => {
    const tsv3 = readFileSync(path.join(root, 'hf-callback/dvclive/plots/metrics/train/loss.tsv'), 'utf8');
    const tsv2 = readFileSync(path.join(root, 'old-format/val_accuracy.tsv'), 'utf8');
    expect(dvcliveTsvParser.sniff(tsv3, 'loss.tsv')).toBe(0.95);
    expect(dvcliveTsvParser.sniff(tsv2, 'val_accuracy.tsv')).toBe(0.95);
    expect(dvcliveTsvParser.sniff(tsv2, 'stdin')).toBe(0.85);
    expect(dvcliveTsvParser.sniff('step,loss\n0,1\n', 'a.csv')).toBe(0);
    expect(dvcliveTsvParser.sniff('epoch\tloss\tacc\n0\t1\t2\n', 'a.tsv')).toBe(0);
    expect(dvcliveTsvParser.sniff('step\tloss\nfoo\tbar\n', 'a.tsv')).toBeLessThan(0.5);
    expect(dvcliveTsvParser.sniff(headText(enc('\uFEFFstep\tloss\n0\t1\n')), 'a.tsv')).toBe(0.95);
  });

  it('parses one TSV, naming the series from its plots/metrics path or else its header', () => {
    const bytes = new Uint8Array(readFileSync(path.join(root, 'hf-callback/dvclive/plots/metrics/eval/loss.tsv')));
    const a = dvcliveTsvParser.parse({ name: 'runs/hf-callback/dvclive/plots/metrics/eval/loss.tsv', bytes });
    expect(a.format).toBe('dvclive');
    expect(a.runs[0].name).toBe('hf-callback');
    expect(a.runs[0].metrics[0].name).toBe('eval/loss');
    expect(arr(a.runs[0].metrics[0].step)).toEqual([0, 0, 1, 1, 2]);
    const b = dvcliveTsvParser.parse({ name: 'loss.tsv', bytes });
    expect(b.runs[0].metrics[0].name).toBe('loss');
  });

  it('throws InputError for a non-DVCLive or empty TSV', () => {
    expect(() => dvcliveTsvParser.parse({ name: 'a.tsv', bytes: enc('a\tb\tc\n') })).toThrow(InputError);
    expect(() => dvcliveTsvParser.parse({ name: 'a.tsv', bytes: enc('step\tloss\n') })).toThrow(/no data rows/);
  });
});
