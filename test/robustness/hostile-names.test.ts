/**
 * Names taken from logs — column names, TensorBoard tags, W&B run names, file names — are
 * attacker-controlled in CI (a pull request can add a log). Through the real parsers and every
 * formatter, none of them may inject markup, break a table, start a CI workflow command, or
 * reach a terminal as a control sequence; JSON keeps them exactly.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeRuns, loadRuns, type AnalyzeOptions, type LogInput } from '../../src/api.js';
import type { Report } from '../../src/core/report-schema.js';
import { formatters } from '../../src/formatters/index.js';
import { ensureBuilt, lossdoc, tempDir } from '../cli/cli-helper.js';
import { writeEventFile, type ScalarPoint } from '../helpers/tfevents-writer.js';

const TRAIN = '<script>alert(1)</script> ]]> `tick` |pipe| %0A @here train_loss\n::error::injected';
const VAL = '\u001b[31mred\u001b]0;title\u0007 <!-- x --> [l](javascript:alert(1)) \u202eevil "dq\' sq & val_loss\r::warning::cr';
const FILE = 'runs/::error file=a,line=1::run <b>x</b> |`\n%0A\u001b[2J.csv';
const WANDB_RUN = '::notice::wandb <i>run</i> |`%0D';

const enc = new TextEncoder();
const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

function curve(n: number, f: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}
const train = curve(40, (i) => 2 * Math.exp(-i / 8) + 0.3);
const val = curve(40, (i) => 2.2 * Math.exp(-i / 8) + 0.45 + (i > 20 ? 0.02 * (i - 20) : 0));

/** The same hostile names delivered by each reader. */
const sources: Array<[string, LogInput[], AnalyzeOptions]> = [
  [
    'CSV header (quoted, with a newline inside) and the file name',
    [{ name: FILE, bytes: enc.encode(`step,${quote(TRAIN)},${quote(VAL)}\n${train.map((t, i) => `${i},${t},${val[i]}`).join('\n')}\n`) }],
    { train: [TRAIN], val: [VAL] },
  ],
  [
    'JSON lines keys',
    [{ name: 'metrics.jsonl', bytes: enc.encode(train.map((t, i) => JSON.stringify({ step: i, [TRAIN]: t, [VAL]: val[i] })).join('\n')) }],
    { train: [TRAIN], val: [VAL] },
  ],
  [
    'TensorBoard tags',
    [
      {
        name: 'tb/events.out.tfevents.1700000000.host',
        bytes: writeEventFile(train.flatMap((t, i): ScalarPoint[] => [{ tag: TRAIN, step: i, value: t }, { tag: VAL, step: i, value: val[i] }])),
      },
    ],
    { train: [TRAIN], val: [VAL] },
  ],
  [
    'W&B export run names',
    [
      {
        name: 'wandb_export.csv',
        bytes: enc.encode(
          `Step,${quote(`${WANDB_RUN} - train/loss`)},${quote(`${WANDB_RUN} - val/loss`)},${quote(`<b>x</b>\n::error::two - train/loss`)}\n` +
            `${train.map((t, i) => `${i},${t},${val[i]},${t * 1.1}`).join('\n')}\n`,
        ),
      },
    ],
    {},
  ],
];

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function report(inputs: LogInput[], options: AnalyzeOptions): Report {
  const loaded = loadRuns(inputs, options);
  expect(loaded.errors).toEqual([]);
  return analyzeRuns(loaded.runs, { ...options, includeData: true });
}

const opts = { color: false, lang: 'en' as const, verbose: true, failOn: 'error' as const };

/** No line, after leading blanks, is a CI workflow command. */
function expectNoCommandLines(out: string): void {
  for (const line of out.split(/\r?\n|\r/)) expect(line.trimStart().startsWith('::'), line).toBe(false);
}

