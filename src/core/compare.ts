/**
 * Baseline regression gate: compare a run with a reference run and report what got worse as
 * findings (same shape as rule findings), so every formatter and the exit code work unchanged.
 * Pure: runs and reports in, findings out.
 */
import type { Finding, RunReport } from './report-schema.js';
import { finitePoints } from './stats/decimate.js';
import { median, rollingMedian } from './stats/robust.js';
import type { Axis, Lang, Run, Series, Severity } from './types.js';

/** Relative worsening (0.1 = 10 % worse than the baseline) that makes a warning / an error; null = never. */
export interface Tolerance {
  warning: number | null;
  error: number | null;
}

export interface CompareTolerances {
  /** Loss level at the end of the common x range (median of its last 10 %). */
  finalLoss: Tolerance;
  /** Lowest (smoothed) loss over the common x range. */
  bestLoss: Tolerance;
  /** Mean relative gap between the two curves over the common x range (signed: noise cancels). */
  curveArea: Tolerance;
}

/** Tolerances given in part: missing keys and levels take the defaults. */
export type PartialTolerances = { [K in keyof CompareTolerances]?: Partial<Tolerance> };

export interface CompareOptions extends PartialTolerances {
  lang?: Lang;
  /** Same overrides as for rules: 'off' drops a regression finding, a severity replaces the computed one. */
  ruleSeverity?: Record<string, Severity | 'off'>;
}

/**
 * Defaults. tt-blacksmith#311 notifies at a relative error of 0.1 against one reference run and
 * fails the job at a final-loss relative error of 0.5; SkyRL PR#1199 uses ±5 % around a band made of
 * the last 10 CI runs (a band already absorbs run-to-run noise, one reference run does not).
 * So: +10 % warns, +50 % fails; the whole-curve gap only warns.
 */
export const DEFAULT_TOLERANCES: CompareTolerances = {
  finalLoss: { warning: 0.1, error: 0.5 },
  bestLoss: { warning: 0.1, error: 0.5 },
  curveArea: { warning: 0.1, error: null },
};

export const REGRESSION_IDS = [
  'regression-best-loss',
  'regression-curve-area',
  'regression-diverged',
  'regression-final-loss',
  'regression-new-finding',
  'regression-not-comparable',
] as const;
export type RegressionId = (typeof REGRESSION_IDS)[number];

/** A run with its analysis: the points for alignment, the report for verdict and findings. */
export interface AnalyzedRun {
  run: Run;
  report: RunReport;
}

const ROLES = ['train', 'val'] as const;
type CurveRole = (typeof ROLES)[number];
/** Verdicts that mean the run failed to train. */
const BROKEN_VERDICTS = new Set(['diverging', 'not-learning']);
/** Rule findings that regression-diverged covers. */
const DIVERGED_IDS = new Set(['diverging', 'not-learning', 'non-finite']);
const SEVERITY_WEIGHT: Record<Severity, number> = { error: 3, warning: 2, info: 1 };
const MAX_GRID = 1000;
const MIN_COMMON_POINTS = 3;

interface Text {
  en: string;
  zh: string;
}

const TITLES: Record<RegressionId, Text> = {
  'regression-final-loss': { en: 'Final loss worse than baseline', zh: '最终损失比基线差' },
  'regression-best-loss': { en: 'Best loss worse than baseline', zh: '最佳损失比基线差' },
  'regression-curve-area': { en: 'Loss curve above baseline', zh: '损失曲线整体高于基线' },
  'regression-diverged': { en: 'Diverged where the baseline did not', zh: '基线正常而本次发散' },
  'regression-new-finding': { en: 'New problem compared with baseline', zh: '相比基线出现新问题' },
  'regression-not-comparable': { en: 'Cannot compare with baseline', zh: '无法与基线比较' },
};

const CAUSES: Text[] = [
  {
    en: 'A change between the two runs: code, config (learning rate, batch size, schedule), data or dependencies',
    zh: '两次运行之间的改动：代码、配置（学习率、批大小、调度）、数据或依赖',
  },
  { en: 'Run-to-run noise larger than the tolerance (different seed, non-deterministic kernels)', zh: '运行间波动大于容差（随机种子不同、非确定性算子）' },
];

