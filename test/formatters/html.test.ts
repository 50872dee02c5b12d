/** The HTML report on a fixed, hand-made report: escaping, annotations, decimation, no network. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding, Report, RunReport, SeriesReport } from '../../src/core/report-schema.js';
import { formatHtml } from '../../src/formatters/html.js';
import { CLIENT_JS, SMOOTH_JS } from '../../src/formatters/html/client.js';
import {
  cleanPoints,
  countPoints,
  MAX_DISPLAY_POINTS,
  meanDownsample,
  minMaxDownsample,
  nonFiniteRuns,
  type XY,
} from '../../src/formatters/html/downsample.js';
import { escapeHtml, jsonForScript } from '../../src/formatters/html/escape.js';
import type { ChartModel, Mark } from '../../src/formatters/html/prepare.js';
import { formatNames, formatters, formatsNeedingData } from '../../src/formatters/index.js';
import { rng } from '../helpers/curves.js';
import { summarizeRuns } from '../../src/core/summary.js';

const root = resolve(import.meta.dirname, '../..');

const HOSTILE_RUN = '</script><script>alert("run")</script>]]><!-- "quoted" \'single\'\nsecond line';
const HOSTILE_TAG = '<img src=x onerror=alert(1)>/loss</script>\n"q"';

function series(
  name: string,
  role: SeriesReport['role'],
  kind: SeriesReport['kind'],
  primary: SeriesReport['primary'],
  x: Array<number | null>,
  y: Array<number | string>,
  phases: SeriesReport['phases'] = [],
): SeriesReport {
  const finite = y.filter((v): v is number => typeof v === 'number');
  // (reduce, not Math.min(...finite): long series would overflow the call stack)
  const minI = y.indexOf(finite.reduce((a, b) => Math.min(a, b), Infinity));
  const maxI = y.indexOf(finite.reduce((a, b) => Math.max(a, b), -Infinity));
  const bad = y.map((v, i) => (typeof v === 'string' ? i : -1)).filter((i) => i >= 0);
  return {
    name,
    role,
    kind,
    primary,
    better: null,
    points: x.length,
    sampling: null,
    sparkline: '▇▅▃▂▁',
    nonFinite: { count: bad.length, first: bad.length ? { x: x[bad[0]], value: String(y[bad[0]]) } : null },
    span: [x[0], x[x.length - 1]],
    first: { x: x[0], value: finite[0] },
    last: { x: x[x.length - 1], value: finite[finite.length - 1] },
    min: { x: x[minI], value: finite.length ? (y[minI] as number) : null },
    max: { x: x[maxI], value: finite.length ? (y[maxI] as number) : null },
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
    uncertain: false,
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
  hyperparameters: [],
};

const report: Report = {
  schemaVersion: 1,
  tool: { name: 'lossdoc', version: '0.0.0-test' },
  lang: 'en',
  runs: [run],
  summary: { runs: summarizeRuns([run]), errors: 1, warnings: 2, infos: 0, uncertain: 0, verdicts: { overfitting: 1 } },
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
    const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const ys = [5, 1, 9, 2, 'NaN', 'NaN', 'Infinity', 3, 8, 4];
    const xy = cleanPoints(xs, ys);
    expect(xy.y).toEqual([5, 1, 9, 2, null, null, null, 3, 8, 4]);
    const mm = minMaxDownsample(xs, ys, 6);
    expect(mm.x.length).toBeLessThanOrEqual(6);
    expect(mm.y).toContain(9);
    expect(mm.y).toContain(1);
    expect(minMaxDownsample(xs, ys, 10)).toEqual(xy);
    const mean = meanDownsample(xs, ys, 5);
    expect(mean).toEqual({ x: [0.5, 2.5, 4.5, 6.5, 8.5], y: [3, 5.5, null, 3, 6] });
    // Points without a finite x are not points.
    expect(countPoints([0, null, 2, 3], [1, 2, 'NaN', 4, 5])).toBe(3);
    expect(minMaxDownsample([null, 1, null, 3], [7, 'NaN', 8, 2.0000001])).toEqual({ x: [1, 3], y: [null, 2] });
    expect(nonFiniteRuns([0, 1, 2, 3, 4, 5, 6], [1, 'NaN', 'NaN', 2, 'Infinity', 3, 3])).toEqual([
      { from: 1, to: 2, count: 2, value: 'NaN' },
      { from: 4, to: 4, count: 1, value: 'Infinity' },
    ]);
  });
});

/**
 * The decimation as it was before it read the report's arrays in place: a cleaned copy of every
 * point, each y rounded, then min/max and mean buckets over that copy. The reference for the page.
 */
