/**
 * Smaller reliability fixes, each through the built CLI: what a user saw before was a silent loss
 * of data, a wrong format, or raw terminal controls in a CI log.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32c, maskCrc, readEventScalars } from '../../src/parsers/tfevents.js';
import { ensureBuilt, lossdoc, tempDir } from '../cli/cli-helper.js';
import { writeEventFile } from '../helpers/tfevents-writer.js';

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = tempDir('lossdoc-small-'));
});
afterAll(() => cleanup());

const loss = (i: number) => (2 / (1 + i / 5) + 0.1).toFixed(5);
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const json = (stdout: string) => JSON.parse(stdout) as { runs: Array<{ format: string; series: Array<{ name: string; points: number }>; warnings: Array<{ code: string; message: string; line: number | null }> }> };

describe('--format github', () => {
  it('drops ESC, BEL and other control characters of names (a tab becomes a space)', () => {
    const name = '\u001b[31mred\u0007\u009b2J\u202e\tloss';
    const file = write('controls.csv', `step,"${name}"\n${Array.from({ length: 40 }, (_, i) => `${i},${loss(i)}`).join('\n')}\n`);
    const r = lossdoc(['analyze', file, '-f', 'github', '--train', name]);
    expect(r.stdout).toMatch(/^::/);
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(r.stdout).toContain('[31mred2J loss');
  });
});

describe('Hugging Face Trainer printed dicts', () => {
  const lines = Array.from({ length: 40 }, (_, i) => `{'loss': ${loss(i)}, 'learning_rate': 1e-05, 'epoch': ${(i / 10).toFixed(2)}}`);
  it.each(['trainer.txt', 'stdout.log', 'metrics.jsonl'])('are a text log, not rejected JSON lines (%s)', (name) => {
    const r = lossdoc(['analyze', write(name, `${lines.join('\n')}\n`), '-f', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const run = json(r.stdout).runs[0];
    expect(run.format).toBe('text-log');
    expect(run.series.find((s) => s.name === 'loss')!.points).toBe(40);
  });
});

describe('points whose step cannot be used', () => {
  it('NaN and infinite steps: a warning counts the points left out', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i === 5 ? 'nan' : i === 6 ? 'inf' : i === 7 ? '-inf' : i},${loss(i)}`);
    const r = lossdoc(['analyze', write('nan-steps.csv', `step,loss\n${rows.join('\n')}\n`), '-f', 'json']);
    const run = json(r.stdout).runs[0];
    expect(run.series[0].points).toBe(37);
    expect(run.warnings).toContainEqual({ code: 'non-finite-x', line: 7, message: '3 point(s) have no finite step (empty, NaN or infinite) and were left out' });
  });

  it('all-equal steps: a warning says the points were read as one', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `0,${loss(i)}`);
    const r = lossdoc(['analyze', write('same-step.csv', `step,loss\n${rows.join('\n')}\n`), '-f', 'json']);
    const run = json(r.stdout).runs[0];
    expect(run.warnings.map((w) => w.code)).toContain('repeated-x');
    expect(run.warnings.find((w) => w.code === 'repeated-x')!.message).toBe('every point has the same step: 40 point(s) were read as one (the last value)');
  });

  it('a clean log gets neither warning', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${loss(i)}`);
    const r = lossdoc(['analyze', write('clean.csv', `step,loss\n${rows.join('\n')}\n`), '-f', 'json']);
    expect(json(r.stdout).runs[0].warnings).toEqual([]);
  });
});

describe('directory scans', () => {
  const csv = `step,loss\n${Array.from({ length: 40 }, (_, i) => `${i},${loss(i)}`).join('\n')}\n`;

  it('folders below the default depth limit (64) are reported, not skipped silently', () => {
    const deep = join(dir, 'deep', ...Array.from({ length: 70 }, () => 'd'));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'metrics.csv'), csv);
    writeFileSync(join(dir, 'deep', 'top.csv'), csv);
    const r = lossdoc(['analyze', join(dir, 'deep'), '-f', 'json']);
    expect(json(r.stdout).runs).toHaveLength(1);
    expect(r.stderr).toContain('1 folder(s) more than 64 levels down were not searched (pass --max-depth to search deeper)');
    // With --max-depth the user chose the limit: the deep log is read.
    expect(json(lossdoc(['analyze', join(dir, 'deep'), '-f', 'json', '--max-depth', '80']).stdout).runs).toHaveLength(2);
  });

  it('symlinks into /proc, /sys and /dev are not followed', () => {
    const root = join(dir, 'links');
    mkdirSync(root);
    writeFileSync(join(root, 'metrics.csv'), csv);
    for (const target of ['/proc', '/sys', '/dev']) symlinkSync(target, join(root, target.slice(1)));
    symlinkSync('/dev/zero', join(root, 'zero.csv'));
    const r = lossdoc(['analyze', root, '-f', 'json']);
    expect(r.code).toBe(0);
    expect(json(r.stdout).runs).toHaveLength(1);
    for (const target of ['/proc', '/sys', '/dev']) expect(r.stderr).toContain(`${join(root, target.slice(1))}: is ${target}; not searched`);
  });
});

describe('one-line errors stay short', () => {
  it('an unknown 5 MB config key is cut in the message', () => {
    const config = write('huge-key.json', JSON.stringify({ ['k'.repeat(5_000_000)]: 1 }));
    const r = lossdoc(['analyze', write('ok.csv', `step,loss\n0,1\n1,0.5\n`), '-c', config]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.length).toBeLessThan(400);
    expect(r.stderr).toContain('… (5000000 characters)');
  });

  it('--tolerance with a 100 KB value is cut too', () => {
    const ok = write('ok.csv', `step,loss\n0,1\n1,0.5\n`);
    const r = lossdoc(['analyze', ok, '--baseline', ok, '--tolerance', `final=${'9'.repeat(100_000)}x`]);
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeLessThan(400);
  });
});

describe('compare', () => {
  it('says when runs are paired by position because no name matches', () => {
    const csv = `step,loss\n${Array.from({ length: 40 }, (_, i) => `${i},${loss(i)}`).join('\n')}\n`;
    for (const f of ['cur/alpha.csv', 'cur/beta.csv', 'base/gamma.csv', 'base/delta.csv']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      write(f, csv);
    }
    const r = lossdoc(['compare', join(dir, 'cur'), '--baseline', join(dir, 'base')]);
    expect(r.stderr).toContain('warning: alpha.csv has no baseline run of its name; compared with delta.csv, the run at the same position');
    expect(r.stderr).toContain('warning: beta.csv has no baseline run of its name; compared with gamma.csv, the run at the same position');
    // Runs that match by name are paired silently.
    const same = lossdoc(['compare', join(dir, 'cur'), '--baseline', join(dir, 'cur')]);
    expect(same.stderr).not.toContain('same position');
  });
});

describe('event files', () => {
  it('a record that claims more than 512 MiB is named in plain words; the records before it are kept', () => {
    const good = writeEventFile(Array.from({ length: 10 }, (_, i) => ({ tag: 'loss', step: i, value: 1 / (i + 1) })));
    const header = new Uint8Array(16);
    const view = new DataView(header.buffer);
    view.setUint32(0, 600 * 2 ** 20, true);
    view.setUint32(8, maskCrc(crc32c(header, 0, 8)), true);
    const bytes = new Uint8Array(good.length + header.length);
    bytes.set(good);
    bytes.set(header, good.length);
    const read = readEventScalars(bytes, 'events.out.tfevents.1');
    expect(read.metrics.find((m) => m.name === 'loss')!.value).toHaveLength(10);
    expect(read.warnings[0].code).toBe('record-too-large');
    expect(read.warnings[0].message).toContain(`says it holds ${600 * 2 ** 20} bytes, more than the 512 MiB an event record may have`);
  });
});

describe('JSON: non-finite numbers as the README says', () => {
  it('nonFinite.first.value names the kind; every other non-finite number is null', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i < 30 ? loss(i) : i === 30 ? 'inf' : 'nan'}`);
    const r = lossdoc(['analyze', write('inf.csv', `step,loss\n${rows.join('\n')}\n`), '-f', 'json']);
    const text = r.stdout;
    const series = JSON.parse(text).runs[0].series[0];
    expect(series.nonFinite).toEqual({ count: 10, first: { x: 30, value: 'Infinity' } });
    // No other string stands for a number (a finding's evidence may quote the same first point).
    expect(text.replace(/"value": "Infinity"/g, '')).not.toMatch(/"(NaN|Infinity|-Infinity)"/);
  });
});
