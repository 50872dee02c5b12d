/** The HTML report on a fixed, hand-made report: escaping, annotations, decimation, no network. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding, Report, RunReport, SeriesReport } from '../../src/core/report-schema.js';
import { formatHtml } from '../../src/formatters/html.js';
import { CLIENT_JS, SMOOTH_JS } from '../../src/formatters/html/client.js';
import { cleanPoints, MAX_DISPLAY_POINTS, meanDownsample, minMaxDownsample, nonFiniteRuns } from '../../src/formatters/html/downsample.js';
import { escapeHtml, jsonForScript } from '../../src/formatters/html/escape.js';
import type { ChartModel, Mark } from '../../src/formatters/html/prepare.js';
import { formatNames, formatters, formatsNeedingData } from '../../src/formatters/index.js';

const root = resolve(import.meta.dirname, '../..');

const HOSTILE_RUN = '</script><script>alert("run")</script>]]><!-- "quoted" \'single\'\nsecond line';
const HOSTILE_TAG = '<img src=x onerror=alert(1)>/loss</script>\n"q"';

function series(
  name: string,
  role: SeriesReport['role'],
  kind: SeriesReport['kind'],
  primary: SeriesReport['primary'],
  x: number[],
  y: Array<number | string>,
  phases: SeriesReport['phases'] = [],
): SeriesReport {
  const finite = y.filter((v): v is number => typeof v === 'number');
  const minI = y.indexOf(Math.min(...finite));
  const maxI = y.indexOf(Math.max(...finite));
  const bad = y.map((v, i) => (typeof v === 'string' ? i : -1)).filter((i) => i >= 0);
  return {
    name,
    role,
    kind,
    primary,
    points: x.length,
    sampling: null,
    sparkline: '▇▅▃▂▁',
    nonFinite: { count: bad.length, first: bad.length ? { x: x[bad[0]], value: String(y[bad[0]]) } : null },
    span: [x[0], x[x.length - 1]],
    first: { x: x[0], value: finite[0] },
    last: { x: x[x.length - 1], value: finite[finite.length - 1] },
    min: { x: x[minI], value: finite.length ? Math.min(...finite) : null },
    max: { x: x[maxI], value: finite.length ? Math.max(...finite) : null },
    startLevel: finite[0],
    endLevel: finite[finite.length - 1],
    noise: 0.01,
    relNoise: 0.01,
    improvement: 0.5,
    riseSinceMin: 0,
    trend: null,
    tail: null,
    phases,
    data: { x, y },
  };
}

function finding(over: Partial<Finding> & Pick<Finding, 'id' | 'severity'>): Finding {
  return {
    confidence: 0.9,
    title: over.id,
    message: `${over.id} message`,
    series: [],
    range: null,
    best: null,
    evidence: {},
    causes: [{ id: 'c1', seed: '§T5', text: 'a cause' }],
    remedies: [{ id: 'r1', text: 'a remedy' }],
    seed: [],
    tags: [],
    ...over,
  };
}

const N = 10_000;
const steps = Array.from({ length: N }, (_, i) => i);
/** A falling loss with one spike (step 7777), one dip (step 3333) and NaN at steps 9000–9009. */
const trainY: Array<number | string> = steps.map((i) => {
  if (i >= 9000 && i < 9010) return 'NaN';
  if (i === 7777) return 100;
  if (i === 3333) return -5;
  return 2 * Math.exp(-i / 3000) + 0.1 + 0.01 * Math.sin(i);
});
const valX = Array.from({ length: 20 }, (_, i) => i * 500);
const valY = valX.map((x) => 1 + Math.abs(x - 5000) / 10_000);
const lrY = steps.map((i) => (i < 6000 ? 0.1 : 0.01));

