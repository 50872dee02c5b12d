/**
 * Property-based tests of the readers: whatever bytes arrive (random, or log-like text in any
 * encoding, damaged event files), parseLog either returns well-formed series or throws lossdoc's
 * typed error, in bounded time; loadRuns never throws at all, and the report built from what it
 * returns is valid and formats in every output format. numRuns is tuned so this file runs in a
 * few seconds (it must stay under 20 s in CI).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeRuns, loadRuns, type LogInput } from '../../src/api.js';
import { reportSchema } from '../../src/core/report-schema.js';
import type { FormatId, ParsedLog } from '../../src/core/types.js';
import { InputError, LossdocError } from '../../src/errors.js';
import { formatters, formatNames } from '../../src/formatters/index.js';
import { detectFormat, formatIds, parseLog } from '../../src/parsers/index.js';
import { splitLines } from '../../src/parsers/text.js';
import { readWandbRun } from '../../src/parsers/wandb/index.js';
import { costGrowth } from '../helpers/growth.js';
import { csvText, encodeAs, eventBytes, jsonlText, jsonText, logBytes, logInput, textLog, wandbBytes } from './generators.js';

/** LOSSDOC_FUZZ_SCALE=20 runs twenty times as many cases (a deeper local search). */
const SCALE = Math.max(1, Number(process.env.LOSSDOC_FUZZ_SCALE ?? 1) || 1);
const runs = (n: number) => ({ numRuns: n * SCALE });

function expectWellFormed(parsed: ParsedLog): void {
  expect(formatIds).toContain(parsed.format);
  expect(Array.isArray(parsed.runs)).toBe(true);
  for (const run of parsed.runs) {
    expect(typeof run.name).toBe('string');
    for (const w of run.warnings) {
      expect(typeof w.code).toBe('string');
      expect(typeof w.message).toBe('string');
    }
    for (const m of run.metrics) {
      expect(typeof m.name).toBe('string');
      expect(m.value).toBeInstanceOf(Float64Array);
      const n = m.value.length;
      if (m.step) expect(m.step.length).toBe(n);
      if (m.epoch) expect(m.epoch.length).toBe(n);
      if (m.line) expect(m.line.length).toBe(n);
    }
  }
}

/** Run `fn`; it must return, or throw a LossdocError (never a TypeError, RangeError, …). */
function typedOutcome<T>(fn: () => T): T | LossdocError {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof LossdocError)) throw error;
    return error;
  }
}

describe('parseLog on arbitrary input', () => {
  it('random bytes: series or a LossdocError', () => {
    fc.assert(
      fc.property(fc.constantFrom('x.csv', 'x.json', 'x.jsonl', 'x.log', 'events.out.tfevents.1', 'x'), fc.uint8Array({ maxLength: 2000 }), (name, bytes) => {
        const out = typedOutcome(() => parseLog({ name, bytes }));
        if (!(out instanceof LossdocError)) expectWellFormed(out);
      }),
      runs(300),
    );
  });

  for (const [family, text] of [
    ['CSV', csvText],
    ['JSON', jsonText],
    ['JSON lines', jsonlText],
    ['text log', textLog],
  ] as const) {
    it(`${family} text in UTF-8 / UTF-16, with and without BOM: series or a LossdocError`, () => {
      fc.assert(
        fc.property(logInput.map((i) => i.name), text, fc.constantFrom('utf8', 'utf16le', 'utf16be'), fc.boolean(), (name, t, enc, bom) => {
          const out = typedOutcome(() => parseLog({ name, bytes: encodeAs(t, enc as 'utf8', bom) }));
          if (!(out instanceof LossdocError)) expectWellFormed(out);
        }),
        runs(150),
      );
    });
  }

  it('damaged event files: series (with a warning) or a LossdocError', () => {
    fc.assert(
      fc.property(eventBytes, (bytes) => {
        const out = typedOutcome(() => parseLog({ name: 'events.out.tfevents.1700000000.host', bytes }));
        if (!(out instanceof LossdocError)) expectWellFormed(out);
      }),
      runs(200),
    );
  });

  it('damaged W&B logs, and random records in valid framing: series (with a warning) or a LossdocError', () => {
    fc.assert(
      fc.property(wandbBytes, (bytes) => {
        const out = typedOutcome(() => parseLog({ name: 'run-fuzz1.wandb', bytes }));
        if (!(out instanceof LossdocError)) expectWellFormed(out);
        // The same bytes streamed in pieces read the same.
        const pieces: Uint8Array[] = [];
        for (let i = 0; i < bytes.length; i += 777) pieces.push(bytes.subarray(i, i + 777));
        const streamed = typedOutcome(() => readWandbRun({ folder: 'run-fuzz1.wandb', log: { name: 'run-fuzz1.wandb', chunks: pieces } }));
        expect(streamed instanceof LossdocError).toBe(out instanceof LossdocError);
        if (!(out instanceof LossdocError) && !(streamed instanceof LossdocError)) expect(streamed.raw).toEqual(out.runs[0]);
      }),
      runs(200),
    );
  });

  it('any input read as any format (--input-format): series or a LossdocError', () => {
    fc.assert(
      fc.property(logInput, fc.constantFrom(...formatIds), (input, format) => {
        const out = typedOutcome(() => parseLog(input, format));
        if (!(out instanceof LossdocError)) expectWellFormed(out);
      }),
      runs(300),
    );
  });

  it('detectFormat never throws', () => {
    fc.assert(
      fc.property(logInput, (input) => {
        const found = detectFormat(input);
        if (found) {
          expect(formatIds).toContain(found.format);
          expect(found.score).toBeGreaterThan(0);
        }
      }),
      runs(300),
    );
  });
});

