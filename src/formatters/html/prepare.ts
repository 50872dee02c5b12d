/**
 * The chart model of the HTML report: which curves go into which chart, their display data
 * (decimated), colours, and the annotations drawn from the findings. Pure.
 */
import { readableNumber as num, round6, xLabel as xval } from '../../core/number-format.js';
import { bySeverityDesc, SEVERITY_RANK } from '../../core/severity.js';
import type { Finding, RunReport, SeriesReport } from '../../core/report-schema.js';
import type { HtmlLabels } from './labels.js';
import { countPoints, MAX_DISPLAY_POINTS, meanDownsample, minMaxDownsample, nonFiniteRuns } from './downsample.js';

export type Family = 'loss' | 'metric' | 'lr' | 'grad-norm' | 'other';
export const FAMILIES: readonly Family[] = ['loss', 'metric', 'lr', 'grad-norm', 'other'];

export type MarkKind = 'best' | 'spike' | 'nan' | 'lrdrop' | 'phase' | 'range';

export interface Mark {
  kind: MarkKind;
  x: number;
  /** End of a span (ranges, runs of NaN). */
  x2?: number;
  /** Value at x, when the mark sits on a curve. */
  y?: number;
  series?: string;
  label: string;
  color?: string;
  severity?: Finding['severity'];
}

export interface ChartSeries {
  name: string;
  role: SeriesReport['role'];
  primary: SeriesReport['primary'];
  color: string;
  /** Line dash (validation, test): its twin of the same hue is solid. */
  dash?: number[];
  /** Raw points, decimated to at most MAX_DISPLAY_POINTS (min/max per bucket). */
  x: number[];
  y: Array<number | null>;
  /** Input of the smoothed line when decimated (bucket means); absent: smooth x/y. */
  sx?: number[];
  sy?: Array<number | null>;
  /** Points in the log, and points embedded for drawing. */
  points: number;
  shown: number;
  /** Draw the raw points as dots (few points). */
  dots: boolean;
}

export interface ChartModel {
  id: string;
  family: Family;
  title: string;
  /** Start on a log y axis (learning rates spanning decades). */
  log: boolean;
  /** Some value is positive: a log axis can show something. */
  canLog: boolean;
  /** Draw a smoothed line (not for learning rates: a schedule is not noise, smoothing would only blur its steps). */
  smooth: boolean;
  series: ChartSeries[];
  marks: Mark[];
}

export interface RunModel {
  id: string;
  axis: RunReport['axis'];
  charts: ChartModel[];
  /** False when the report was made without includeData. */
  hasData: boolean;
}

/**
 * Twelve hues told apart on a white page (and by most colour-blind readers, by lightness too).
 * A curve and its validation/test twin (`loss`, `val_loss`) share a hue and differ in dash.
 */
const SERIES_COLORS: readonly string[] = [
  '#2563eb', '#ea580c', '#16a34a', '#9333ea', '#dc2626', '#0891b2',
  '#a16207', '#db2777', '#4d7c0f', '#475569', '#1e3a8a', '#f59e0b',
];

/** Dash of a curve by its role: train (and other curves) solid. */
const ROLE_DASH: Record<SeriesReport['role'], number[] | undefined> = { train: undefined, other: undefined, val: [7, 4], test: [2, 3] };

/** Wall-clock series (`time`, `epoch_seconds`, `_runtime`): a log's bookkeeping, not a curve worth a chart. */
const CLOCK_SERIES = /(^|[_/.\- ])(time|times|runtime|timestamp|wall_?time|walltime|elapsed|seconds|secs|sec|duration|eta|speed|throughput)([_/.\- ]|s?$)/i;

/** The name a curve and its validation/test twin share: `val_loss`, `train/loss` → `loss`. */
function curveBase(name: string): string {
  return name
    .toLowerCase()
    .replace(/^(train|training|val|valid|validation|eval|test)[/_.\- ]+/, '')
    .replace(/[/_.\- ]+(train|training|val|valid|validation|eval|test)$/, '');
}

function familyOf(s: SeriesReport): Family {
  return s.kind;
}

function seriesOrder(a: SeriesReport, b: SeriesReport): number {
  const rank = (s: SeriesReport) => (s.primary === 'train' ? 0 : s.primary === 'val' ? 1 : s.primary === 'test' ? 2 : 3);
  return rank(a) - rank(b);
}

