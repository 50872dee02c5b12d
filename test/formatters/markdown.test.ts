import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/core/report-schema.js';
import { formatMarkdown, md } from '../../src/formatters/markdown.js';
import { DEMO, ensureBuilt, lossdoc, tempDir } from '../cli/cli-helper.js';
import { fixedReport } from './fixed-report.js';

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
    for (const row of rows) expect(cells(row)).toHaveLength(6);
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