/** Paths below a scanned folder that steer grouping into every kind of run. */
const SCAN_PATHS = [
  'metrics.csv',
  'exp/version_0/metrics.csv',
  'mlruns/0/abc123/metrics/loss',
  'mlruns/0/abc123/metrics/val_loss',
  'mlruns/0/abc123/meta.yaml',
  'mlruns/0/abc123/tags/mlflow.runName',
  'dvclive/plots/metrics/train/loss.tsv',
  'dvclive/plots/metrics/eval/loss.tsv',
  'tb/train/events.out.tfevents.1.h',
  'tb/validation/events.out.tfevents.2.h',
  'exports/run-train-tag-epoch_loss.csv',
  'exports/run-validation-tag-epoch_loss.csv',
  'trainer_state.json',
  'log.txt',
];

const scannedInput: fc.Arbitrary<LogInput> = fc.record({ rel: fc.constantFrom(...SCAN_PATHS), bytes: logBytes }).map(({ rel, bytes }) => ({
  name: `runs/${rel}`,
  bytes,
  scan: { root: 'runs', rel, rootName: 'runs' },
}));

describe('loadRuns and the report on arbitrary inputs', () => {
  it('every problem names its file (or the folder of several files given together)', () => {
    fc.assert(
      fc.property(
        fc.array(logInput, { minLength: 1, maxLength: 3 }),
        fc.option(fc.constantFrom(...formatIds), { nil: undefined }),
        (inputs, inputFormat) => {
          const loaded = loadRuns(inputs, inputFormat ? { inputFormat } : {});
          const names = new Set<string>(inputs.map((i) => i.name));
          const dirs = new Set(inputs.map((i) => i.name.replace(/\/?[^/]*$/, '') || '.'));
          for (const e of [...loaded.errors, ...loaded.warnings]) {
            expect(e).toBeInstanceOf(InputError);
            const source = (e as InputError).source;
            expect(names.has(source) || (dirs.has(source) && inputs.length > 1), `${source}: ${e.message}`).toBe(true);
          }
        },
      ),
      runs(150),
    );
  });

  it('never throws; problems come back as LossdocErrors; the report is valid and formats everywhere', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(logInput, scannedInput), { minLength: 1, maxLength: 4 }), (inputs) => {
        const loaded = loadRuns(inputs);
        for (const e of [...loaded.errors, ...loaded.warnings]) expect(e).toBeInstanceOf(LossdocError);
        const report = analyzeRuns(loaded.runs);
        expect(reportSchema.safeParse(report).success).toBe(true);
        for (const name of formatNames) {
          expect(typeof formatters[name](report, { color: false, lang: 'en', verbose: true, failOn: 'error' })).toBe('string');
        }
      }),
      runs(120),
    );
  });
});

describe('pathological text: linear time, whatever format it is read as', () => {
  it('splitLines (linear) splits exactly like the regex it replaced, /\\r*\\n|\\r/', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', '\r', '\n', '\r\n', '\r\r\n'), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(splitLines(text)).toEqual(text.split(/\r*\n|\r/));
      }),
      runs(500),
    );
  });

  // Each text at 70 000 characters (past the 64 KiB head the readers sniff) and at four times
  // that: linear readers cost about 4x more on the long one, quadratic ones 16x (CPU time, so a
  // busy machine does not matter).
  const N = 70_000;
  const cases: Record<string, (n: number) => string> = {
    // Before splitLines was made linear, 100 000 CRs without an LF took 25 s in every CSV reader.
    'a run of CRs': (n) => `step,loss${'\r'.repeat(n)}`,
    'CRs then one LF': (n) => `${'\r'.repeat(n)}\n1,2\n`,
    'a long run of spaces': (n) => `loss${' '.repeat(n)}!`,
    'one long number': (n) => '9'.repeat(n),
    'open brackets': (n) => '['.repeat(n),
    'open braces': (n) => '{'.repeat(n),
    'quotes': (n) => '"'.repeat(n),
    'key: value pairs': (n) => 'loss: 1 '.repeat(n / 8),
    'Keras epoch headers': (n) => 'Epoch 1/'.repeat(n / 8),
    'Python dict openers': (n) => "{'loss': ".repeat(Math.floor(n / 9)),
    'table pipes': (n) => '| loss |'.repeat(n / 8),
    'a JSON line cut short': (n) => `${'{"loss": 1, "step": 1}\n'.repeat(n / 100)}{"loss"${' '.repeat(n)}`,
  };
  const parseTyped = (bytes: Uint8Array, format?: FormatId) => () => {
    try {
      parseLog({ name: 'train.log', bytes }, format);
    } catch (error) {
      expect(error).toBeInstanceOf(LossdocError);
    }
  };
  for (const [label, text] of Object.entries(cases)) {
    it(label, () => {
      const small = new TextEncoder().encode(text(N));
      const large = new TextEncoder().encode(text(4 * N));
      for (const format of [undefined, 'csv', 'keras-csv', 'jsonl', 'json-records', 'text-log'] as const) {
        expect(costGrowth(parseTyped(small, format), parseTyped(large, format)), `${label} as ${format ?? 'detected'}`).toBeLessThan(10);
      }
    });
  }
});
