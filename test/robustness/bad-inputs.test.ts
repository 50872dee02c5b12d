/**
 * What a training job leaves behind, through the built CLI: every input either gives a report
 * (with warnings where the data is usable) or one line on stderr naming the file and the problem,
 * with exit code 2 — never a crash, a stack trace, a hang or a silent mis-read.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, lossdoc, tempDir, type CliResult } from '../cli/cli-helper.js';
import { corrupt, recordOffsets, truncate, writeEventFile, type ScalarPoint } from '../helpers/tfevents-writer.js';
import { encodeAs } from './generators.js';

let dir: string;
let cleanup: () => void;
const at = (name: string) => join(dir, name);

beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = tempDir('lossdoc-bad-'));
});
afterAll(() => cleanup());

/** A healthy still-learning log: 40 rows of step, loss, val_loss. */
function rows(n = 40): Array<[number, number, number]> {
  return Array.from({ length: n }, (_, i) => [i, 2 * Math.exp(-i / 10) + 0.3, 2.2 * Math.exp(-i / 10) + 0.4]);
}
const fmt = (v: number) => v.toFixed(6);
function table(delimiter = ',', eol = '\n', n = 40): string {
  return ['step,loss,val_loss'.replace(/,/g, delimiter), ...rows(n).map((r) => [r[0], fmt(r[1]), fmt(r[2])].join(delimiter))].join(eol) + eol;
}

function write(name: string, content: string | Uint8Array): string {
  const path = at(name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

function noCrash(r: CliResult): void {
  expect(r.stderr, r.stderr).not.toMatch(/\n\s+at |crashed|RangeError|TypeError|SyntaxError/);
}

/** Exit 2 and exactly one line on stderr, naming the file and matching `problem`; nothing on stdout. */
function expectOneLineError(r: CliResult, file: string, problem: RegExp): void {
  noCrash(r);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0].startsWith(`lossdoc: ${file}`), lines[0]).toBe(true);
  expect(lines[0]).toMatch(problem);
}

/** A report on stdout (exit 0 or 1, the findings decide), no crash; returns the JSON report. */
function expectReport(r: CliResult): { runs: Array<Record<string, any>> } {
  noCrash(r);
  expect([0, 1], r.stderr).toContain(r.code);
  const report = JSON.parse(r.stdout);
  expect(report.runs.length).toBeGreaterThan(0);
  return report;
}

const json = (path: string, ...flags: string[]) => lossdoc(['analyze', path, '-f', 'json', '--include-data', ...flags]);
/** The points of the run's series, by name: what a report says was read. */
const points = (report: { runs: Array<Record<string, any>> }) =>
  Object.fromEntries((report.runs[0].series as Array<{ name: string; data: unknown }>).map((s) => [s.name, s.data]));

