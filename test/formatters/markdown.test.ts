import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/core/report-schema.js';
import { formatMarkdown, md } from '../../src/formatters/markdown.js';
import { DEMO, ensureBuilt, lossdoc, tempDir } from '../cli/cli-helper.js';
import { fixedReport } from './fixed-report.js';
import { summarizeRuns } from '../../src/core/summary.js';

const render = (over: Partial<Parameters<typeof formatMarkdown>[1]> = {}) => formatMarkdown(fixedReport, { color: false, lang: 'en', ...over });

/** Cells of a table row, splitting on pipes that are not backslash-escaped. */
const cells = (row: string) => row.split(/(?<!\\)\|/).slice(1, -1);

describe('markdown formatter', () => {
  it('the fixed report is a valid report', () => {
    expect(reportSchema.parse(fixedReport)).toEqual(fixedReport);
  });

  it('matches the snapshot (en, zh)', () => {
    expect(render()).toMatchSnapshot();
    expect(render({ lang: 'zh', failOn: 'warning' })).toMatchSnapshot();
  });

  it('says failed / passed by the fail level', () => {
    expect(render().split('\n')[0]).toBe('## ✖ lossdoc: failed');
    expect(render({ failOn: 'none' }).split('\n')[0]).toBe('## ▲ lossdoc: passed');
    expect(render({ failOn: 'none', maxWarnings: 0 }).split('\n')[0]).toBe('## ✖ lossdoc: failed');
  });

  it('keeps every table row to its columns even with pipes in names', () => {
    const rows = render().split('\n').filter((l) => l.startsWith('|'));
    expect(rows.length).toBeGreaterThan(3);
    const summaryRows = rows.filter((r) => cells(r).length === 7);
    expect(summaryRows).toHaveLength(2 + fixedReport.runs.length);
    for (const row of rows) expect([6, 7]).toContain(cells(row).length);
  });

  it('starts with the summary table, best held-out loss first, details folded', () => {
    const out = render();
    const table = out.indexOf('| | run | verdict |');
    expect(table).toBeGreaterThan(0);
    expect(table).toBeLessThan(out.indexOf('<details><summary>'));
    expect(out).toContain('lr=0.001 optimizer=adam');
    expect(out).toContain('\\_\\_proto\\_\\_=x\\|y');
  });

  it('stays within 65,536 UTF-8 bytes for any number of runs and says how many were left out', () => {
    const runs = Array.from({ length: 2000 }, (_, i) => ({ ...fixedReport.runs[i % 2], name: `sweep/run-${i}-${'x'.repeat(i % 50)}` }));
    const report = { ...fixedReport, runs, summary: { ...fixedReport.summary, runs: summarizeRuns(runs) } };
    const out = formatMarkdown(report, { color: false, lang: 'en' });
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(65_536);
    expect(out).toMatch(/more run\(s\) left out of the table/);
    expect(out).toMatch(/Details of \d+ run\(s\) left out/);
    const top = formatMarkdown({ ...report, runs: runs.slice(0, 5), summary: { ...report.summary, runs: summarizeRuns(runs.slice(0, 5)) } }, { color: false, lang: 'en', top: 2 });
    expect(top.match(/<details><summary>[✖▲✔ℹ] /g)).toHaveLength(2);
    expect(top).toContain('Details of 3 more run(s) left out (--top).');
  });

  it('escapes HTML, backticks, mentions and line breaks taken from logs', () => {
    const out = render();
    expect(out).not.toMatch(/<(b|i|script)>/);
    expect(out).toContain('&lt;b&gt;');
    expect(out).toContain('\\`tick\\`');
    expect(out).not.toMatch(/@(?![\u200b ])/);
    // The newline in the run name must not start a line of its own.
    expect(out.split('\n').some((l) => l.startsWith('::error'))).toBe(false);
  });

  it('shows info findings only with verbose (verdict infos always)', () => {
    expect(render()).not.toContain('an info finding');
    expect(render({ verbose: true })).toContain('an info finding');
  });

  it('md() escapes markdown and HTML', () => {
    expect(md('a|b')).toBe('a\\|b');
    expect(md('*x* _y_ [l](u) `c`')).toBe('\\*x\\* \\_y\\_ \\[l\\](u) \\`c\\`');
    expect(md('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(md('a\r\nb')).toBe('a b');
    expect(md('@org/team')).toBe('@\u200borg/team');
  });
});

describe('lossdoc analyze --format markdown', () => {
  beforeAll(ensureBuilt);

  it('prints a markdown report and keeps the exit code', () => {
    const r = lossdoc(['analyze', join(DEMO, 'overfitting.csv'), '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('## ▲ lossdoc: passed\n')).toBe(true);
    expect(r.stdout).toContain('### ▲ Overfitting — ');
    expect(r.stdout).toMatch(/\| val\\_loss \| \*\*val\*\* \| `[▁-█]+` \|/);
    const bad = lossdoc(['analyze', join(DEMO, 'diverging-nan.csv'), '-f', 'markdown']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('✖ **error: NaN or Inf loss**');
  });

  it('writes to --output-file and nothing to stdout', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'summary.md');
      const r = lossdoc(['analyze', join(DEMO, 'still-learning.csv'), '-f', 'markdown', '-o', file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(readFileSync(file, 'utf8')).toContain('## ✔ lossdoc: passed');
    } finally {
      cleanup();
    }
  });
});