/** The chart model of one run. `index` makes the element ids (run names never become ids). */
export function prepareRun(run: RunReport, index: number, t: HtmlLabels): RunModel {
  const id = `run-${index + 1}`;
  const hasData = run.series.some((s) => s.data !== undefined && s.data.x.length > 0);
  const axisWord = t[run.axis];
  const charts: ChartModel[] = [];
  const chartOf = new Map<string, ChartModel>();
  const fullData = new Map<string, SeriesReport>();

  for (const family of FAMILIES) {
    const members = run.series
      .filter((s) => familyOf(s) === family && s.data !== undefined && s.data.x.length > 0 && !(s.kind === 'other' && CLOCK_SERIES.test(s.name)))
      .sort(seriesOrder);
    if (members.length === 0) continue;
    const chart: ChartModel = {
      id: `${id}-${family}`,
      family,
      title: t[family],
      log: false,
      canLog: false,
      smooth: family !== 'lr',
      series: [],
      marks: [],
    };
    const hueOf = new Map<string, number>();
    for (const s of members) {
      const data = s.data!;
      const points = countPoints(data.x, data.y);
      if (points === 0) continue;
      const base = curveBase(s.name);
      if (!hueOf.has(base)) hueOf.set(base, hueOf.size);
      const color = SERIES_COLORS[hueOf.get(base)! % SERIES_COLORS.length];
      const dash = ROLE_DASH[s.role];
      const shownData = minMaxDownsample(data.x, data.y);
      const cs: ChartSeries = {
        name: s.name,
        role: s.role,
        primary: s.primary,
        color,
        ...(dash ? { dash } : {}),
        x: shownData.x,
        y: shownData.y,
        points: s.points,
        shown: shownData.x.length,
        dots: shownData.x.length <= 80,
      };
      if (points > MAX_DISPLAY_POINTS && chart.smooth) {
        const smooth = meanDownsample(data.x, data.y);
        cs.sx = smooth.x;
        cs.sy = smooth.y;
      }
      chart.series.push(cs);
      chartOf.set(s.name, chart);
      fullData.set(s.name, s);
      for (const r of nonFiniteRuns(data.x, data.y)) {
        chart.marks.push({
          kind: 'nan',
          x: r.from,
          x2: r.to,
          series: s.name,
          color,
          label: `${s.name}: ${r.value}${r.count > 1 ? ` ×${r.count}` : ''} @ ${axisWord} ${xval(r.from)}${r.to > r.from ? `–${xval(r.to)}` : ''}`,
        });
      }
      // Trend changes: where one phase ends and the next begins.
      for (let i = 1; i < s.phases.length; i++) {
        const ph = s.phases[i];
        if (ph.from === null) continue;
        chart.marks.push({
          kind: 'phase',
          x: ph.from,
          series: s.name,
          color,
          label: `${s.name}: ${t.direction[ph.direction]} ${arrow(ph.direction)}`,
        });
      }
    }
    if (chart.series.length === 0) continue;
    const positive = chart.series.flatMap((s) => s.y.filter((v): v is number => v !== null && v > 0));
    chart.canLog = positive.length > 0;
    if ((family === 'lr' || family === 'loss') && chart.canLog) {
      // Decades of range (a schedule, a blow-up) read better on a log axis; a negative value rules it out.
      const all = chart.series.flatMap((s) => s.y.filter((v): v is number => v !== null));
      const ratio = Math.max(...positive) / Math.min(...positive);
      chart.log = all.every((v) => v > 0) && ratio >= (family === 'lr' ? 30 : 100);
    }
    charts.push(chart);
  }

  const fallback = charts.find((c) => c.family === 'loss') ?? charts[0];
  if (fallback) {
    // Learning-rate drops matter on every curve: the loss often steps down right after one.
    // From the logged learning rate, and from findings (lr-schedule lists `schedule.drops`); one line per x.
    const drops = [...lrDropsFromData(run), ...run.findings.flatMap((f) => evidenceXs(f, /^drops$|lr.?drops?$|lr.?decays?$/i))];
    const dropAt = new Map<number, string>();
    for (const d of drops) if (!dropAt.has(d.x)) dropAt.set(d.x, d.label ?? `${t.lrDrop} @ ${axisWord} ${xval(d.x)}`);
    const dropMarks: Mark[] = [...dropAt].map(([x, label]) => ({ kind: 'lrdrop', x, label }));
    for (const c of charts) c.marks.push(...dropMarks);

    for (const f of run.findings) {
      const home = f.series.map((n) => chartOf.get(n)).filter((c): c is ChartModel => c !== undefined);
      const targets = home.length > 0 ? [...new Set(home)] : [fallback];
      // Shade where a problem (or the verdict) lives; info notes such as the LR schedule would only
      // muddy the chart, and a range over the whole run says nothing the headline does not.
      const shaded = f.severity !== 'info' || f.tags.includes('verdict');
      if (shaded && f.range && f.range.from !== null && f.range.to !== null) {
        for (const c of targets) {
          const [lo, hi] = xExtent(c);
          if (hi > lo && f.range.from <= lo + 0.01 * (hi - lo) && f.range.to >= hi - 0.01 * (hi - lo)) continue;
          c.marks.push({ kind: 'range', x: f.range.from, x2: f.range.to, severity: f.severity, label: f.title });
        }
      }
      if (f.best && f.best.x !== null) {
        const c = chartOf.get(f.best.series) ?? targets[0];
        const s = fullData.get(f.best.series);
        c.marks.push({
          kind: 'best',
          x: f.best.x,
          ...(f.best.value !== null ? { y: f.best.value } : {}),
          series: f.best.series,
          color: c.series.find((cs) => cs.name === f.best!.series)?.color,
          label: `${t.best} ${s?.name ?? f.best.series} ${f.best.value !== null ? num(f.best.value) : ''} @ ${axisWord} ${xval(f.best.x)}`,
        });
      }
      const onSeries = f.series.find((n) => chartOf.has(n));
      for (const sp of evidenceXs(f, /spike|outlier/i)) {
        const c = (onSeries && chartOf.get(onSeries)) || targets[0];
        const name = onSeries ?? c.series[0]?.name;
        const y = name ? valueAt(fullData.get(name), sp.x) : undefined;
        c.marks.push({
          kind: 'spike',
          x: sp.x,
          ...(y !== undefined ? { y } : {}),
          ...(name ? { series: name } : {}),
          label: `${t.spike}${name ? ` ${name}` : ''} @ ${axisWord} ${xval(sp.x)}${y !== undefined ? `: ${num(y)}` : ''}`,
        });
      }
      for (const b of evidenceXs(f, /boundar|change.?point|breakpoint/i)) {
        for (const c of targets) c.marks.push({ kind: 'phase', x: b.x, label: `${f.title} @ ${axisWord} ${xval(b.x)}` });
      }
    }
  }

  for (const c of charts) {
    c.marks = mergeRanges(dedupe(c.marks));
    // Ranges: most severe first (drawn underneath the rest; at most four per chart).
    const ranges = c.marks
      .filter((m) => m.kind === 'range')
      .sort((a, b) => bySeverityDesc(a.severity ?? 'info', b.severity ?? 'info'))
      .slice(0, 4);
    c.marks = [...ranges, ...c.marks.filter((m) => m.kind !== 'range')];
  }
  return { id, axis: run.axis, charts, hasData };
}

