/**
 * One vocabulary of axis names for every reader: a counter that is the step in one format is the
 * step in the others, and never a metric.
 */
import { describe, expect, it } from 'vitest';
import type { RawMetric } from '../../src/core/types.js';
import { axisOfName, textCounterAxis } from '../../src/parsers/axis-columns.js';
import { parseLog } from '../../src/parsers/index.js';

const bytes = (text: string) => new TextEncoder().encode(text);

function metrics(name: string, text: string, format?: Parameters<typeof parseLog>[1]): RawMetric[] {
  return parseLog({ name, bytes: bytes(text) }, format).runs[0].metrics;
}

describe('axis names shared by the CSV, JSON and text readers', () => {
  it('names fairseq num_updates, W&B _step and trainer/global_step as steps, epochs as epochs, wall clocks as time', () => {
    for (const n of ['step', 'global_step', 'num_updates', '_step', 'trainer/global_step', 'iteration', 'iter', 'Step ']) expect(axisOfName(n), n).toBe('step');
    for (const n of ['epoch', 'Epochs']) expect(axisOfName(n), n).toBe('epoch');
    for (const n of ['timestamp', '_timestamp', 'wall_time']) expect(axisOfName(n), n).toBe('time');
    for (const n of ['loss', 'update', 'num_tokens']) expect(axisOfName(n), n).toBeUndefined();
  });

  it('prose counts with singular words only (a plural is a total)', () => {
    expect(textCounterAxis('num_updates')).toBe('step');
    expect(textCounterAxis('update')).toBe('step');
    expect(textCounterAxis('epoch')).toBe('epoch');
    expect(textCounterAxis('steps')).toBeUndefined();
    expect(textCounterAxis('epochs')).toBeUndefined();
  });

  const rows = [
    [100, 2.5],
    [200, 2.1],
    [300, 1.8],
  ];
  const cases: Array<[string, string, Parameters<typeof parseLog>[1]]> = [
    ['log.csv', `num_updates,loss\n${rows.map((r) => r.join(',')).join('\n')}\n`, 'csv'],
    ['log.jsonl', `${rows.map(([u, l]) => JSON.stringify({ num_updates: u, loss: l })).join('\n')}\n`, 'jsonl'],
    ['train.log', `${rows.map(([u, l]) => `num_updates=${u} loss=${l}`).join('\n')}\n`, 'text-log'],
  ];
  it.each(cases)('%s: num_updates is the step, not a metric', (name, text, format) => {
    const ms = metrics(name, text, format);
    expect(ms.map((m) => m.name)).toEqual(['loss']);
    expect(Array.from(ms[0].step ?? [])).toEqual([100, 200, 300]);
  });

  it('a CSV wall-clock column is neither a metric nor the step', () => {
    const ms = metrics('log.csv', 'step,timestamp,loss\n1,1700000000,2.5\n2,1700000010,2.1\n3,1700000020,1.8\n', 'csv');
    expect(ms.map((m) => m.name)).toEqual(['loss']);
    expect(Array.from(ms[0].step ?? [])).toEqual([1, 2, 3]);
  });
});

describe('wall-clock keys in text logs', () => {
  it('are not metrics', () => {
    const ms = metrics('train.log', 'step=1 timestamp=1700000000 loss=2.5\nstep=2 timestamp=1700000010 loss=2.1\nstep=3 timestamp=1700000020 loss=1.8\n', 'text-log');
    expect(ms.map((m) => m.name)).toEqual(['loss']);
  });
});