describe.each(sources)('hostile names from %s', (_label, inputs, options) => {
  const r = report(inputs, options);
  const names = r.runs.flatMap((run) => [run.name, ...run.series.map((s) => s.name)]);

  it('are read whole (JSON keeps them exactly)', () => {
    const out = JSON.parse(formatters.json(r, opts)) as Report;
    expect(out.runs.flatMap((run) => [run.name, ...run.series.map((s) => s.name)])).toEqual(names);
    expect(names.some((n) => n.includes('<') || n.includes('::'))).toBe(true);
  });

  it('text: no control characters, no workflow commands, names shown as inert text', () => {
    const out = formatters.text(r, opts);
    expect(out).not.toMatch(CONTROL);
    expectNoCommandLines(out);
    if (options.train) expect(out).toContain('train_loss\\n::error::injected');
  });

  it('markdown: no HTML but its own <details>, tables intact, no links, code spans or mentions from names', () => {
    const out = formatters.markdown(r, opts);
    for (const tag of out.match(/<[^>]*>?/g) ?? []) expect(tag).toMatch(/^<\/?(details|summary)>$/);
    expectNoCommandLines(out);
    // Every table row has exactly as many cell separators as its header (the summary table has one column more).
    const unescapedPipes = (line: string) => line.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length - 1;
    let header: number | undefined;
    for (const line of out.split('\n')) {
      if (!line.startsWith('|')) header = undefined;
      else if (line.startsWith('|---')) continue;
      else if (header === undefined) header = unescapedPipes(line);
      else expect(unescapedPipes(line), line).toBe(header);
    }
    if (r.runs.length > 1) expect(out).toContain('| | run | verdict |');
    // Code spans: only sparklines and rule ids.
    const spans = out.replace(/\\`/g, '').match(/`[^`]*`/g) ?? [];
    for (const span of spans) expect(span).toMatch(/^`([▁▂▃▄▅▆▇█ ]*|[\w.\-/:]+)`$/);
    expect(out.replace(/\\\]/g, '')).not.toMatch(/\]\(/);
    expect(out).not.toMatch(/@here/);
  });

  it('github: one workflow command per finding, data escaped (no newline, no %0A left as is)', () => {
    const out = formatters.github(r, opts);
    const lines = out.trimEnd().split('\n');
    // One per finding (fewer than 10 of each kind here), and the summary notice of several runs.
    expect(lines).toHaveLength(r.runs.reduce((n, run) => n + run.findings.length, 0) + (r.runs.length > 1 ? 1 : 0));
    for (const line of lines) {
      expect(line).toMatch(/^::(error|warning|notice) (file=[^,:\r\n]*,)?title=lossdoc\/[\w-]+::/);
      expect(line).not.toMatch(/\r/);
    }
    // A literal `%0A` in a name stays literal (`%250A`): it cannot become a line break in the annotation.
    const quoted = r.runs.some((run) => run.findings.some((f) => f.message.includes('%0A')));
    if (quoted) expect(out).toContain('%250A');
  });

  it('junit: only its own elements; text and attributes escaped; well-formed entities', () => {
    const out = formatters.junit(r, { ...opts, ruleIds: ['overfitting', 'still-learning'] });
    const TAG = /<\?xml[^>]*\?>|<\/?(testsuites|testsuite|testcase|properties|property|failure|skipped|system-out)(\s+[\w-]+="[^"<>]*")*\s*\/?>/g;
    const text = out.replace(TAG, '');
    expect(text).not.toMatch(/[<>]/);
    expect(text).not.toContain(']]>');
    expect(out).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it('html: no element from a name; the embedded data gives the names back exactly', () => {
    const out = formatters.html(r, opts);
    expect(out).not.toMatch(/<script>alert|<b>x|<i>run|<!-- x -->/);
    const open = '<script type="application/json" id="lossdoc-data">';
    const start = out.indexOf(open) + open.length;
    const body = out.slice(start, out.indexOf('</script>', start));
    expect(body).not.toMatch(/[<>]/);
    const data = JSON.stringify(JSON.parse(body));
    for (const name of r.runs[0].series.map((s) => s.name)) if (/loss/.test(name)) expect(data).toContain(JSON.stringify(name).slice(1, -1));
    // Every <script that opens is one of the page's own.
    for (const m of out.matchAll(/<script\b[^>]*>/g)) expect(m[0]).toMatch(/^<script( type="application\/json" id="lossdoc-data")?>$/);
  });
});

describe('through the CLI: a hostile file name and hostile columns on disk', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ensureBuilt();
    ({ dir, cleanup } = tempDir('lossdoc-hostile-'));
  });
  afterAll(() => cleanup());

  it('stdout and stderr carry no control characters and no workflow commands, in every format', () => {
    const file = join(dir, 'log\n::error::file\u001b[2J.csv');
    // A duplicate column and a text column make warnings that quote the names on stderr.
    writeFileSync(file, `step,${quote(TRAIN)},${quote(TRAIN)},${quote(VAL)},${quote('::warning::note\n')}\n${train.map((t, i) => `${i},${t},${t},${val[i]},x`).join('\n')}\n`);
    for (const format of ['text', 'markdown', 'github', 'junit', 'json']) {
      const r = lossdoc(['analyze', file, '-f', format, '--train', TRAIN, '--val', VAL]);
      expect([0, 1]).toContain(r.code);
      expect(r.stderr).not.toMatch(CONTROL);
      expectNoCommandLines(r.stderr);
      expect(r.stderr).toContain("column '::warning::note' holds text");
      if (format === 'github') {
        for (const line of r.stdout.trimEnd().split('\n')) expect(line).toMatch(/^::(error|warning|notice) /);
      } else {
        expectNoCommandLines(r.stdout);
        // Text and markdown show names as inert text; JSON and XML escape what their syntax needs.
        expect(r.stdout).not.toMatch(format === 'text' || format === 'markdown' ? CONTROL : /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
      }
    }
  });

  it('an error naming a hostile path is one inert line', () => {
    const r = lossdoc(['analyze', join(dir, 'missing\n::error::x\u001b]0;t\u0007.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(CONTROL);
    expect(r.stderr).toContain('missing\\n::error::x\\x1b]0;t\\x07.csv: no such file');
  });
});