const old = {
  round6: (v: number): number => (Number.isInteger(v) ? v : Number(v.toPrecision(6))),
  clean(xs: ReadonlyArray<number | null>, ys: ReadonlyArray<number | string>): XY {
    const out: XY = { x: [], y: [] };
    for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
      const xi = xs[i];
      const yi = ys[i];
      if (typeof xi !== 'number' || !Number.isFinite(xi)) continue;
      out.x.push(xi);
      out.y.push(typeof yi === 'number' && Number.isFinite(yi) ? old.round6(yi) : null);
    }
    return out;
  },
  minMax(data: XY, max: number): XY {
    const n = data.x.length;
    if (n <= max) return data;
    let buckets = Math.max(1, Math.floor((max - 2) / 2));
    for (;;) {
      const out: XY = { x: [data.x[0]], y: [data.y[0]] };
      for (let b = 0; b < buckets; b++) {
        const start = 1 + Math.floor((b * (n - 2)) / buckets);
        const end = 1 + Math.floor(((b + 1) * (n - 2)) / buckets);
        let lo = -1;
        let hi = -1;
        let gap = -1;
        for (let i = start; i < end; i++) {
          const v = data.y[i];
          if (v === null) {
            if (gap < 0) gap = i;
            continue;
          }
          if (lo < 0 || v < data.y[lo]!) lo = i;
          if (hi < 0 || v > data.y[hi]!) hi = i;
        }
        for (const i of [...new Set([lo, hi, gap].filter((i) => i >= 0))].sort((a, b) => a - b)) {
          out.x.push(data.x[i]);
          out.y.push(data.y[i]);
        }
      }
      out.x.push(data.x[n - 1]);
      out.y.push(data.y[n - 1]);
      if (out.x.length <= max || buckets === 1) return out;
      buckets = Math.max(1, buckets - Math.ceil((out.x.length - max) / 2));
    }
  },
  /** Bucket means of `data.y` (the old code passed the rounded copy; `raw` passes the logged values). */
  mean(x: number[], y: Array<number | null>, max: number): XY {
    const n = x.length;
    const out: XY = { x: [], y: [] };
    for (let b = 0; b < max; b++) {
      const start = Math.floor((b * n) / max);
      const end = Math.floor(((b + 1) * n) / max);
      if (end <= start) continue;
      let sx = 0;
      let sy = 0;
      let k = 0;
      for (let i = start; i < end; i++) {
        sx += x[i];
        if (y[i] !== null) {
          sy += y[i]!;
          k++;
        }
      }
      out.x.push(old.round6(sx / (end - start)));
      out.y.push(k > 0 ? old.round6(sy / k) : null);
    }
    return out;
  },
  /** The logged values with a finite x, unrounded (what the means are of now). */
  raw(xs: ReadonlyArray<number | null>, ys: ReadonlyArray<number | string>): XY {
    const out: XY = { x: [], y: [] };
    xs.forEach((xi, i) => {
      if (typeof xi !== 'number' || !Number.isFinite(xi)) return;
      out.x.push(xi);
      out.y.push(typeof ys[i] === 'number' && Number.isFinite(ys[i]) ? (ys[i] as number) : null);
    });
    return out;
  },
  lrDrops(name: string, xs: ReadonlyArray<number | null>, ys: ReadonlyArray<number | string>): number[] {
    const pts = old.clean(xs, ys);
    const fx = pts.x.filter((_, i) => pts.y[i] !== null);
    const fy = pts.y.filter((v): v is number => v !== null);
    const drops: number[] = [];
    for (let i = 1; i < fy.length; i++) {
      const prev = fy[i - 1];
      const held = i < 2 || Math.abs(fy[i - 2] - prev) <= 1e-9 * Math.abs(prev);
      if (prev > 0 && fy[i] < 0.7 * prev && held) drops.push(fx[i]);
    }
    return drops.length <= 12 ? drops : [];
  },
};

/** One unit in the 6th significant digit of v. */
const unit6 = (v: number) => 10 ** (Math.floor(Math.log10(Math.abs(v))) - 5);