const REMEDIES: Text[] = [
  { en: 'Diff the two runs’ code and config; the change between them is the first suspect (bisect if needed)', zh: '对比两次运行的代码和配置；它们之间的改动是首要嫌疑（必要时二分查找）' },
  { en: 'If the change is intended, make this run the new baseline', zh: '如果改动是有意的，把这次运行设为新基线' },
  { en: 'If reruns of the same commit differ this much, widen the tolerance (config "compare") or fix the seed', zh: '如果同一提交的重跑差异就有这么大，放宽容差（配置 "compare"）或固定随机种子' },
];

function t(text: Text, lang: Lang): string {
  return text[lang];
}

/** Number for messages: 4 significant digits. */
function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-3) return v.toExponential(2).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

function pct(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '+∞%' : '–';
  const p = Number((v * 100).toPrecision(3));
  return `${p > 0 ? '+' : ''}${p}%`;
}

function sig(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? Number(v.toPrecision(6)) : null;
}

/** Resolve partial tolerances over the defaults. */
export function resolveTolerances(options: PartialTolerances = {}): CompareTolerances {
  return {
    finalLoss: { ...DEFAULT_TOLERANCES.finalLoss, ...options.finalLoss },
    bestLoss: { ...DEFAULT_TOLERANCES.bestLoss, ...options.bestLoss },
    curveArea: { ...DEFAULT_TOLERANCES.curveArea, ...options.curveArea },
  };
}

/** Severity of a relative worsening under a tolerance, or undefined when within it. */
export function severityFor(rel: number, tol: Tolerance): Severity | undefined {
  if (Number.isNaN(rel)) return undefined;
  if (tol.error !== null && rel > tol.error) return 'error';
  if (tol.warning !== null && rel > tol.warning) return 'warning';
  return undefined;
}

/** Relative difference, worse (higher loss) positive. */
export function relDiff(current: number, baseline: number): number {
  const d = current - baseline;
  const scale = Math.abs(baseline);
  if (scale > 1e-12) return d / scale;
  return d > 1e-12 ? Number.POSITIVE_INFINITY : d < -1e-12 ? Number.NEGATIVE_INFINITY : 0;
}

/** Linear interpolation of sorted (x, y) at t (t inside [x0, xn]). */
function interpolate(x: Float64Array, y: Float64Array, t: number, start: number): { value: number; index: number } {
  let i = start;
  while (i < x.length - 2 && x[i + 1] < t) i++;
  const x0 = x[i];
  const x1 = x[i + 1] ?? x0;
  if (x1 === x0) return { value: y[i], index: i };
  const w = Math.min(1, Math.max(0, (t - x0) / (x1 - x0)));
  return { value: y[i] + w * (y[i + 1] - y[i]), index: i };
}

function resample(pts: { x: Float64Array; y: Float64Array }, grid: Float64Array): Float64Array {
  const out = new Float64Array(grid.length);
  let index = 0;
  for (let g = 0; g < grid.length; g++) {
    const r = interpolate(pts.x, pts.y, grid[g], index);
    out[g] = r.value;
    index = r.index;
  }
  return out;
}

function countIn(x: Float64Array, lo: number, hi: number): number {
  let n = 0;
  for (const v of x) if (v >= lo && v <= hi) n++;
  return n;
}

/** One role's curves aligned on a common grid, with the measures the gate uses. */
export interface CurveComparison {
  role: CurveRole;
  current: string;
  baseline: string;
  axis: Axis;
  from: number;
  to: number;
  points: number;
  final: { current: number; baseline: number; rel: number };
  best: { current: number; baseline: number; rel: number; x: number };
  area: { rel: number };
}

/**
 * Align two curves on their common x range (linear interpolation on an even grid as fine as the
 * denser curve, at most 1000 points) and measure final level, best level and mean relative gap.
 * Undefined when they share fewer than 3 points' worth of range.
 */