function xExtent(c: ChartModel): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of c.series) {
    if (s.x.length === 0) continue;
    lo = Math.min(lo, s.x[0]);
    hi = Math.max(hi, s.x[s.x.length - 1]);
  }
  return [lo, hi];
}

function arrow(direction: 'falling' | 'flat' | 'rising'): string {
  return direction === 'falling' ? '↘' : direction === 'rising' ? '↗' : '→';
}

/** Findings that cover the same stretch share one shaded range (the most severe colour) and one label. */
function mergeRanges(marks: Mark[]): Mark[] {
  const byKey = new Map<string, Mark>();
  const out: Mark[] = [];
  for (const m of marks) {
    if (m.kind !== 'range') {
      out.push(m);
      continue;
    }
    const key = `${m.x}|${m.x2}`;
    const prev = byKey.get(key);
    if (!prev) {
      const copy = { ...m };
      byKey.set(key, copy);
      out.push(copy);
      continue;
    }
    prev.label = `${prev.label} · ${m.label}`;
    if (SEVERITY_RANK[m.severity ?? 'info'] > SEVERITY_RANK[prev.severity ?? 'info']) prev.severity = m.severity;
  }
  return out;
}

function dedupe(marks: Mark[]): Mark[] {
  const seen = new Set<string>();
  return marks.filter((m) => {
    const key = `${m.kind}|${m.x}|${m.x2 ?? ''}|${m.series ?? ''}|${m.label}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The logged value at x (the nearest point), for marks placed on a curve. */
function valueAt(s: SeriesReport | undefined, x: number): number | undefined {
  const data = s?.data;
  if (!data) return undefined;
  let best = -1;
  let dist = Infinity;
  for (let i = 0; i < data.x.length; i++) {
    const xi = data.x[i];
    if (xi === null) continue;
    const d = Math.abs(xi - x);
    if (d < dist) {
      dist = d;
      best = i;
    }
  }
  const v = best >= 0 ? data.y[best] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Step drops of the learning rate in the logged values: a fall of at least 30% from a value that
 * held for the previous point (step or plateau schedules, not a smooth cosine or exponential decay).
 */
function lrDropsFromData(run: RunReport): Array<{ x: number; label?: string }> {
  const out: Array<{ x: number; label?: string }> = [];
  for (const s of run.series) {
    if (s.kind === 'lr' && s.data) out.push(...stepDrops(s.name, s.data.x, s.data.y));
  }
  return out;
}

/**
 * The drops of one series, judged on the values the chart shows (rounded, finite, with a finite
 * x). Rounding moves a value by less than 1e-5 of it, so only falls of nearly 30% in the logged
 * values are rounded and judged: one walk, with no work on the other points.
 */
function stepDrops(name: string, xs: ReadonlyArray<number | null>, ys: ReadonlyArray<number | string>): Array<{ x: number; label: string }> {
  const drops: Array<{ x: number; label: string }> = [];
  let before = Number.NaN; // the two previous finite values; NaN: none yet
  let prev = Number.NaN;
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    const v = ys[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (prev > 0 && v - 1e-5 * Math.abs(v) < 0.7 * prev * (1 + 1e-5)) {
      const p = round6(prev);
      const c = round6(v);
      const held = Number.isNaN(before) || Math.abs(round6(before) - p) <= 1e-9 * Math.abs(p);
      if (c < 0.7 * p && held) {
        drops.push({ x, label: `${name} ${num(p)} → ${num(c)}` });
        // Dozens of drops are a schedule's shape (cyclic), not events worth a line each.
        if (drops.length > 12) return [];
      }
    }
    before = prev;
    prev = v;
  }
  return drops;
}

/**
 * x positions a finding's evidence lists under keys matching `pattern`: a number, a list of
 * numbers, `{x}` / `{step}` / `{epoch}` objects or lists of them, or `{x: [...]}` / `{steps: [...]}`.
 */
const POSITION_KEY = /(at|step|steps|x|epoch|epochs)$/i;

function evidenceXs(f: Finding, pattern: RegExp): Array<{ x: number; label?: string }> {
  const out: Array<{ x: number; label?: string }> = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 5 || !value || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [k, v] of Object.entries(value)) {
      if (!pattern.test(k)) visit(v, depth + 1);
      // A bare number is a position only when the key says so (`spikeAt`), not a count (`spikeCount`).
      else if (typeof v !== 'number' || POSITION_KEY.test(k)) collectXs(v, out, 0);
    }
  };
  visit(f.evidence, 0);
  return out.slice(0, 500);
}

function collectXs(value: unknown, out: Array<{ x: number }>, depth: number): void {
  if (depth > 3) return;
  if (typeof value === 'number' && Number.isFinite(value)) {
    out.push({ x: value });
  } else if (Array.isArray(value)) {
    for (const v of value) collectXs(v, out, depth + 1);
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const key of ['x', 'step', 'steps', 'epoch', 'epochs', 'at', 'positions', 'xs']) {
      if (key in o) {
        collectXs(o[key], out, depth + 1);
        return;
      }
    }
  }
}