describe('html formatter: long series are decimated in place, as before', () => {
  const LONG = 300_000;
  const random = rng(7);
  // Some x missing (the report holds null there): buckets count only the points with an x.
  const longX: Array<number | null> = Array.from({ length: LONG }, (_, i) => (i % 49_999 === 17 ? null : i));
  /** Full-precision values with a long, nearly flat tail (values that tie once rounded), a spike, NaN and ±Infinity. */
  const longLoss: Array<number | string> = longX.map((_, i) => {
    if (i >= 200_000 && i < 200_100) return 'NaN';
    if (i === 250_000) return 'Infinity';
    if (i === 250_002) return '-Infinity';
    if (i === 123_457) return 50;
    if (i > 280_000) return 0.25 + 1e-8 * random();
    return 2 * Math.exp(-i / 30_000) + 0.1 + 0.01 * Math.sin(i) + 0.001 * random();
  });
  /** Steps 0.1 → 0.01 → 0.001 with noise past the 6th digit, and a fall that is 30% only before rounding. */
  const longLr: Array<number | string> = longX.map((_, i) => {
    if (i === 100_000) return 0.06999999;
    const level = i < 150_000 ? 0.1 : i < 250_000 ? 0.01 : 0.001;
    return level * (1 + 1e-8 * ((i % 7) - 3));
  });
  const longRun: RunReport = {
    ...run,
    name: 'long',
    series: [series('loss', 'train', 'loss', 'train', longX, longLoss), series('lr', 'other', 'lr', null, longX, longLr)],
    findings: [],
  };
  const longData = embedded(formatHtml({ ...report, runs: [longRun] }, { color: false, lang: 'en' }));
  const [lossChart, lrChart] = longData.runs[0].charts;

  it('keeps the same points, with the same values, as the rounded copy did', () => {
    for (const [chart, ys] of [
      [lossChart, longLoss],
      [lrChart, longLr],
    ] as const) {
      const expected = old.minMax(old.clean(longX, ys), MAX_DISPLAY_POINTS);
      expect(chart.series[0].x).toEqual(expected.x);
      expect(chart.series[0].y).toEqual(expected.y);
      expect(chart.series[0].shown).toBe(expected.x.length);
    }
    // Ties once rounded are common here (the flat tail): the first of them is kept, as before.
    const raw = old.raw(longX, longLoss);
    expect(raw.y.filter((v) => v !== null && v > 0.25 && old.round6(v) === 0.25).length).toBeGreaterThan(1000);
    expect(lossChart.series[0].y).toContain(50);
    expect(lossChart.series[0].y).toContain(null);
  });

  it('smooths the bucket means of the logged values, within one 6th-digit unit of the old rounded-first means', () => {
    const clean = old.clean(longX, longLoss);
    const raw = old.raw(longX, longLoss);
    const before = old.mean(clean.x, clean.y, MAX_DISPLAY_POINTS);
    const now = old.mean(raw.x, raw.y, MAX_DISPLAY_POINTS);
    const s = lossChart.series[0];
    expect(s.sx).toEqual(now.x);
    expect(s.sy).toEqual(now.y);
    expect(now.x).toEqual(before.x);
    s.sy!.forEach((v, i) => {
      const was = before.y[i];
      if (v === null || was === null) expect(v).toBe(was);
      else expect(Math.abs(v - was)).toBeLessThanOrEqual(unit6(was) * 1.0001);
    });
    expect(lrChart.series[0].sx).toBeUndefined();
  });

  it('with values of 6 digits or fewer (most CSV logs), the means are exactly the old ones', () => {
    const short = longLoss.map((v) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v));
    const clean = old.clean(longX, short);
    expect(meanDownsample(longX, short)).toEqual(old.mean(clean.x, clean.y, MAX_DISPLAY_POINTS));
    expect(minMaxDownsample(longX, short)).toEqual(old.minMax(clean, MAX_DISPLAY_POINTS));
  });

  it('marks the same NaN runs and learning-rate drops', () => {
    expect(marks(lossChart, 'nan').map((m) => [m.x, m.x2, m.label])).toEqual(
      nonFiniteRuns(longX, longLoss).map((r) => [r.from, r.to, expect.stringContaining(`${r.value}${r.count > 1 ? ` ×${r.count}` : ''}`)]),
    );
    expect(marks(lossChart, 'nan').map((m) => m.x)).toEqual([200_000, 250_000, 250_002]);
    // 0.1 → 0.06999999 is a 30% fall only before rounding; the steps hold only once rounded.
    const drops = old.lrDrops('lr', longX, longLr);
    expect(drops).toEqual([150_000, 250_000]);
    expect(marks(lossChart, 'lrdrop').map((m) => m.x)).toEqual(drops);
    expect(marks(lossChart, 'lrdrop')[0].label).toBe('lr 0.1 → 0.01');
  });

  it('random series (missing x, gaps, plateaus, large integers among fractions) decimate as before at any size', () => {
    const r = rng(11);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(r() * 400);
      const scale = [1e-7, 1, 1e6, 1.234e6][trial % 4];
      const xs: Array<number | null> = [];
      const ys: Array<number | string> = [];
      let level = scale;
      for (let i = 0; i < n; i++) {
        xs.push(r() < 0.05 ? null : i);
        const u = r();
        if (u < 0.05) ys.push(['NaN', 'Infinity', '-Infinity'][i % 3]);
        else if (u < 0.3) ys.push(level); // plateau: repeats the last value
        else if (u < 0.4) ys.push(Math.round(level + (r() - 0.5) * 20)); // integers near the level
        else if (u < 0.45) ys.push(level * (1 - 0.4 * r())); // falls
        else {
          level = scale * (1 + (r() - 0.5) * 1e-5) + (r() < 0.5 ? 0.5 : 0); // close values that tie once rounded
          ys.push(level);
        }
      }
      const clean = old.clean(xs, ys);
      const raw = old.raw(xs, ys);
      for (const max of [2, 3, 7, 40, 1000]) {
        const label = `trial ${trial} max ${max}`;
        expect(minMaxDownsample(xs, ys, max), label).toEqual(old.minMax(clean, max));
        expect(meanDownsample(xs, ys, max), label).toEqual(clean.x.length <= max ? clean : old.mean(raw.x, raw.y, max));
      }
      const lr = series('lr', 'other', 'lr', null, xs, ys);
      const page = embedded(formatHtml({ ...report, runs: [{ ...run, series: [lr], findings: [] }] }, { color: false, lang: 'en' }));
      const lrMarks = page.runs[0].charts[0]?.marks.filter((m) => m.kind === 'lrdrop').map((m) => m.x) ?? [];
      expect(lrMarks, `trial ${trial} drops`).toEqual(old.lrDrops('lr', xs, ys));
    }
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

describe('html charts of many curves', () => {
  const enc = new TextEncoder();
  const csv = (header: string[], rows: number) =>
    enc.encode(`${header.join(',')}\n${Array.from({ length: rows }, (_, e) => [e, ...header.slice(1).map((_, j) => (2 / (1 + e / (2 + j))).toFixed(4))].join(',')).join('\n')}\n`);

  it('12 curves get 12 distinct hues; a train/val pair shares its hue and the val curve is dashed', async () => {
    const { analyze } = await import('../../src/api.js');
    const { prepareRun } = await import('../../src/formatters/html/prepare.js');
    const { HTML_LABELS } = await import('../../src/formatters/html/labels.js');
    const names = Array.from({ length: 12 }, (_, i) => `part${i}_loss`);
    const wide = analyze([{ name: 'wide.csv', bytes: csv(['epoch', ...names], 10) }], { includeData: true });
    const loss = prepareRun(wide.runs[0], 0, HTML_LABELS.en).charts.find((c) => c.family === 'loss')!;
    expect(loss.series).toHaveLength(12);
    expect(new Set(loss.series.map((s) => s.color)).size).toBe(12);

    const pair = analyze([{ name: 'pair.csv', bytes: csv(['epoch', 'loss', 'val_loss', 'time'], 10) }], { includeData: true });
    const model = prepareRun(pair.runs[0], 0, HTML_LABELS.en);
    const [train, val] = model.charts.find((c) => c.family === 'loss')!.series;
    expect(train.color).toBe(val.color);
    expect(train.dash).toBeUndefined();
    expect(val.dash).toBeDefined();
    // Wall-clock series are not charted.
    expect(model.charts.flatMap((c) => c.series.map((s) => s.name))).not.toContain('time');
  });
});