export function compareCurves(current: Series, baseline: Series, role: CurveRole = 'train'): CurveComparison | undefined {
  const a = finitePoints(current.x, current.y);
  const b = finitePoints(baseline.x, baseline.y);
  if (a.x.length < 2 || b.x.length < 2) return undefined;
  const lo = Math.max(a.x[0], b.x[0]);
  const hi = Math.min(a.x[a.x.length - 1], b.x[b.x.length - 1]);
  if (!(hi > lo)) return undefined;
  const na = countIn(a.x, lo, hi);
  const nb = countIn(b.x, lo, hi);
  if (na < MIN_COMMON_POINTS || nb < MIN_COMMON_POINTS) return undefined;
  const size = Math.min(MAX_GRID, Math.max(na, nb));
  const grid = new Float64Array(size);
  for (let g = 0; g < size; g++) grid[g] = lo + ((hi - lo) * g) / (size - 1);
  const ya = resample(a, grid);
  const yb = resample(b, grid);
  // A light smoothing (about 5 % of the range) so one noisy point does not decide best or area.
  const window = 2 * Math.floor(size / 40) + 1;
  const sa = rollingMedian(ya, window);
  const sb = rollingMedian(yb, window);

  const tail = Math.max(1, Math.ceil(size * 0.1));
  const finalA = median(ya.subarray(size - tail));
  const finalB = median(yb.subarray(size - tail));
  let bestA = Number.POSITIVE_INFINITY;
  let bestAx = lo;
  let bestB = Number.POSITIVE_INFINITY;
  let gap = 0;
  for (let g = 0; g < size; g++) {
    if (sa[g] < bestA) {
      bestA = sa[g];
      bestAx = grid[g];
    }
    bestB = Math.min(bestB, sb[g]);
    const r = relDiff(sa[g], sb[g]);
    gap += Number.isFinite(r) ? r : 0;
  }
  return {
    role,
    current: current.name,
    baseline: baseline.name,
    axis: current.axis,
    from: lo,
    to: hi,
    points: size,
    final: { current: finalA, baseline: finalB, rel: relDiff(finalA, finalB) },
    best: { current: bestA, baseline: bestB, rel: relDiff(bestA, bestB), x: bestAx },
    area: { rel: gap / size },
  };
}

function primarySeries(run: Run, role: CurveRole): Series | undefined {
  const name = run.primary[role];
  return name ? run.series.find((s) => s.name === name) : undefined;
}

/** x of the first non-finite value of the run's primary train/val losses, or undefined. */
function firstNonFinite(report: RunReport): number | undefined {
  let first: number | undefined;
  for (const s of report.series) {
    if (s.primary !== 'train' && s.primary !== 'val') continue;
    const x = s.nonFinite.first?.x;
    if (x !== null && x !== undefined && (first === undefined || x < first)) first = x;
  }
  return first;
}

interface Draft {
  id: RegressionId;
  severity: Severity;
  message: string;
  series: string[];
  range?: { from: number; to: number; axis: Axis };
  best?: { x: number; axis: Axis; value: number; series: string };
  evidence: Record<string, unknown>;
}

function toFinding(d: Draft, lang: Lang, configured: Severity | undefined): Finding {
  return {
    id: d.id,
    severity: configured ?? d.severity,
    confidence: 1,
    uncertain: false,
    title: t(TITLES[d.id], lang),
    message: d.message,
    series: d.series,
    range: d.range ? { from: sig(d.range.from), to: sig(d.range.to), axis: d.range.axis } : null,
    best: d.best ? { x: sig(d.best.x), axis: d.best.axis, value: sig(d.best.value), series: d.best.series } : null,
    evidence: sanitize(d.evidence) as Record<string, unknown>,
    causes:
      d.id === 'regression-not-comparable'
        ? []
        : CAUSES.map((c, i) => ({ id: i === 0 ? 'changed-between-runs' : 'run-to-run-noise', seed: '', text: t(c, lang) })),
    remedies:
      d.id === 'regression-not-comparable'
        ? [
            {
              id: 'same-axis',
              text:
                lang === 'zh'
                  ? '确认两次运行记录了同一个损失（--train/--val 指定列）并且共享同一 x 轴（--x step|epoch）'
                  : 'Make sure both runs log the same loss (name it with --train/--val) on the same x axis (--x step|epoch)',
            },
          ]
        : REMEDIES.map((r, i) => ({ id: ['diff-runs', 'update-baseline', 'widen-tolerance'][i], text: t(r, lang) })),
    seed: [],
    tags: ['regression'],
  };
}

