import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RawMetric } from '../../src/core/types.js';
import { InputError } from '../../src/errors.js';
import { finalLineState, parseTextLog, textLogParser } from '../../src/parsers/text-log.js';
import { headText } from '../../src/parsers/text.js';

const dir = fileURLToPath(new URL('../../fixtures/logs/text/', import.meta.url));
const bytesOf = (file: string): Uint8Array => new Uint8Array(readFileSync(dir + file));

function parseFixture(file: string) {
  const parsed = textLogParser.parse({ name: `fixtures/logs/text/${file}`, bytes: bytesOf(file) });
  expect(parsed.format).toBe('text-log');
  expect(parsed.runs).toHaveLength(1);
  return parsed.runs[0];
}

function get(metrics: RawMetric[], name: string): RawMetric {
  const m = metrics.find((x) => x.name === name);
  if (!m) throw new Error(`no metric ${name} in ${metrics.map((x) => x.name).join(', ')}`);
  return m;
}

const arr = (a: ArrayLike<number> | undefined) => (a ? Array.from(a) : undefined);
const names = (metrics: RawMetric[]) => metrics.map((m) => m.name);

function parseText(text: string) {
  return parseTextLog(text, 'inline.log');
}

describe('finalLineState', () => {
  it('keeps the last rewrite of a \\r progress line and applies backspaces', () => {
    expect(finalLineState('plain line')).toBe('plain line');
    expect(finalLineState('\r 1/4 [..] - loss: 9\r 4/4 [==] - loss: 1')).toBe(' 4/4 [==] - loss: 1');
    expect(finalLineState('first\b\b\b\b\bsecond')).toBe('second');
    expect(finalLineState('a - loss: 2\b\b\b\b\b\b\b\b\b\b\b\r b - loss: 1\r   \r')).toBe(' b - loss: 1');
    expect(finalLineState('\r\r')).toBe('');
  });
});

