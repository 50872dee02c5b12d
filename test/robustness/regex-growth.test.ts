/**
 * Every pattern that sees a line of a text log must be linear in the line length: a regex that
 * backtracks turns one 100 KB line into seconds and a 1 MB line into minutes. Text logs skip lines
 * over MAX_LINE_CHARS, so the patterns are measured below it: 100 KB of adversarial text as lines
 * of 6 KB, then 1 MB as lines ten times longer (as many lines). The work must grow about tenfold,
 * not a hundredfold. The bound is a ratio measured here (the fastest of a few runs), never a time limit.
 */
import { describe, expect, it } from 'vitest';
import { compileGlob, globMatches } from '../../src/io/glob.js';
import { isObjectLine } from '../../src/parsers/json/sniff.js';
import { jsonlParser } from '../../src/parsers/json.js';
import { parseMlflowRun } from '../../src/parsers/mlflow.js';
import { MAX_LINE_CHARS, parseTextLog, textLogParser } from '../../src/parsers/text-log.js';

const SMALL = 100 * 1024;
const BIG = 1024 * 1024;
/**
 * 10× the bytes may cost at most this many times the work. Linear patterns measure ~10 on an idle
 * machine and up to ~30 with other processes busy (a 1 MB input no longer fits the shared caches);
 * one quadratic pattern measures ~100, and the patterns this guards against took minutes at 1 MB.
 */
const MAX_GROWTH = 40;

const elapsed = (work: () => void): number => {
  const start = performance.now();
  work();
  return performance.now() - start;
};

/**
 * How much more the work costs for 1 MB than for 100 KB: the fastest of five runs of each size,
 * taken in turns so that both sizes see the same load on the machine.
 */
function growth(parse: (text: string) => void, line: (bytes: number) => string): number {
  const small = line(SMALL);
  const big = line(BIG);
  let bestSmall = Infinity;
  let bestBig = Infinity;
  for (let i = 0; i < 5; i++) {
    bestSmall = Math.min(bestSmall, elapsed(() => parse(small)));
    bestBig = Math.min(bestBig, elapsed(() => parse(big)));
  }
  // A fixed floor keeps a sub-millisecond small case from turning timer noise into a ratio.
  return (bestBig + 1) / (bestSmall + 1);
}

const repeat = (unit: string) => (bytes: number) => unit.repeat(Math.ceil(bytes / unit.length));

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

describe('text-log patterns grow linearly with the line length', () => {
  const LINES = 17;
  /** `bytes` of text as LINES lines built by `line`, between real metric lines. */
  const log = (line: (bytes: number) => string) => (bytes: number) => {
    const one = line(Math.floor(bytes / LINES));
    return `step 1 loss: 0.5\nstep 2 loss: 0.4\n${`${one}\n`.repeat(LINES)}step 3 loss: 0.3\n`;
  };
  const parse = (text: string) => {
    parseTextLog(text, 'adversarial.log');
    textLogParser.sniff(text.slice(0, 16384), 'adversarial.log');
  };
  it('the measured lines stay below the cap', () => {
    expect(Math.ceil(BIG / LINES)).toBeLessThan(MAX_LINE_CHARS);
  });

  it.each(TEXT_UNITS.map((u) => [JSON.stringify(u), u]))('lines of %s', (_label, unit) => {
    expect(growth(parse, log(repeat(unit)))).toBeLessThanOrEqual(MAX_GROWTH);
  });

  it('lines of blanks and then a fairseq JSON record', () => {
    expect(growth(parse, log((n) => `| train | ${' '.repeat(n)}{"loss": 1}`))).toBeLessThanOrEqual(MAX_GROWTH);
  });

  it('a line over the cap is skipped with a warning, at a cost linear in its length', () => {
    const { metrics, warnings } = parseTextLog(`step 1 loss: 0.5\n${'step 1 '.repeat(BIG / 7)}\nstep 2 loss: 0.4\n`, 'long.log');
    expect(metrics.map((m) => Array.from(m.value))).toEqual([[0.5, 0.4]]);
    expect(warnings.map((w) => w.code)).toEqual(['long-line']);
    expect(growth((t) => parseTextLog(t, 'long.log'), (n) => `step 1 loss: 0.5\n${'| train | {'.repeat(n / 11)}\nstep 2 loss: 0.4\n`)).toBeLessThanOrEqual(MAX_GROWTH);
  });
});

describe('the other line-based readers grow linearly too', () => {
  const enc = new TextEncoder();
  it('MLflow meta.yaml: a value of blanks', () => {
    const parse = (line: string) => parseMlflowRun([{ relPath: 'meta.yaml', bytes: enc.encode(`status: ${line}x\n`) }], 'run');
    expect(growth(parse, (n) => ' \t'.repeat(n / 2))).toBeLessThanOrEqual(MAX_GROWTH);
  });

  it('JSON lines sniffing: fairseq prefixes and pipes', () => {
    const parse = (line: string) => {
      isObjectLine(line);
      jsonlParser.sniff(`${line}\n`, 'x.jsonl');
    };
    expect(growth(parse, repeat('| a |'))).toBeLessThanOrEqual(MAX_GROWTH);
    expect(growth(parse, (n) => `| a |${' '.repeat(n)}{}`)).toBeLessThanOrEqual(MAX_GROWTH);
  });

  it('--include globs against long names: `*a*a*a*a*a*a*b` over a name of `a`s', () => {
    const globs = ['*a*a*a*a*a*a*b', '**/*a*a*a*a*a*b/**', 'x/**/a*a*a*a*?b'].map(compileGlob);
    const match = (name: string) => {
      for (const g of globs) globMatches(g, name);
    };
    expect(growth(match, (n) => 'a'.repeat(n))).toBeLessThanOrEqual(MAX_GROWTH);
    expect(globMatches(globs[0], `${'a'.repeat(100_000)}b`)).toBe(true);
  });
});