function sanitize(value: unknown): unknown {
  if (typeof value === 'number') return sig(value);
  if (Array.isArray(value)) return value.map(sanitize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitize(v)]));
  }
  return value;
}

const MEASURES = [
  { id: 'regression-final-loss', key: 'finalLoss', pick: (c: CurveComparison) => c.final.rel },
  { id: 'regression-best-loss', key: 'bestLoss', pick: (c: CurveComparison) => c.best.rel },
  { id: 'regression-curve-area', key: 'curveArea', pick: (c: CurveComparison) => c.area.rel },
] as const;

function measureMessage(id: RegressionId, c: CurveComparison, tol: Tolerance, sev: Severity, others: CurveComparison[], lang: Lang): string {
  const limit = pct((sev === 'error' ? tol.error : tol.warning) ?? 0);
  const at = `${c.axis} ${num(c.from)}–${num(c.to)}`;
  const also = others.length ? others.map((o) => `${o.current} ${pct(pickRel(id, o))}`).join(', ') : '';
  if (lang === 'zh') {
    const tail = also ? `；另有 ${also}` : '';
    if (id === 'regression-final-loss') return `${c.current} 在共同范围末尾为 ${num(c.final.current)}，基线 ${c.baseline} 为 ${num(c.final.baseline)}（${pct(c.final.rel)}，容差 ${limit}，${at}）${tail}。`;
    if (id === 'regression-best-loss') return `${c.current} 的最佳值 ${num(c.best.current)} 比基线 ${c.baseline} 的 ${num(c.best.baseline)} 差（${pct(c.best.rel)}，容差 ${limit}）${tail}。`;
    return `${c.current} 在 ${at} 上平均比基线 ${c.baseline} 高 ${pct(c.area.rel)}（容差 ${limit}）${tail}。`;
  }
  const tail = also ? `; also ${also}` : '';
  if (id === 'regression-final-loss') return `${c.current} ends the common range at ${num(c.final.current)} vs ${num(c.final.baseline)} for the baseline's ${c.baseline} (${pct(c.final.rel)}, tolerance ${limit}, ${at})${tail}.`;
  if (id === 'regression-best-loss') return `${c.current} reached a best of ${num(c.best.current)} vs ${num(c.best.baseline)} for the baseline's ${c.baseline} (${pct(c.best.rel)}, tolerance ${limit})${tail}.`;
  return `${c.current} is on average ${pct(c.area.rel)} above the baseline's ${c.baseline} over ${at} (tolerance ${limit})${tail}.`;
}

function pickRel(id: RegressionId, c: CurveComparison): number {
  return id === 'regression-final-loss' ? c.final.rel : id === 'regression-best-loss' ? c.best.rel : c.area.rel;
}

function curveEvidence(c: CurveComparison): Record<string, unknown> {
  return {
    current: c.current,
    baseline: c.baseline,
    range: [c.from, c.to],
    points: c.points,
    final: c.final,
    best: c.best,
    meanRelativeGap: c.area.rel,
  };
}

/**
 * Compare a run with its baseline. Returns regression findings (possibly none):
 * final / best loss and mean curve gap beyond tolerance, divergence the baseline did not have,
 * error/warning findings the baseline did not have, or why the two cannot be compared.
 */