describe('Keras', () => {
  it('reads a Keras 2 progress capture with \\r bars and \\b backspaces (final state per epoch)', () => {
    const run = parseFixture('keras_progress_cr.log');
    expect(run.name).toBe('keras_progress_cr.log');
    expect(names(run.metrics)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(arr(get(run.metrics, 'loss').value)).toEqual([1.8412, 1.2903, 0.9117]);
    expect(arr(get(run.metrics, 'val_accuracy').value)).toEqual([0.375, 0.5, 0.4688]);
    expect(arr(get(run.metrics, 'loss').epoch)).toEqual([1, 2, 3]);
    expect(get(run.metrics, 'loss').step).toBeUndefined();
    expect(arr(get(run.metrics, 'loss').line)).toEqual([3, 5, 7]);
    expect(run.warnings).toEqual([]);
  });

  it('reads Keras 3 output with ANSI colours and ignores the evaluate bar', () => {
    const run = parseFixture('keras3_plain.log');
    expect(names(run.metrics)).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(arr(get(run.metrics, 'loss').value)).toEqual([0.471, 0.1404, 0.0965, 0.0719]);
    const val = arr(get(run.metrics, 'val_loss').value)!;
    expect(val.slice(0, 3)).toEqual([0.1459, 0.1026, 0.0846]);
    expect(val[3]).toBeNaN();
    expect(arr(get(run.metrics, 'val_loss').epoch)).toEqual([1, 2, 3, 4]);
  });

  it('does not let model.evaluate() output overwrite the last epoch', () => {
    const { metrics } = parseText(
      [
        'Epoch 1/2',
        '100/100 [==============================] - 1s 5ms/step - loss: 0.5000 - acc: 0.8000',
        'Epoch 2/2',
        '100/100 [==============================] - 1s 5ms/step - loss: 0.4000 - acc: 0.8500',
        '20/20 [==============================] - 0s 2ms/step - loss: 0.9000 - acc: 0.6000',
      ].join('\n'),
    );
    expect(arr(get(metrics, 'loss').value)).toEqual([0.5, 0.4]);
  });

  it('reads TF1-era Keras verbose=2 lines that start with " - 3s"', () => {
    const { metrics } = parseText(
      ['Epoch 1/2', ' - 3s - loss: 0.2941 - acc: 0.9147 - val_loss: 0.1400 - val_acc: 0.9580', 'Epoch 2/2', ' - 2s - loss: 0.1201 - acc: 0.9650 - val_loss: 0.1000 - val_acc: 0.9700'].join('\n'),
    );
    expect(names(metrics)).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
    expect(arr(get(metrics, 'val_loss').value)).toEqual([0.14, 0.1]);
    expect(arr(get(metrics, 'val_loss').epoch)).toEqual([1, 2]);
  });

  it('counts epochs of Keras 1.x lines without Epoch headers, restarting after a banner line', () => {
    const run = parseFixture('keras1_no_epoch_lines.log');
    expect(names(run.metrics)).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
    expect(arr(get(run.metrics, 'loss').value)).toEqual([2.4, 1.9, 1.5, 2.6, 2.2]);
    expect(arr(get(run.metrics, 'loss').epoch)).toEqual([1, 2, 3, 1, 2]);
    expect(arr(get(run.metrics, 'val_acc').value)).toEqual([0.3, 0.4, 0.42, 0.2, 0.26]);
  });
});

describe('Hugging Face Trainer printed dicts', () => {
  it('reads train and eval dicts (nan, inf, np.float64) and skips timing keys and the summary', () => {
    const run = parseFixture('hf_trainer_stdout.log');
    expect(names(run.metrics)).toEqual(['loss', 'grad_norm', 'learning_rate', 'eval_loss', 'eval_accuracy']);
    const loss = get(run.metrics, 'loss');
    expect(arr(loss.value)!.map((v) => (Number.isNaN(v) ? 'nan' : v))).toEqual([0.6931, 0.6512, 'nan', 0.4123]);
    expect(arr(loss.epoch)).toEqual([0.08, 0.16, 0.24, 1.5]);
    expect(loss.step).toBeUndefined();
    expect(arr(get(run.metrics, 'grad_norm').value)!.slice(0, 2)).toEqual([3.2, 2.9]);
    expect(arr(get(run.metrics, 'eval_loss').value)).toEqual([0.6011, Infinity]);
    expect(arr(get(run.metrics, 'eval_loss').epoch)).toEqual([1, 2]);
  });

  it('uses a step key when the dict has one', () => {
    const { metrics } = parseText("{'loss': 1.5, 'step': 10, 'epoch': 0.1}\n{'loss': tensor(1.25, device='cuda:0'), 'step': 20, 'epoch': 0.2}\n");
    expect(arr(get(metrics, 'loss').step)).toEqual([10, 20]);
    expect(arr(get(metrics, 'loss').value)).toEqual([1.5, 1.25]);
  });

  it('ignores config dicts without loss / epoch / step keys', () => {
    expect(() => textLogParser.parse({ name: 'x.log', bytes: new TextEncoder().encode("{'lr': 0.1, 'batch_size': 32}\n") })).toThrow(
      InputError,
    );
  });
});

describe('fairseq', () => {
  it('reads the simple format: train_inner, epoch summaries (train_*) and valid lines (valid_*)', () => {
    const run = parseFixture('fairseq_simple.log');
    const loss = get(run.metrics, 'loss');
    expect(arr(loss.value)).toEqual([9.412, 8.215, 7.101]);
    expect(arr(loss.step)).toEqual([100, 200, 400]);
    expect(arr(loss.epoch)!.map((e) => +e.toFixed(4))).toEqual([0.3333, 0.6667, 1.3333]);
    expect(arr(get(run.metrics, 'train_loss').value)).toEqual([8.501, 6.988]);
    expect(arr(get(run.metrics, 'train_loss').step)).toEqual([300, 600]);
    const valid = get(run.metrics, 'valid_loss');
    expect(arr(valid.value)).toEqual([7.902, 7.004]);
    expect(arr(valid.step)).toEqual([300, 600]);
    expect(valid.roleHint).toBe('val');
    for (const skipped of ['wall', 'train_wall', 'oom', 'loss_scale', 'valid_best_loss', 'best_loss', 'num_updates']) {
      expect(names(run.metrics)).not.toContain(skipped);
    }
  });

  it('reads the JSON format (numbers as strings) after a logging prefix', () => {
    const run = parseFixture('fairseq_json.log');
    const loss = get(run.metrics, 'loss');
    expect(arr(loss.value)!.slice(0, 2)).toEqual([9.412, 8.215]);
    expect(loss.value[2]).toBeNaN();
    expect(arr(loss.step)).toEqual([100, 200, 400]);
    expect(arr(loss.epoch)).toEqual([0.333, 0.667, 1.333]);
    expect(arr(get(run.metrics, 'valid_loss').step)).toEqual([300]);
    expect(get(run.metrics, 'valid_loss').roleHint).toBe('val');
    expect(arr(get(run.metrics, 'train_loss').value)).toEqual([8.501]);
    for (const skipped of ['wall', 'train_wall', 'gb_free', 'train_gb_free', 'loss_scale', 'valid_best_loss', 'valid_num_updates']) {
      expect(names(run.metrics)).not.toContain(skipped);
    }
  });
});

describe('mmcv / mmengine', () => {
  it('reads mmcv 1.x lines: global step from epoch and iter, NaN kept, val metrics at the epoch end', () => {
    const run = parseFixture('mmcv_nan.log');
    const loss = get(run.metrics, 'loss');
    expect(arr(loss.step)).toEqual([50, 100, 150, 200]);
    expect(arr(loss.epoch)).toEqual([0.5, 1, 1.5, 2]);
    expect(loss.value[1]).toBe(1.588);
    expect(Number.isNaN(loss.value[2]) && Number.isNaN(loss.value[3])).toBe(true);
    expect(arr(get(run.metrics, 'lr').value)).toEqual([0.00999, 0.01, 0.01, 0.01]);
    const map = get(run.metrics, 'bbox_mAP');
    expect(arr(map.value)).toEqual([0.123]);
    expect(arr(map.step)).toEqual([100]);
    expect(map.roleHint).toBe('val');
    expect(names(run.metrics)).not.toContain('eta');
    expect(names(run.metrics)).not.toContain('bbox_mAP_copypaste');
    // Config lines such as `optimizer = dict(type='SGD', lr=0.01, ...)` carry no counter.
    expect(get(run.metrics, 'lr').value.length).toBe(4);
  });

  it('reads mmengine lines (two-space separated, "eta: 1 day, 0:17:37") and skips val progress lines', () => {
    const run = parseFixture('mmengine.log');
    const loss = get(run.metrics, 'loss');
    expect(arr(loss.value)).toEqual([2.61, 2.1, 1.9]);
    expect(arr(loss.step)).toEqual([50, 100, 250]);
    expect(arr(get(run.metrics, 'base_lr').value)).toEqual([0.01, 0.01, 0.01]);
    const map = get(run.metrics, 'coco/bbox_mAP');
    expect(arr(map.step)).toEqual([200]);
    expect(arr(map.epoch)).toEqual([1]);
    expect(names(run.metrics)).not.toContain('eta');
    // val-only timing keys are not val metrics
    expect(get(run.metrics, 'time').value.length).toBe(3);
  });

  it('gives a val "loss" its own name', () => {
    const { metrics } = parseText(
      [
        'Epoch [1][10/10]\tlr: 1.0e-02, loss: 1.0',
        'Epoch(val) [1][5]\tloss: 1.5, acc: 0.5',
        'Epoch [2][10/10]\tlr: 1.0e-02, loss: 0.8',
        'Epoch(val) [2][5]\tloss: 1.4, acc: 0.6',
      ].join('\n'),
    );
    expect(arr(get(metrics, 'loss').value)).toEqual([1, 0.8]);
    expect(arr(get(metrics, 'val_loss').value)).toEqual([1.5, 1.4]);
    expect(arr(get(metrics, 'val_loss').step)).toEqual([10, 20]);
    expect(get(metrics, 'val_loss').roleHint).toBe('val');
  });

  it('reads iteration-based runs (Iter [i/N], Iter(val) [i])', () => {
    const { metrics } = parseText(
      ['Iter [50/1000]\tlr: 1.0e-02, loss: 2.0', 'Iter [100/1000]\tlr: 1.0e-02, loss: 1.5', 'Iter(val) [100]\tmIoU: 0.3100, mAcc: 0.4000'].join('\n'),
    );
    expect(arr(get(metrics, 'loss').step)).toEqual([50, 100]);
    expect(arr(get(metrics, 'mIoU').step)).toEqual([100]);
  });
});

describe('generic counter lines', () => {
  it('reads "Step N: 3.3s, loss: x, perplexity: y." lines, keeps restarts, drops other line kinds', () => {
    const run = parseFixture('generic_step_colon.log');
    expect(names(run.metrics)).toEqual(['loss', 'perplexity']);
    const loss = get(run.metrics, 'loss');
    expect(arr(loss.step)).toEqual([1, 2, 3, 1, 2]);
    expect(arr(loss.value)).toEqual([3.706218, 3.488596, 3.101, 2.9, 2.7]);
    expect(arr(get(run.metrics, 'perplexity').value)!.at(-1)).toBe(14.88);
    expect(arr(loss.line)).toEqual([3, 4, 5, 9, 10]);
    // `Global step 3. Time: 0.000, loss: 0.000000` twice (constant counter) and the per-example
    // test lines `Step 1 (0.100s). Accuracy: ...` are reported, not mixed into the curve.
    expect(run.warnings.map((w) => w.code).sort()).toEqual(['constant-counter', 'mixed-lines']);
    expect(run.warnings.find((w) => w.code === 'mixed-lines')!.line).toBe(11);
  });

  it('reads key=value lines with a step and gives eval lines their own series', () => {
    const run = parseFixture('generic_kv.log');
    expect(names(run.metrics)).toEqual(['loss', 'lr', 'grad_norm', 'tokens_per_sec', 'val_loss', 'val_ppl']);
    expect(arr(get(run.metrics, 'loss').value)).toEqual([2.31, 1.98, 1.72, Infinity]);
    expect(arr(get(run.metrics, 'loss').step)).toEqual([100, 200, 300, 400]);
    expect(arr(get(run.metrics, 'lr').value)).toEqual([0.001, 0.001, 0.00095, 0.0009]);
    expect(get(run.metrics, 'grad_norm').value[3]).toBeNaN();
    expect(arr(get(run.metrics, 'val_loss').step)).toEqual([200, 400]);
    expect(names(run.metrics)).not.toContain('time'); // `time=0.35s` has a time unit
  });

  it('reads "iter N | loss x" lines and per-epoch summary lines with multi-word keys', () => {
    const run = parseFixture('generic_pipe_and_epoch.log');
    expect(names(run.metrics)).toEqual(['loss', 'lr', 'train_loss', 'val_loss', 'val_acc']);
    expect(arr(get(run.metrics, 'loss').step)).toEqual([50, 100, 150, 200]);
    expect(arr(get(run.metrics, 'loss').value)).toEqual([4.12, 3.88, 3.5, 3.25]);
    const val = get(run.metrics, 'val_loss');
    expect(arr(val.value)).toEqual([3.7, 3.41]);
    expect(arr(val.epoch)).toEqual([1, 2]);
    // The epoch lines carry no step: they take the last step logged before them.
    expect(arr(val.step)).toEqual([150, 200]);
  });

  it('reads the PyTorch MNIST example (epoch + [seen/total] progress)', () => {
    const run = parseFixture('mnist_example.log');
    const loss = get(run.metrics, 'Loss');
    expect(arr(loss.value)).toEqual([2.3054, 0.5123, 0.21, 0.151, 0.098]);
    expect(arr(loss.step)).toEqual([0, 30000, 59520, 60000, 90000]);
    expect(arr(loss.epoch)).toEqual([0, 0.5, 0.992, 1, 1.5]);
  });

  it('combines an epoch with a per-epoch iteration counter that restarts', () => {
    const { metrics } = parseText(['epoch 1 iter 10 loss 2.0', 'epoch 1 iter 20 loss 1.8', 'epoch 2 iter 10 loss 1.5', 'epoch 2 iter 20 loss 1.4'].join('\n').replace(/loss /g, 'loss: '));
    expect(arr(get(metrics, 'loss').step)).toEqual([10, 20, 30, 40]);
  });

  it('does not combine a global step with the epoch', () => {
    const { metrics } = parseText(['epoch=0 global_step=100 loss=2', 'epoch=1 global_step=200 loss=1'].join('\n'));
    expect(arr(get(metrics, 'loss').step)).toEqual([100, 200]);
    expect(arr(get(metrics, 'loss').epoch)).toEqual([0, 1]);
  });

  it('skips eta strings, time values with units and config lines without a counter', () => {
    const { metrics } = parseText(
      ['learning_rate: 0.1', 'batch_size: 64', 'step 1 | loss: 2.0 | eta: 0:01:00 | time: 1.2s | speed: 12.5it/s', 'step 2 | loss: 1.0 | eta: 0:00:30 | time: 1.1s'].join(
        '\n',
      ),
    );
    expect(names(metrics)).toEqual(['loss']);
  });

  it('takes the epoch of an "Epoch i/N" header for step lines below it', () => {
    const { metrics } = parseText(['Epoch 1/2', 'Step 1/3 loss: 2.0', 'Step 3/3 loss: 1.5', 'Epoch 2/2', 'Step 1/3 loss: 1.2', 'Step 3/3 loss: 1.0'].join('\n'));
    expect(arr(get(metrics, 'loss').step)).toEqual([1, 3, 4, 6]);
  });

  it('does not take plural config words ("Epochs: 10", "max steps: 500") as counters', () => {
    expect(() =>
      textLogParser.parse({ name: 'cfg.log', bytes: new TextEncoder().encode('Epochs: 10, learning rate: 0.1\nSteps: 500, warmup: 50\n') }),
    ).toThrow(/no training metrics recognised/);
  });

  it('keeps a restarting counter in file order', () => {
    const { metrics } = parseText(['step 1 loss: 3', 'step 2 loss: 2', 'step 1 loss: 2.5', 'step 2 loss: 1.5'].join('\n'));
    expect(arr(get(metrics, 'loss').step)).toEqual([1, 2, 1, 2]);
  });
});

describe('textLogParser', () => {
  it('throws InputError when nothing matches', () => {
    try {
      textLogParser.parse({ name: 'notes.txt', bytes: new TextEncoder().encode('hello\nworld: 3\n') });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).message).toContain('no training metrics recognised');
    }
  });

  it('sniffs 0.6 for several matching lines, 0.2 for one, 0 for none', () => {
    for (const f of [
      'keras_progress_cr.log',
      'keras3_plain.log',
      'keras1_no_epoch_lines.log',
      'hf_trainer_stdout.log',
      'fairseq_simple.log',
      'fairseq_json.log',
      'mmcv_nan.log',
      'mmengine.log',
      'generic_step_colon.log',
      'generic_kv.log',
      'generic_pipe_and_epoch.log',
      'mnist_example.log',
    ]) {
      expect([f, textLogParser.sniff(headText(bytesOf(f)), f)]).toEqual([f, 0.6]);
    }
    expect(textLogParser.sniff('starting\nstep 5 loss: 0.5\nbye\n', 'x.log')).toBe(0.2);
    expect(textLogParser.sniff('just some text\nnothing here\n', 'x.log')).toBe(0);
  });

  it('sniffs a head cut inside one huge line of Keras \\r redraws', () => {
    const redraws = Array.from({ length: 500 }, (_, i) => `\r ${i + 1}/1875 [>.....] - ETA: 1:2${i % 10} - loss: 2.${i % 10}000`).join('');
    const head = `Epoch 1/20\n${redraws}`.slice(0, 16384);
    expect(textLogParser.sniff(head, 'train.out')).toBe(0.6);
  });

  it('keeps the sniff low for CSV and JSON inputs', () => {
    const csv = 'epoch,step,loss,val_loss\n0,100,0.5,0.6\n1,200,0.4,0.5\n2,300,0.3,0.45\n';
    const jsonl = '{"mode": "train", "epoch": 1, "iter": 50, "loss": 0.5}\n{"mode": "train", "epoch": 1, "iter": 100, "loss": 0.4}\n{"mode": "train", "epoch": 1, "iter": 150, "loss": 0.3}\n';
    const json = '{\n  "log_history": [\n    {"epoch": 0.5, "loss": 0.5, "step": 10},\n    {"epoch": 1.0, "loss": 0.4, "step": 20}\n  ]\n}\n';
    const tsv = 'timestamp\tstep\tloss\n1\t0\t0.5\n2\t1\t0.4\n';
    for (const head of [csv, jsonl, json, tsv, '[[1.0, 1, 0.5], [2.0, 2, 0.4]]']) {
      expect(textLogParser.sniff(head, 'x')).toBeLessThanOrEqual(0.05);
    }
  });

  it('never throws in sniff and handles CRLF / UTF-16 input', () => {
    expect(textLogParser.sniff('\u0000\uFFFD\r\r\n', 'x')).toBe(0);
    const text = 'step 1 loss: 3\r\nstep 2 loss: 2\r\n';
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from(text).flatMap((c) => [c.charCodeAt(0), 0])]);
    const parsed = textLogParser.parse({ name: 'win.log', bytes: utf16 });
    expect(arr(parsed.runs[0].metrics[0].value)).toEqual([3, 2]);
  });
});

