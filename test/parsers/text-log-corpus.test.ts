/**
 * Real plain-text training logs (../shared/corpus/plain_text, see SOURCES.md). Skipped with a
 * note when the folder is absent.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RawMetric } from '../../src/core/types.js';
import { textLogParser } from '../../src/parsers/text-log.js';
import { headText } from '../../src/parsers/text.js';
import { corpusPresent } from '../helpers/corpus.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const folder = path.resolve(repoRoot, '../shared/corpus/plain_text');
const have = corpusPresent(folder);
const describeCorpus = have ? describe : describe.skip;

function parse(file: string) {
  const bytes = new Uint8Array(readFileSync(path.join(folder, file)));
  expect(textLogParser.sniff(headText(bytes, 16384), file)).toBe(0.6);
  const parsed = textLogParser.parse({ name: path.join(folder, file), bytes });
  expect(parsed.runs).toHaveLength(1);
  return parsed.runs[0];
}

const get = (metrics: RawMetric[], name: string) => metrics.find((m) => m.name === name)!;
const count = (xs: ArrayLike<number> | undefined, x: number) => Array.from(xs ?? []).filter((v) => v === x).length;

describeCorpus('plain-text corpus', () => {
  it('aocr.log: thousands of per-step losses in 11 sessions; "Global step" and test lines left out', () => {
    const run = parse('ShahariarRabby__Attention-Based-Ocr__aocr.log');
    expect(run.metrics.map((m) => m.name)).toEqual(['loss', 'perplexity']);
    const loss = get(run.metrics, 'loss');
    expect(loss.value.length).toBe(6016);
    expect(count(loss.step, 1)).toBe(11); // the step counter restarts at 1 in each session
    expect(Math.max(...loss.step!)).toBe(3202);
    expect(Math.min(...loss.value)).toBeGreaterThan(0); // no `Global step 0 … loss: 0.000000`
    expect(loss.value[0]).toBe(3.706218);
    expect(run.warnings.map((w) => w.code)).toEqual(['mixed-lines', 'mixed-lines']);
  });

  it('fcos_moco .log: mmcv text lines, NaN losses from Epoch [10][550/1875] on', () => {
    const run = parse('zhaoyang97__mmdetection__fcos_moco_20201017_191416.log');
    const loss = get(run.metrics, 'loss');
    expect(loss.value.length).toBe(888);
    const firstNan = Array.from(loss.value).findIndex(Number.isNaN);
    expect(loss.step![firstNan]).toBe(9 * 1875 + 550);
    expect(Array.from(loss.value.slice(firstNan)).every(Number.isNaN)).toBe(true);
    expect(Math.min(...Array.from(get(run.metrics, 'loss_bbox').value).filter(Number.isFinite))).toBeLessThan(-10);
    expect(get(run.metrics, 'grad_norm').value.length).toBe(888);
    // 24 evaluations, of which 15 found no detections (empty metric lines).
    const map = get(run.metrics, 'bbox_mAP');
    expect(map.value.length).toBe(9);
    expect(map.roleHint).toBe('val');
    expect(Array.from(map.step!)).toEqual(Array.from(map.epoch!, (e) => e * 1875));
    expect(run.metrics.map((m) => m.name)).not.toContain('eta');
  });

  it('0508_results.rb: Keras 1.x with Epoch lines, 22 runs × 15 epochs (last cut at 14)', () => {
    const run = parse('derekchen14__snippet_rnn__0508_results.rb');
    expect(run.metrics.map((m) => m.name)).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
    for (const m of run.metrics) expect(m.value.length).toBe(329);
    expect(count(get(run.metrics, 'loss').epoch, 1)).toBe(22);
    expect(get(run.metrics, 'val_loss').value[0]).toBe(2.1192);
  });

  it('0510_plain.rb: Keras 1.x lines without Epoch lines, 8 runs × 10 epochs', () => {
    const run = parse('derekchen14__snippet_rnn__0510_plain.rb');
    expect(run.metrics.map((m) => m.name)).toEqual(['loss', 'val_acc']);
    const loss = get(run.metrics, 'loss');
    expect(loss.value.length).toBe(80);
    expect(Array.from(loss.epoch!)).toEqual(Array.from({ length: 80 }, (_, i) => (i % 10) + 1));
    expect(loss.value[0]).toBe(2.3972);
  });
});