export function compareRuns(current: AnalyzedRun, baseline: AnalyzedRun | undefined, options: CompareOptions = {}): Finding[] {
  const lang = options.lang ?? 'en';
  const tolerances = resolveTolerances(options);
  const drafts: Draft[] = [];

  if (!baseline) {
    drafts.push({
      id: 'regression-not-comparable',
      severity: 'warning',
      message: lang === 'zh' ? `没有与 ${current.run.name} 对应的基线运行。` : `no baseline run matches ${current.run.name}.`,
      series: [],
      evidence: { reason: 'no-baseline-run' },
    });
    return finish(drafts, lang, options);
  }
  const baseName = baseline.run.name;

  // Curves: final, best, area.
  const comparisons: CurveComparison[] = [];
  const missing: string[] = [];
  if (current.run.axis !== baseline.run.axis) {
    missing.push(lang === 'zh' ? `x 轴不同（${current.run.axis} 与 ${baseline.run.axis}）` : `different x axes (${current.run.axis} vs ${baseline.run.axis})`);
  } else {
    for (const role of ROLES) {
      const a = primarySeries(current.run, role);
      const b = primarySeries(baseline.run, role);
      if (!a || !b) continue;
      const c = compareCurves(a, b, role);
      if (c) comparisons.push(c);
      else missing.push(lang === 'zh' ? `${a.name} 与 ${b.name} 没有足够的共同 ${a.axis} 范围` : `${a.name} and ${b.name} share too little ${a.axis} range`);
    }
    if (comparisons.length === 0 && missing.length === 0) {
      missing.push(lang === 'zh' ? '两次运行没有共同的主训练/验证损失' : 'the runs have no primary train or val loss in common');
    }
  }
  if (comparisons.length === 0) {
    drafts.push({
      id: 'regression-not-comparable',
      severity: 'warning',
      message: lang === 'zh' ? `无法将 ${current.run.name} 与基线 ${baseName} 比较：${missing.join('；')}。` : `cannot compare ${current.run.name} with baseline ${baseName}: ${missing.join('; ')}.`,
      series: [],
      evidence: { baseline: baseName, reasons: missing },
    });
  }

  for (const m of MEASURES) {
    const tol = tolerances[m.key];
    const worse = comparisons
      .map((c) => ({ c, rel: m.pick(c), sev: severityFor(m.pick(c), tol) }))
      .filter((w): w is { c: CurveComparison; rel: number; sev: Severity } => w.sev !== undefined)
      .sort((x, y) => SEVERITY_WEIGHT[y.sev] - SEVERITY_WEIGHT[x.sev] || y.rel - x.rel);
    if (worse.length === 0) continue;
    const top = worse[0];
    drafts.push({
      id: m.id,
      severity: top.sev,
      message: measureMessage(m.id, top.c, tol, top.sev, worse.slice(1).map((w) => w.c), lang),
      series: worse.map((w) => w.c.current),
      range: { from: top.c.from, to: top.c.to, axis: top.c.axis },
      ...(m.id === 'regression-best-loss' ? { best: { x: top.c.best.x, axis: top.c.axis, value: top.c.best.current, series: top.c.current } } : {}),
      evidence: {
        baseline: baseName,
        tolerance: tol,
        curves: Object.fromEntries(comparisons.map((c) => [c.role, curveEvidence(c)])),
      },
    });
  }

  // Divergence the baseline did not have: a broken verdict, or non-finite loss earlier.
  const cv = current.report.verdict.id;
  const bv = baseline.report.verdict.id;
  const curNaN = firstNonFinite(current.report);
  const baseNaN = firstNonFinite(baseline.report);
  const axis = current.run.axis;
  if (BROKEN_VERDICTS.has(cv) && !BROKEN_VERDICTS.has(bv)) {
    drafts.push({
      id: 'regression-diverged',
      severity: 'error',
      message:
        lang === 'zh'
          ? `本次结论为“${current.report.verdict.title}”，而基线 ${baseName} 为“${baseline.report.verdict.title}”${curNaN !== undefined ? `；损失在 ${axis} ${num(curNaN)} 变为 NaN/Inf` : ''}。`
          : `this run's verdict is ${cv} while the baseline ${baseName} was ${bv}${curNaN !== undefined ? `; the loss became NaN/Inf at ${axis} ${num(curNaN)}` : ''}.`,
      series: [current.run.primary.train, current.run.primary.val].filter((n): n is string => n !== undefined),
      evidence: { baseline: baseName, verdict: cv, baselineVerdict: bv, firstNonFinite: curNaN ?? null, baselineFirstNonFinite: baseNaN ?? null },
    });
  } else if (curNaN !== undefined && (baseNaN === undefined || curNaN < baseNaN)) {
    const base = baseNaN === undefined ? (lang === 'zh' ? '基线从未出现' : 'the baseline never did') : lang === 'zh' ? `基线在 ${axis} ${num(baseNaN)}` : `the baseline at ${axis} ${num(baseNaN)}`;
    drafts.push({
      id: 'regression-diverged',
      severity: 'error',
      message: lang === 'zh' ? `损失在 ${axis} ${num(curNaN)} 变为 NaN/Inf，${base}。` : `the loss became NaN/Inf at ${axis} ${num(curNaN)}; ${base}.`,
      series: current.report.series.filter((s) => s.primary && s.nonFinite.count > 0).map((s) => s.name),
      range: { from: curNaN, to: curNaN, axis },
      evidence: { baseline: baseName, verdict: cv, baselineVerdict: bv, firstNonFinite: curNaN, baselineFirstNonFinite: baseNaN ?? null },
    });
  }

  // Pathologies the baseline did not have.
  // When regression-diverged already says it, the findings that mean "diverged" are not repeated.
  const known = new Set(baseline.report.findings.map((f) => f.id));
  const said = drafts.some((d) => d.id === 'regression-diverged') ? DIVERGED_IDS : new Set<string>();
  const fresh = current.report.findings.filter(
    (f) => (f.severity === 'error' || f.severity === 'warning') && !known.has(f.id) && !said.has(f.id) && !f.tags.includes('regression'),
  );
  if (fresh.length > 0) {
    const severity: Severity = fresh.some((f) => f.severity === 'error') ? 'error' : 'warning';
    const list = fresh.map((f) => `${f.id} (${f.severity})`).join(', ');
    drafts.push({
      id: 'regression-new-finding',
      severity,
      message: lang === 'zh' ? `基线 ${baseName} 没有的问题：${list}。` : `not in the baseline ${baseName}: ${list}.`,
      series: [...new Set(fresh.flatMap((f) => f.series))],
      evidence: { baseline: baseName, new: fresh.map((f) => ({ id: f.id, severity: f.severity, message: f.message })), baselineFindings: [...known] },
    });
  }
  return finish(drafts, lang, options);
}