describe('properties', () => {
  const value = fc.oneof(
    fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => Number(v.toPrecision(6))),
    fc.constant(Number.NaN),
    fc.constant(Infinity),
  );
  const fmt = (v: number) => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : String(v));

  it('round-trips "step=N loss=V lr=W" lines in file order, restarts included', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(100000), value, value), { minLength: 1, maxLength: 30 }), (rows) => {
        const text = rows.map(([s, l, r]) => `step=${s} loss=${fmt(l)} lr=${fmt(r)}`).join('\n');
        const { metrics } = parseTextLog(text, 'p.log');
        const loss = get(metrics, 'loss');
        expect(arr(loss.step)).toEqual(rows.map((r) => r[0]));
        expect(arr(loss.value)).toEqual(rows.map((r) => r[1]));
        expect(arr(get(metrics, 'lr').value)).toEqual(rows.map((r) => r[2]));
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips Keras epochs', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 20 }), (rows) => {
        const text = rows
          .map(([l, v], i) => `Epoch ${i + 1}/${rows.length}\n10/10 [==============================] - 1s 3ms/step - loss: ${fmt(l)} - val_loss: ${fmt(v)}`)
          .join('\n');
        const { metrics } = parseTextLog(text, 'k.log');
        expect(arr(get(metrics, 'loss').value)).toEqual(rows.map((r) => r[0]));
        expect(arr(get(metrics, 'val_loss').value)).toEqual(rows.map((r) => r[1]));
        expect(arr(get(metrics, 'loss').epoch)).toEqual(rows.map((_, i) => i + 1));
      }),
      { numRuns: 100 },
    );
  });

  it('never throws anything but InputError, and sniff never throws', () => {
    const alphabet = fc.constantFrom(...'step=1 loss: 0.5 Epoch 2/3 [1][2/3] {\'loss\': nan} | - \r\n\b\t,.:=eta s%'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }).map((a) => a.join('')), (text) => {
        const score = textLogParser.sniff(text, 'x');
        expect(score).toBeGreaterThanOrEqual(0);
        try {
          textLogParser.parse({ name: 'x', bytes: new TextEncoder().encode(text) });
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
