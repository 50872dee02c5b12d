/**
 * The fast CSV path (src/parsers/csv/fast*.ts) must give exactly what the ordinary path
 * (openTable + collect, csv-parse for quoted lines) gives: same runs, metrics, values (bit for
 * bit: -0, NaN, ±Infinity), steps, epochs, lines and warnings, or the same error. Every CSV-family
 * parser is run both ways on every fixture under fixtures/logs/csv, on the real-log corpus when it
 * is present, and on generated tables (NaN/inf/NA/empty cells, CRLF, BOM, tab/semicolon, ragged
 * rows, repeated headers, text cells, non-ASCII); the fast path is also fed the same bytes in
 * small random chunks, as a streamed file is.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawRun } from '../../src/core/types.js';
import { csvParsers } from '../../src/parsers/csv.js';
import { fastCsv, type StreamingParserInput } from '../../src/parsers/csv/fast.js';
import { parseNumber } from '../../src/parsers/text.js';
import type { LogParser, ParserInput } from '../../src/parsers/types.js';
import { CORPUS, corpusPresent } from '../helpers/corpus.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const enc = new TextEncoder();

afterEach(() => {
  fastCsv.enabled = true;
});

/** A number as text that tells -0 from 0 and keeps NaN/Infinity. */
function num(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** Everything a parser returned, in a form where equal means identical. */
function canon(runs: RawRun[]): unknown {
  return runs.map((run) => ({
    name: run.name,
    warnings: run.warnings,
    metrics: run.metrics.map((m) => ({
      name: m.name,
      roleHint: m.roleHint,
      keys: Object.keys(m).sort(),
      value: [m.value.constructor.name, Array.from(m.value, num)],
      step: m.step ? [m.step.constructor.name, Array.from(m.step, num)] : undefined,
      epoch: m.epoch ? [m.epoch.constructor.name, Array.from(m.epoch, num)] : undefined,
      line: m.line ? [m.line.constructor.name, Array.from(m.line)] : undefined,
    })),
  }));
}

type Outcome = { format: string; runs: unknown } | { error: string; code?: string; line?: number };

function outcome(parser: LogParser, input: ParserInput): Outcome {
  try {
    const log = parser.parse(input);
    return { format: log.format, runs: canon(log.runs) };
  } catch (error) {
    const e = error as Error & { code?: string; line?: number };
    return { error: e.message, code: e.code, line: e.line };
  }
}

function slow(parser: LogParser, input: ParserInput): Outcome {
  fastCsv.enabled = false;
  try {
    return outcome(parser, input);
  } finally {
    fastCsv.enabled = true;
  }
}

/**
 * The same bytes as a streamed input, cut into chunks of the given sizes (cycled), all read into
 * one reused Buffer (as src/io/read-chunks.ts does): a chunk is overwritten by the next one.
 */
function streamed(name: string, bytes: Uint8Array, sizes: number[]): StreamingParserInput {
  return {
    name,
    size: bytes.length,
    head: bytes.subarray(0, 65536),
    get bytes() {
      return bytes;
    },
    *chunks() {
      // A Node Buffer, as fs reads give: its slice() is a view, not a copy.
      const buf = Buffer.alloc(Math.max(...sizes, 1));
      let at = 0;
      let k = 0;
      while (at < bytes.length) {
        const n = Math.min(Math.max(1, sizes[k++ % sizes.length]), bytes.length - at);
        buf.fill(0xee);
        buf.set(bytes.subarray(at, at + n));
        yield buf.subarray(0, n);
        at += n;
      }
    },
  };
}

/** Compare the ordinary path with the fast path (whole bytes and chunked) for every CSV parser. */
function compareAll(name: string, bytes: Uint8Array, chunkSizes: number[][] = [[1], [7, 3, 64], [4096]]): { fast: number } {
  let fast = 0;
  for (const parser of csvParsers) {
    const input = { name, bytes };
    const expected = slow(parser, input);
    const got = outcome(parser, input);
    if (fastCsv.lastFallback === undefined && !('error' in got)) fast++;
    expect(got, `${parser.id} on ${name}`).toEqual(expected);
    for (const sizes of chunkSizes) {
      expect(outcome(parser, streamed(name, bytes, sizes)), `${parser.id} on ${name}, chunks ${sizes}`).toEqual(expected);
    }
  }
  return { fast };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

describe('fast CSV path = csv-parse path', () => {
  describe('fixtures/logs/csv', () => {
    const files = filesUnder(path.join(repoRoot, 'fixtures/logs/csv'));
    it('has fixtures', () => expect(files.length).toBeGreaterThan(5));
    for (const file of files) {
      it(path.relative(repoRoot, file), () => {
        compareAll(file, new Uint8Array(readFileSync(file)));
      });
    }
  });

  const corpusFiles = (corpusPresent(CORPUS) ? filesUnder(CORPUS) : []).filter((f) => /\.(csv|tsv|log|txt)$/i.test(f) && statSync(f).size < 5e6);
  (corpusFiles.length ? describe : describe.skip)('real-log corpus (../shared/corpus)', () => {
    // One test per file: each stays short on a busy machine, and a failure names its file.
    for (const file of corpusFiles) {
      it(path.relative(CORPUS, file), () => {
        compareAll(file, new Uint8Array(readFileSync(file)), [[4096]]);
      });
    }
  });

  describe('generated tables', () => {
    const cases: Record<string, string> = {
      'plain': 'step,epoch,train_loss,lr\n1,0,2.5,0.001\n2,0,2.25,0.001\n3,1,2.0,0.0005\n',
      'crlf + bom': '\ufeffstep,loss,val_loss\r\n1,1.5,\r\n2,1.25,1.75\r\n3,1.0,\r\n',
      'cr cr lf': 'step,loss\r\r\n1,2\r\r\n2,1\r\r\n',
      'lone cr': 'step,loss\r1,2\r2,1\r',
      'no final newline': 'step,loss\n1,2\n2,1',
      'trailing cr at eof': 'step,loss\n1,2\n2,1\r',
      'tab': 'step\tloss\tacc\n1\t0.5\t0.1\n2\t0.25\t0.2\n',
      'semicolon decimal comma': 'epoch;loss;val_loss\n0;1,5;2,0\n1;1,25;1,75\n2;1,0;1,5e-1\n',
      'pipe': 'step|loss\n1|3\n2|2\n',
      'special tokens': 'step,loss,lr\n1,nan,1e-5\n2,NaN,-0\n3,-inf,.5\n4,Infinity,5.\n5,NA,1E+300\n6,,+7\n7,null,-nan\n8,None,+inf\n9,n/a,-Infinity\n10,inf,+Infinity\n',
      'numbers beyond the fast grammar': 'step,loss\n1,12345678901234567890\n2,1e400\n3,-1e-400\n4,0.1234567890123456789\n5,9007199254740993\n6,2.2250738585072011e-308\n7,5e-324\n8,1e23\n9,123456789012345e-22\n10,000000000000000000001.5\n',
      'bad cells': 'step,loss\n1,0.5\n2,oops\n3,0x10\n4,1.2.3\n5,1e\n6,.\n7,-\n8,0.25\n',
      'text column': 'step,when,loss\n1,2024-01-01,0.5\n2,2024-01-02,0.4\n3,2024-01-03,0.3\n',
      'mostly text x': 'step,loss\na,1\nb,2\n3,3\n',
      'ragged': 'step,loss,acc\n1,0.5\n2,0.4,0.9,\n3,0.3,0.8,extra\n4,0.2,0.7, \n',
      'repeated header (keras append)': 'epoch,loss,val_loss\n0,1.0,1.1\n1,0.9,1.0\nepoch,loss,val_loss\n0,1.2,1.3\n1,1.1,1.2\n',
      'repeated header padded': 'epoch,loss\n0,1\n epoch , loss \n0,2\n',
      'restarts': 'epoch,loss\n0,1\n1,0.9\n2,0.8\n1,0.95\n1,0.94\n2,0.85\n',
      'blank and whitespace lines': '\n  \nstep,loss\n\n1,2\n \t \n2,1\n\n\n',
      'spaces around cells': 'step , loss , acc\n 1 , 0.5 ,\t0.1\n2,\t0.25 ,  \n',
      'vertical tab and form feed': 'step,loss\n1,\u000b2\u000c\n2,1\n\u000b\n',
      'non-ascii': 'step,lösung,loss\n1,ä,0.5\n2,b,0.4\n3,\u00a0,0.3\n\u00a0\n4,c,0.2\n',
      'nbsp around numbers': 'step,loss\n1,\u00a00.5\n2,0.4\u00a0\n',
      'duplicate and blank header names': 'step,loss,loss,,\n1,1,2,3,4\n2,1,2,3,4\n',
      'numeric header': '1,2,3\n1,2,3\n4,5,6\n',
      'header only': 'step,loss\n',
      'no numeric column': 'step,name\n1,a\n2,b\n',
      'lightning sparse': 'epoch,step,train_loss,val_loss,lr\n0,49,2.1,,0.1\n0,99,1.9,,0.1\n0,99,,2.0,\n1,149,1.7,,0.1\n1,199,1.6,,0.1\n1,199,,1.8,\n',
      'quoted': 'step,"loss"\n1,"0.5"\n2,"0,25"\n',
      'quoted late': 'step,loss\n1,0.5\n2,0.4\n3,"0.3"\n',
      'nul byte': 'step,loss\n1,0.5\u0000\n2,0.4\n',
      'wandb': 'Step,run-a - loss,run-a - loss__MIN,run-a - loss__MAX,run-b - loss\n1,2.0,1.9,2.1,3.0\n2,1.5,1.4,1.6,\n3,1.0,0.9,1.1,2.0\n',
      'tb export': 'Wall time,Step,Value\r\n1700000000.5,0,2.5\r\n1700000001.25,10,2.25\r\n',
      'tb export no value': 'Wall time,Step,Loss\n1,0,2\n',
      'yolo padded': '               epoch,      train/box_loss,      train/cls_loss,   metrics/mAP_0.5\n                   0,             0.1087,            0.04151,          0.001\n                   1,            0.09874,            0.03812,         0.0036\n',
      'empty': '',
      'only blank lines': '\n\n  \n',
    };
    for (const [name, text] of Object.entries(cases)) {
      it(name, () => {
        compareAll(`gen/${name.replace(/\W+/g, '_')}.csv`, enc.encode(text));
      });
    }

    it('takes the fast path for plain numeric files (and not for quoted ones)', () => {
      expect(compareAll('plain.csv', enc.encode(cases.plain)).fast).toBeGreaterThan(0);
      expect(compareAll('special.csv', enc.encode(cases['special tokens'])).fast).toBeGreaterThan(0);
      expect(compareAll('crlf.csv', enc.encode(cases['crlf + bom'])).fast).toBeGreaterThan(0);
      expect(compareAll('quoted.csv', enc.encode(cases.quoted)).fast).toBe(0);
      expect(compareAll('lone-cr.csv', enc.encode(cases['lone cr'])).fast).toBe(0);
    });

    it('big files: preview spans chunks, estimates and growth', () => {
      const rows: string[] = ['step,epoch,train_loss,val_loss,lr'];
      for (let i = 1; i <= 30000; i++) {
        const val = i % 100 === 0 ? (i * 1e-4).toFixed(4) : '';
        rows.push(`${i},${Math.floor(i / 1000)},${(3 / Math.sqrt(i)).toPrecision(6)},${val},${(1e-3 * Math.cos(i / 5000)).toExponential(3)}`);
      }
      const bytes = enc.encode(`${rows.join('\r\n')}\r\n`);
      compareAll('big/metrics.csv', bytes, [[65536], [1000, 999, 4097]]);
    });
  });

  describe('cell values match parseNumber exactly', () => {
    const tokens = ['1e-5', '-0', '.5', '5.', '1E+300', 'nan', 'NaN', '-inf', 'Infinity', 'NA', '', '+0', '0.0', '-0.0e-5', '1e22', '1e-22', '4.35', '0.1', '1.7976931348623157e308', '1e309', '-1e-330', '  2.5  ', '+.5e+2', '007', '1_000', '١', 'inf ', ' -Infinity'];
    for (const delimiter of [',', ';']) {
      it(`tokens with delimiter '${delimiter}'`, () => {
        const text = `step${delimiter}v\n${tokens.map((t, i) => `${i}${delimiter}${t}`).join('\n')}\n`;
        const parser = csvParsers.find((p) => p.id === 'csv')!;
        const log = parser.parse({ name: 'tokens.csv', bytes: enc.encode(text) });
        const v = log.runs[0].metrics.find((m) => m.name === 'v')!;
        const got = new Map(Array.from(v.step!, (s, i) => [s, v.value[i]]));
        tokens.forEach((t, i) => {
          const want = parseNumber(t);
          if (typeof want === 'number') expect(num(got.get(i)!), `'${t}'`).toBe(num(want));
          else expect(got.has(i), `'${t}'`).toBe(false);
        });
        compareAll('tokens.csv', enc.encode(text));
      });
    }

    it('random decimal numbers parse to the same double as Number()', () => {
      const digits = fc.stringMatching(/^[0-9]{1,20}$/);
      const numberText = fc
        .tuple(fc.constantFrom('', '-', '+'), digits, fc.option(fc.stringMatching(/^[0-9]{0,20}$/)), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), fc.integer({ min: 0, max: 400 }))))
        .map(([sign, int, frac, exp]) => `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `${exp[0]}${exp[1]}${exp[2]}`}`);
      const parser = csvParsers.find((p) => p.id === 'csv')!;
      fc.assert(
        fc.property(fc.array(numberText, { minLength: 1, maxLength: 40 }), (list) => {
          const text = `step,v\n${list.map((t, i) => `${i},${t}`).join('\n')}\n`;
          const log = parser.parse({ name: 'r.csv', bytes: enc.encode(text) });
          const v = log.runs[0].metrics[0];
          list.forEach((t, i) => expect(num(v.value[i]), t).toBe(num(Number(t))));
          expect(fastCsv.lastFallback).toBeUndefined();
        }),
        { numRuns: 300 },
      );
    });
  });

  it('random tables: fast path (whole and chunked) = csv-parse path', () => {
    const cell = fc.oneof(
      { weight: 6, arbitrary: fc.double({ noDefaultInfinity: false, noNaN: false }).map((d) => String(d)) },
      { weight: 4, arbitrary: fc.integer({ min: -1000, max: 100000 }).map(String) },
      { weight: 2, arbitrary: fc.constantFrom('', ' ', 'NA', 'nan', 'NaN', '-inf', 'inf', 'Infinity', 'null', 'None', 'n/a', '-nan') },
      { weight: 1, arbitrary: fc.constantFrom('x', 'loss', '1,5', '0,25', '1e', '.', '-', '\u00e9', ' 1 ', '\t2', '3 ') },
    );
    const table = fc.record({
      delimiter: fc.constantFrom(',', '\t', ';', '|'),
      eol: fc.constantFrom('\n', '\r\n', '\r\r\n'),
      bom: fc.boolean(),
      header: fc.constantFrom(['step', 'loss'], ['epoch', 'loss', 'val_loss'], ['step', 'epoch', 'train_loss', 'lr'], ['Wall time', 'Step', 'Value'], ['Step', 'a - loss', 'b - loss', 'a - loss__MIN']),
      rows: fc.array(fc.array(cell, { minLength: 0, maxLength: 6 }), { minLength: 0, maxLength: 30 }),
      finalEol: fc.boolean(),
      chunk: fc.integer({ min: 1, max: 50 }),
    });
    fc.assert(
      fc.property(table, (t) => {
        const lines = [t.header.join(t.delimiter), ...t.rows.map((r) => r.join(t.delimiter))];
        const text = `${t.bom ? '\ufeff' : ''}${lines.join(t.eol)}${t.finalEol ? t.eol : ''}`;
        compareAll('random.csv', enc.encode(text), [[t.chunk]]);
      }),
      { numRuns: Number(process.env.LOSSDOC_FAST_RUNS ?? 400) },
    );
  });
});