const run: RunReport = {
  name: HOSTILE_RUN,
  sources: [HOSTILE_RUN],
  format: 'csv',
  axis: 'step',
  series: [
    series(HOSTILE_TAG, 'train', 'loss', 'train', steps, trainY, [
      { from: 0, to: 4000, direction: 'falling', relChange: -0.5 },
      { from: 4000, to: 9999, direction: 'flat', relChange: 0 },
    ]),
    series('val_loss', 'val', 'loss', 'val', valX, valY),
    series('lr', 'other', 'lr', null, steps, lrY),
  ],
  gap: null,
  verdict: {
    id: 'overfitting',
    title: 'Overfitting <script>',
    train: 'falling',
    heldOut: 'rising',
    heldOutRole: 'val',
    seedRow: 'C2',
    confidence: 0.9,
    reason: 'held-out-rising',
  },
  findings: [
    finding({
      id: 'overfitting',
      severity: 'warning',
      title: 'Overfitting <b>',
      message: 'val_loss bottomed </script> at step 5000',
      series: ['val_loss', HOSTILE_TAG],
      range: { from: 5000, to: 9500, axis: 'step' },
      best: { x: 5000, axis: 'step', value: 1, series: 'val_loss' },
      tags: ['verdict'],
    }),
    finding({
      id: 'loss-spikes',
      severity: 'warning',
      series: [HOSTILE_TAG],
      evidence: { spikes: [{ x: 7777, value: 100 }], spikeCount: 1, largestSpikeAt: 7777 },
    }),
    finding({
      id: 'non-finite',
      severity: 'error',
      series: [HOSTILE_TAG],
      range: { from: 9000, to: 9999, axis: 'step' },
      evidence: { first: { x: 9000, value: 'NaN' }, count: 10 },
    }),
  ],
  warnings: [{ code: 'odd-line', message: 'line <script>x</script> skipped', line: 3 }],
};

const report: Report = {
  schemaVersion: 1,
  tool: { name: 'lossdoc', version: '0.0.0-test' },
  lang: 'en',
  runs: [run],
  summary: { runs: 1, errors: 1, warnings: 2, infos: 0, verdicts: { overfitting: 1 } },
};

const html = formatHtml(report, { color: false, lang: 'en' });

function embedded(page: string): { smoothing: number; runs: Array<{ axisWord: string; charts: ChartModel[] }> } {
  const m = /<script type="application\/json" id="lossdoc-data">([\s\S]*?)<\/script>/.exec(page);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]);
}

const data = embedded(html);
/** includes(), not toContain(): a failure should print the needle, not 100 kB of page. */
const has = (page: string, needle: string) => expect(page.includes(needle), needle).toBe(true);
const hasNot = (page: string, needle: string) => expect(page.includes(needle), needle).toBe(false);
const charts = data.runs[0].charts;
const loss = charts.find((c) => c.family === 'loss')!;
const marks = (c: ChartModel, kind: Mark['kind']) => c.marks.filter((m) => m.kind === kind);

describe('html formatter: registration', () => {
  it('is a registered format that needs the points', () => {
    expect(formatNames).toContain('html');
    expect(formatters.html).toBe(formatHtml);
    expect(formatsNeedingData.has('html')).toBe(true);
  });
});