describe('files that hold nothing usable: one line naming the file, exit 2', () => {
  it('an empty file', () => {
    const f = write('empty.csv', '');
    expectOneLineError(lossdoc(['analyze', f]), f, /: empty file$/);
  });

  it('a header only (a run that has not logged yet)', () => {
    const f = write('header-only.csv', 'step,loss,val_loss\n');
    expectOneLineError(lossdoc(['analyze', f]), `${f}:1`, /: no data rows$/);
    const g = write('header-only-semicolon.csv', 'epoch;loss;val_loss\r\n');
    expectOneLineError(lossdoc(['analyze', g]), `${g}:1`, /: no data rows$/);
  });

  it('a loss column that is entirely text, and nothing else to read', () => {
    const f = write('text-loss.csv', `step,loss\n${Array.from({ length: 20 }, (_, i) => `${i},n/a-${i}`).join('\n')}\n`);
    expectOneLineError(lossdoc(['analyze', f]), `${f}:1`, /no numeric column/);
  });

  it('binary garbage with a .csv name (also when read as CSV on purpose)', () => {
    const bytes = new Uint8Array(4096).map((_, i) => (i * 2654435761) >>> 24);
    const f = write('garbage.csv', bytes);
    expectOneLineError(lossdoc(['analyze', f]), f, /not a training log lossdoc recognises/);
    expectOneLineError(lossdoc(['analyze', f, '--input-format', 'csv']), f, /binary data, not a delimited text table/);
  });

  it('a directory with no logs', () => {
    mkdirSync(at('empty-dir/sub'), { recursive: true });
    write('empty-dir/README.md', '# notes\n');
    write('empty-dir/sub/model.pt', new Uint8Array(64));
    expectOneLineError(lossdoc(['analyze', at('empty-dir')]), at('empty-dir'), /no training logs found in this directory/);
  });

  it('a file that does not exist', () => {
    const f = at('no-such-file.csv');
    expectOneLineError(lossdoc(['analyze', f]), f, /: no such file$/);
  });

  it('an unreadable path: through a file (file.csv/x)', () => {
    const f = write('real.csv', table());
    expectOneLineError(lossdoc(['analyze', `${f}/x`]), `${f}/x`, /no such file \(a part of the path is a file, not a folder\)/);
  });

  it('a directory where a file is expected: --output-file, --config, --baseline', () => {
    const f = write('ok.csv', table());
    mkdirSync(at('a-dir'), { recursive: true });
    expectOneLineError(lossdoc(['analyze', f, '--output-file', at('a-dir')]), at('a-dir'), /cannot write the report \(EISDIR\)/);
    expectOneLineError(lossdoc(['analyze', f, '--config', at('a-dir')]), at('a-dir'), /is a directory/);
    const r = lossdoc(['analyze', f, '--baseline', at('ok.csv/x')]);
    noCrash(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`lossdoc: baseline: ${at('ok.csv/x')}: no such file`);
  });

  it('a bad gzip file, and gzip holding garbage', () => {
    const broken = write('broken.csv.gz', gzipSync(table()).subarray(0, 40));
    expectOneLineError(lossdoc(['analyze', broken]), broken, /is not a valid gzip file/);
    const junk = write('junk.csv.gz', gzipSync(new Uint8Array(2000).map((_, i) => (i * 97) & 0xff)));
    expectOneLineError(lossdoc(['analyze', junk]), at('junk.csv'), /not a training log lossdoc recognises/);
  });

  it('deeply nested JSON (100 000 levels): one line, quickly, no stack overflow', () => {
    const open = write('nested-open.json', '['.repeat(100_000));
    expectOneLineError(lossdoc(['analyze', open]), `${open}:1`, /invalid JSON at line 1, column 100001/);
    const closed = write('nested-closed.json', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expectOneLineError(lossdoc(['analyze', closed]), closed, /no \[wall_time, step, value\] points found|no metrics|not a training log/);
    const objects = write('nested-objects.json', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`);
    expectOneLineError(lossdoc(['analyze', objects]), objects, /no metrics found|not a training log/);
    const lines = write('nested.jsonl', `${'{"loss":'.repeat(50_000)}1${'}'.repeat(50_000)}\n`);
    const r = lossdoc(['analyze', lines]);
    noCrash(r);
    expect(r.code).toBe(2);
  });

  it('a zero-length TensorBoard event file', () => {
    const f = write('tb/events.out.tfevents.1700000000.host', '');
    expectOneLineError(lossdoc(['analyze', f]), f, /no scalar series/);
  });

  it('a corrupt gzip stream on standard input (was a crash)', () => {
    expectOneLineError(lossdoc(['analyze', '-'], { input: new Uint8Array([0x1f, 0x8b, 1, 2, 3]) }), '-', /: is not a valid gzip file$/);
  });

  it('standard input that cannot be read (a directory) (was a crash)', () => {
    const fd = openSync(dir, 'r');
    try {
      const r = spawnSync(process.execPath, [BIN, 'analyze', '-'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expectOneLineError({ code: r.status, stdout: r.stdout, stderr: r.stderr }, '-', /: standard input cannot be read \(EISDIR\)$/);
    } finally {
      closeSync(fd);
    }
  });

  it('garbage on standard input', () => {
    const r = lossdoc(['analyze', '-'], { input: new Uint8Array(3000).map((_, i) => (i * 131) & 0xff) });
    noCrash(r);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^lossdoc: -: /);
  });
});

describe('degenerate but readable data: a report', () => {
  it('one data row: insufficient data', () => {
    const r = expectReport(json(write('one-row.csv', 'step,loss\n0,0.5\n')));
    expect(r.runs[0].verdict.id).toBe('insufficient-data');
  });

  it('a constant series: the loss never fell', () => {
    const r = expectReport(json(write('constant.csv', `step,loss\n${Array.from({ length: 50 }, (_, i) => `${i},1.0`).join('\n')}\n`)));
    expect(r.runs[0].verdict.id).toBe('not-learning');
    expect(r.runs[0].findings.every((f: { confidence: number }) => Number.isFinite(f.confidence))).toBe(true);
  });

  it('an all-NaN loss: the non-finite finding, every point counted, exit 1', () => {
    const res = json(write('all-nan.csv', `step,loss\n${Array.from({ length: 30 }, (_, i) => `${i},nan`).join('\n')}\n`));
    const r = expectReport(res);
    expect(res.code).toBe(1);
    expect(r.runs[0].findings.map((f: { id: string }) => f.id)).toContain('non-finite');
    expect(r.runs[0].series[0].nonFinite.count).toBe(30);
  });

  it('a text loss column next to numeric ones: a warning, and the column is left out', () => {
    const f = write('text-loss-with-lr.csv', `step,loss,lr\n${Array.from({ length: 20 }, (_, i) => `${i},oops,0.001`).join('\n')}\n`);
    const res = json(f);
    const r = expectReport(res);
    expect(res.stderr).toContain(`lossdoc: warning: ${f}:1: column 'loss' holds text, not numbers`);
    expect(r.runs[0].series.map((s: { name: string }) => s.name)).toEqual(['lr']);
    expect(r.runs[0].verdict.id).toBe('insufficient-data');
  });

  it('extremely large and tiny values and -0 are read exactly', () => {
    const text = `step,loss,val_loss\n${rows(30)
      .map(([s, a, b]) => `${s},${a * 1e300},${b * 1e-300}`)
      .join('\n')}\n30,-0,1e-300\n`;
    const r = expectReport(json(write('extreme.csv', text)));
    const data = points(r) as Record<string, { x: number[]; y: Array<number | string> }>;
    expect(data.loss.y[0]).toBe(rows(1)[0][1] * 1e300);
    expect(data.val_loss.y[0]).toBe(rows(1)[0][2] * 1e-300);
    expect(Object.is(data.loss.y[30], -0) || data.loss.y[30] === 0).toBe(true);
    expect(r.runs[0].verdict.id).toBe('still-learning');
  });
});

describe('encodings, line endings, delimiters, quoting: the same points as a plain UTF-8 CSV', () => {
  let reference: unknown;
  beforeAll(() => {
    reference = points(expectReport(json(write('reference.csv', table()))));
  });

  const cases: Array<[string, () => string | Uint8Array]> = [
    ['UTF-8 with BOM', () => encodeAs(table(), 'utf8', true)],
    ['UTF-16 LE with BOM', () => encodeAs(table(), 'utf16le', true)],
    ['UTF-16 BE with BOM', () => encodeAs(table(), 'utf16be', true)],
    ['UTF-16 LE without BOM', () => encodeAs(table(), 'utf16le', false)],
    ['UTF-16 BE without BOM', () => encodeAs(table(), 'utf16be', false)],
    ['CRLF line endings', () => table(',', '\r\n')],
    ['lone CR line endings', () => table(',', '\r')],
    ['; delimiter', () => table(';')],
    ['tab delimiter', () => table('\t')],
    ['; delimiter with decimal commas', () => table(';').replace(/(\d)\.(\d)/g, '$1,$2')],
    ['quoted fields', () => `"step","loss","val_loss"\n${rows().map((r) => `"${r[0]}","${fmt(r[1])}","${fmt(r[2])}"`).join('\n')}\n`],
    ['gzip (.gz, read transparently)', () => gzipSync(table())],
  ];
  for (const [label, make] of cases) {
    it(label, () => {
      const name = `enc-${label.replace(/\W+/g, '-')}.csv${label.startsWith('gzip') ? '.gz' : ''}`;
      const res = json(write(name, make()));
      expect(res.stderr).toBe('');
      expect(points(expectReport(res))).toEqual(reference);
    });
  }

  it('gzip on standard input', () => {
    const res = lossdoc(['analyze', '-', '-f', 'json', '--include-data'], { input: gzipSync(table()) });
    expect(points(expectReport(res))).toEqual(reference);
  });

  it('quoted fields with commas (and a text column) keep their names whole', () => {
    const text = `step,"loss, total",note,"val ""loss"""\n${rows().map((r) => `${r[0]},${fmt(r[1])},"hello, world",${fmt(r[2])}`).join('\n')}\n`;
    const res = json(write('quoted-commas.csv', text));
    const r = expectReport(res);
    expect(r.runs[0].series.map((s: { name: string }) => s.name)).toEqual(['loss, total', 'val "loss"']);
    expect(res.stderr).toMatch(/column 'note' holds text, not numbers/);
  });
});

describe('messy tables: a report, the oddity a warning naming its line', () => {
  it('ragged rows', () => {
    const lines = table().trimEnd().split('\n');
    lines[5] = lines[5].split(',').slice(0, 2).join(',');
    lines[9] = `${lines[9]},extra`;
    const f = write('ragged.csv', `${lines.join('\n')}\n`);
    const res = json(f);
    expectReport(res);
    expect(res.stderr).toContain(`${f}:6: row has 2 fields, the header has 3`);
    expect(res.stderr).toContain(`${f}:10: row has 4 fields, the header has 3`);
  });

  it('duplicate column names', () => {
    const f = write('dup-columns.csv', table().replace('step,loss,val_loss', 'step,loss,loss'));
    const res = json(f);
    const r = expectReport(res);
    expect(res.stderr).toContain(`${f}:1: column 'loss' appears 2 times; this one is read as 'loss#2'`);
    expect(r.runs[0].series.map((s: { name: string }) => s.name)).toEqual(['loss', 'loss#2']);
  });

  it('duplicate and backward steps (a resumed run): the later points win from the step it resumed at', () => {
    const all = rows();
    const text = `step,loss\n${[...all.slice(0, 30), ...all.slice(20).map(([s, l]) => [s, l * 1.5, 0] as const)].map(([s, l]) => `${s},${fmt(l)}`).join('\n')}\n`;
    const f = write('resumed.csv', text);
    const res = json(f);
    const r = expectReport(res);
    expect(res.stderr).toContain(`${f}:32: step goes back from 29 to 20 (a resumed or appended run)`);
    const loss = (points(r) as Record<string, { x: number[]; y: number[] }>).loss;
    expect(loss.x).toEqual(all.map((row) => row[0]));
    expect(loss.y[25]).toBeCloseTo(all[25][1] * 1.5, 5);
  });

  it('rows out of step order without repeats: read in step order, with a warning', () => {
    const lines = table().trimEnd().split('\n');
    const shuffled = [lines[0], ...lines.slice(1).reverse()];
    const f = write('reversed.csv', `${shuffled.join('\n')}\n`);
    const res = json(f);
    expect(res.stderr).toContain(`${f}:3: step is out of order (no step appears twice, so this is not a restart)`);
    expect(points(expectReport(res))).toEqual(points(expectReport(json(write('in-order.csv', table())))));
  });

  it('steps that are not numbers: those rows have no x (warning); a step column of text is not used', () => {
    const f = write('text-steps.csv', table().replace(/^5,/m, 'five,').replace(/^7,/m, 'step7,'));
    const res = json(f);
    const r = expectReport(res);
    expect(res.stderr).toContain(`${f}:7: 'five' in column 'step' is not a number; its x is unknown`);
    expect((points(r) as Record<string, { x: number[] }>).loss.x).not.toContain(5);
    const g = write('all-text-steps.csv', table().replace(/^(\d+),/gm, 's$1,'));
    const res2 = json(g);
    expectReport(res2);
    expect(res2.stderr).toContain(`${g}:1: column 'step' holds text, not numbers`);
  });
});

describe('JSON', () => {
  it('a huge JSON document (200 000 records, ~6 MB) is read whole', () => {
    const records = Array.from({ length: 200_000 }, (_, i) => ({ step: i, loss: 2 * Math.exp(-i / 20_000) + 0.3 }));
    const f = write('huge.json', JSON.stringify(records));
    const r = expectReport(lossdoc(['analyze', f, '-f', 'json']));
    expect(r.runs[0].series[0].points).toBe(200_000);
  });

  it('JSON lines with a trailing partial line (a live log): a warning naming the line, and a report', () => {
    const lines = rows().map(([s, l]) => JSON.stringify({ step: s, loss: l }));
    const f = write('live.jsonl', `${lines.join('\n')}\n{"step": 40, "lo`);
    const res = json(f);
    const r = expectReport(res);
    expect(res.stderr).toContain(`${f}:41: line 41 is incomplete (log still being written?); ignored`);
    expect(r.runs[0].series[0].points).toBe(40);
  });
});

describe('TensorBoard event files', () => {
  const pts: ScalarPoint[] = [];
  for (let s = 0; s < 60; s++) {
    pts.push({ tag: 'loss', step: s, value: 2 * Math.exp(-s / 10) + 0.3 });
    if (s % 5 === 0) pts.push({ tag: 'val/loss', step: s, value: 2.2 * Math.exp(-s / 10) + 0.4 });
  }
  const file = writeEventFile(pts);

  it('a truncated last record (live run): the records before it, and a warning', () => {
    const f = write('tb-trunc/events.out.tfevents.1700000000.host', truncate(file, 7));
    const res = json(f);
    const r = expectReport(res);
    expect(res.stderr).toMatch(/truncated record at byte offset \d+ \(live run\?\); kept the \d+ record\(s\) before it/);
    expect(r.runs[0].series.find((s: { name: string }) => s.name === 'loss').points).toBe(59);
  });

  it('a bad CRC in the middle: the records before it, and a warning', () => {
    const offsets = recordOffsets(file);
    const f = write('tb-crc/events.out.tfevents.1700000000.host', corrupt(file, offsets[40] + 14));
    const res = json(f);
    expectReport(res);
    expect(res.stderr).toMatch(/record data CRC mismatch at byte offset \d+; kept the 40 record\(s\) before it/);
  });

  it('a bad CRC on the first record: one line, exit 2', () => {
    const f = write('tb-crc0/events.out.tfevents.1700000000.host', corrupt(file, 9));
    expectOneLineError(lossdoc(['analyze', f]), f, /no scalar series.*record length CRC mismatch at byte offset 0/);
  });
});

describe('several inputs', () => {
  it('a bad input next to good ones: the report for the good ones, one line for the bad one, exit 2', () => {
    const good = write('several/good.csv', table());
    const bad = write('several/bad.csv', '');
    const r = lossdoc(['analyze', good, bad, '-f', 'json']);
    noCrash(r);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd()).toBe(`lossdoc: ${bad}: empty file`);
    expect(JSON.parse(r.stdout).runs.map((run: { name: string }) => run.name)).toEqual([good]);
  });

  it('a directory holding bad files next to a good log: they are skipped with warnings', () => {
    write('mixed/good.csv', table());
    write('mixed/empty.csv', '');
    write('mixed/garbage.csv', new Uint8Array(500).map((_, i) => (i * 7919) & 0xff));
    write('mixed/broken.csv.gz', new Uint8Array([0x1f, 0x8b, 1, 2, 3]));
    symlinkSync(at('mixed/nowhere.csv'), at('mixed/dangling.csv'));
    const r = lossdoc(['analyze', at('mixed'), '-f', 'json']);
    noCrash(r);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).runs.map((run: { name: string }) => run.name)).toEqual(['good.csv']);
    expect(r.stderr).toMatch(/warning: .*empty\.csv: empty file/);
  });
});