function finish(drafts: Draft[], lang: Lang, options: CompareOptions): Finding[] {
  const out: Finding[] = [];
  for (const d of drafts) {
    const configured = options.ruleSeverity?.[d.id];
    if (configured === 'off') continue;
    out.push(toFinding(d, lang, configured));
  }
  return sortFindings(out);
}

/** Findings in report order: severity × confidence, then id (as the analysis sorts them). */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => SEVERITY_WEIGHT[b.severity] * b.confidence - SEVERITY_WEIGHT[a.severity] * a.confidence || a.id.localeCompare(b.id),
  );
}

/** The part of a run name that identifies it inside a file (W&B: "file :: run"), else the file's base name. */
function matchKey(name: string): string {
  const inner = name.lastIndexOf(' :: ');
  if (inner >= 0) return name.slice(inner + 4);
  const slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return name.slice(slash + 1);
}

/**
 * Pair each current run with its baseline: a single baseline run is the reference for every run;
 * otherwise runs are matched by run name (W&B) or file name, then by position when both sides
 * have the same number of runs.
 */
export function pairRuns<T extends { name: string }>(current: readonly T[], baseline: readonly T[]): Array<T | undefined> {
  return pairRunsExplained(current, baseline).pairs;
}

/** pairRuns, and which current runs (by index) were paired only by position (no name matched). */
export function pairRunsExplained<T extends { name: string }>(
  current: readonly T[],
  baseline: readonly T[],
): { pairs: Array<T | undefined>; byPosition: number[] } {
  if (baseline.length === 1) return { pairs: current.map(() => baseline[0]), byPosition: [] };
  const byKey = new Map<string, T>();
  for (const b of baseline) if (!byKey.has(matchKey(b.name))) byKey.set(matchKey(b.name), b);
  const byPosition: number[] = [];
  const pairs = current.map((c, i) => {
    const named = byKey.get(matchKey(c.name));
    if (named) return named;
    if (current.length !== baseline.length) return undefined;
    byPosition.push(i);
    return baseline[i];
  });
  return { pairs, byPosition };
}