describe('html formatter: escaping', () => {
  it('never lets a hostile run or tag name out of its text node or JSON string', () => {
    for (const bad of ['<script>alert', '<img src=x', 'Overfitting <b>', ']]>', '<!-- "quoted"']) {
      hasNot(html, bad);
    }
    // Exactly three script elements (data, uPlot, client), each closed once.
    expect(html.match(/<script[\s>]/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    has(html, '&lt;/script&gt;&lt;script&gt;alert(&quot;run&quot;)&lt;/script&gt;]]&gt;&lt;!-- &quot;quoted&quot; &#39;single&#39;');
    has(html, '&lt;img src=x onerror=alert(1)&gt;/loss&lt;/script&gt;');
    has(html, 'Overfitting &lt;b&gt;');
    has(html, 'line &lt;script&gt;x&lt;/script&gt; skipped');
  });

  it('embeds the data as JSON with < escaped, and the names survive the round trip', () => {
    const raw = /id="lossdoc-data">([\s\S]*?)<\/script>/.exec(html)![1];
    expect(raw).not.toMatch(/[<>]/);
    expect(raw).toContain('\\u003c/script\\u003e');
    expect(raw).toContain('/loss\\u003c/script\\u003e\\n\\"q\\"');
    expect(loss.series.map((s) => s.name)).toEqual([HOSTILE_TAG, 'val_loss']);
    expect(JSON.stringify(data)).toContain(JSON.stringify(HOSTILE_TAG).slice(1, -1));
    const nan = marks(loss, 'nan')[0];
    expect(nan.label).toContain(HOSTILE_TAG);
  });

  it('ids and anchors come from positions, never from names', () => {
    has(html, 'id="run-1"');
    expect(loss.id).toBe('run-1-loss');
    expect(escapeHtml(`a"b'c<d>&`)).toBe('a&quot;b&#39;c&lt;d&gt;&amp;');
    expect(jsonForScript({ s: '</script>]]><!--&\u2028' })).toBe('{"s":"\\u003c/script\\u003e]]\\u003e\\u003c!--\\u0026\\u2028"}');
    expect(JSON.parse(jsonForScript({ s: '</script>]]><!--&\u2028' }))).toEqual({ s: '</script>]]><!--&\u2028' });
  });
});

describe('html formatter: annotations from the findings', () => {
  it('marks the best point from finding.best on the held-out curve', () => {
    const best = marks(loss, 'best');
    expect(best).toHaveLength(1);
    expect(best[0]).toMatchObject({ x: 5000, y: 1, series: 'val_loss' });
    expect(best[0].label).toContain('@ step 5000');
  });

  it('marks spikes listed in the evidence, on the curve (counts are not positions)', () => {
    const spikes = marks(loss, 'spike');
    expect(spikes.map((m) => m.x)).toEqual([7777]);
    expect(spikes[0]).toMatchObject({ y: 100, series: HOSTILE_TAG });
  });

  it('marks the non-finite stretch, from the points', () => {
    expect(marks(loss, 'nan')).toEqual([expect.objectContaining({ x: 9000, x2: 9009, series: HOSTILE_TAG })]);
    expect(marks(loss, 'nan')[0].label).toContain('NaN ×10');
  });

  it('shades finding ranges, draws trend changes and LR drops on every chart', () => {
    const ranges = marks(loss, 'range');
    expect(ranges.map((r) => [r.x, r.x2, r.severity])).toEqual([
      [9000, 9999, 'error'],
      [5000, 9500, 'warning'],
    ]);
    expect(marks(loss, 'phase')).toEqual([expect.objectContaining({ x: 4000, series: HOSTILE_TAG })]);
    for (const c of charts) expect(marks(c, 'lrdrop').map((m) => m.x)).toEqual([6000]);
  });

  it('draws a chart per family: losses together, the learning rate on its own', () => {
    expect(charts.map((c) => c.family)).toEqual(['loss', 'lr']);
    const lr = charts.find((c) => c.family === 'lr')!;
    expect(lr.smooth).toBe(false);
    expect(loss.smooth).toBe(true);
    expect(html.match(/<figure class="card chart/g)).toHaveLength(2);
  });

  it('colours train and val the same way in every chart', () => {
    const [train, val] = loss.series;
    expect(train.color).toBe('#2563eb');
    expect(val.color).toBe('#ea580c');
  });
});

describe('html formatter: decimation', () => {
  it('embeds at most ~2000 points per series and keeps the extremes', () => {
    const train = loss.series[0];
    expect(train.points).toBe(N);
    expect(train.x.length).toBeLessThanOrEqual(MAX_DISPLAY_POINTS);
    expect(train.x.length).toBeGreaterThan(MAX_DISPLAY_POINTS - 10);
    expect(train.sx!.length).toBeLessThanOrEqual(MAX_DISPLAY_POINTS);
    const at = (x: number) => train.y[train.x.indexOf(x)];
    expect(at(7777)).toBe(100);
    expect(at(3333)).toBe(-5);
    expect(train.x[0]).toBe(0);
    expect(train.x[train.x.length - 1]).toBe(N - 1);
    // The gap survives decimation; x stays increasing.
    expect(train.y.some((v) => v === null)).toBe(true);
    expect(train.x.every((x, i) => i === 0 || x > train.x[i - 1])).toBe(true);
    // Short series are embedded untouched.
    expect(loss.series[1].x).toEqual(valX);
    expect(loss.series[1].sx).toBeUndefined();
    has(html, 'points drawn of');
  });

  it('min/max and mean decimation', () => {
    const xy = cleanPoints([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [5, 1, 9, 2, 'NaN', 'NaN', 'Infinity', 3, 8, 4]);
    expect(xy.y).toEqual([5, 1, 9, 2, null, null, null, 3, 8, 4]);
    const mm = minMaxDownsample(xy, 6);
    expect(mm.x.length).toBeLessThanOrEqual(6);
    expect(mm.y).toContain(9);
    expect(mm.y).toContain(1);
    expect(minMaxDownsample(xy, 10)).toBe(xy);
    const mean = meanDownsample(xy, 5);
    expect(mean).toEqual({ x: [0.5, 2.5, 4.5, 6.5, 8.5], y: [3, 5.5, null, 3, 6] });
    expect(nonFiniteRuns([0, 1, 2, 3, 4, 5, 6], [1, 'NaN', 'NaN', 2, 'Infinity', 3, 3])).toEqual([
      { from: 1, to: 2, count: 2, value: 'NaN' },
      { from: 4, to: 4, count: 1, value: 'Infinity' },
    ]);
  });
});

describe('html formatter: self-contained', () => {
  it('contains no external URL and references no external resource', () => {
    // (match()[0], not toMatch: a failure should print the offending bit, not 100 kB of page.)
    for (const re of [/https?:/i, /\/\/cdn/i, /<link\b/i, /<[a-z][^>]*\s(src|href)\s*=\s*["']?(?!#)/i, /@import|url\(/i]) {
      expect(html.match(re)?.[0], String(re)).toBeUndefined();
    }
    has(html, "default-src 'none'");
    has(html, 'var uPlot=function');
  });

  it('is deterministic', () => {
    expect(formatHtml(report, { color: false, lang: 'en' })).toBe(html);
  });

  it('speaks the report language', () => {
    const zh = formatHtml({ ...report, lang: 'zh' }, { color: false, lang: 'zh' });
    has(zh, '<html lang="zh-CN">');
    has(zh, '平滑');
    has(zh, '可能原因');
    has(html, 'Likely causes');
    has(html, 'What to do');
  });

  it('without points (no includeData) it still reports, and says how to get the charts', () => {
    const bare: Report = { ...report, runs: [{ ...run, series: run.series.map(({ data: _data, ...s }) => s) }] };
    const out = formatHtml(bare, { color: false, lang: 'en' });
    has(out, 'includeData');
    hasNot(out, 'var uPlot=function');
    has(out, 'Overfitting &lt;b&gt;');
  });

  it('the inlined uPlot is up to date with node_modules/uplot', () => {
    const r = spawnSync(process.execPath, [resolve(root, 'src/formatters/html/gen-assets.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the client script is valid JavaScript', () => {
    expect(() => new Function(CLIENT_JS)).not.toThrow();
  });
});

describe('html formatter: TensorBoard smoothing (anchors §2.1)', () => {
  const tbSmooth = new Function(`${SMOOTH_JS}\nreturn tbSmooth;`)() as (ys: Array<number | null>, w: number) => Array<number | null>;

  /** The reference, written from §2.1 independently of the client code. */
  function reference(ys: Array<number | null>, w: number): Array<number | null> {
    w = Math.min(Math.max(Number.isFinite(w) ? w : 0, 0), 1);
    if (ys.every((y) => y === ys[0])) return ys.slice();
    let last = 0;
    let n = 0;
    return ys.map((y) => {
      if (y === null || !Number.isFinite(y)) return y;
      last = last * w + (1 - w) * y;
      n++;
      return last / (w === 1 ? 1 : 1 - w ** n);
    });
  }

  it('is the debiased EMA: the first value is kept, the rest follow the recursion', () => {
    const ys = [4, 2, 6, 1, 3];
    const out = tbSmooth(ys, 0.6);
    expect(out[0]).toBeCloseTo(4, 12);
    expect(out[1]).toBeCloseTo((0.6 * 0.4 * 4 + 0.4 * 2) / (1 - 0.36), 12);
    for (const w of [0, 0.3, 0.6, 0.9, 0.999, 1]) {
      const ref = reference(ys, w);
      tbSmooth(ys, w).forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 12));
    }
  });

  it('passes non-finite values through uncounted, returns constant series unchanged, clamps the weight', () => {
    expect(tbSmooth([1, null, 3], 0.5)).toEqual([1, null, reference([1, null, 3], 0.5)[2]]);
    expect(tbSmooth([2, 2, 2], 0.9)).toEqual([2, 2, 2]);
    expect(tbSmooth([1, 3], -1)).toEqual([1, 3]);
    expect(tbSmooth([1, 3], Number.NaN)).toEqual([1, 3]);
    expect(tbSmooth([1, 3], 2)).toEqual([0, 0]);
  });
});
