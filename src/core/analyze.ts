import type { AnalyzeOptions, Detection, Rule, RuleContext } from './engine/define-rule.js';
import { profileGap, profileSeries } from './profile.js';
import type { Finding, Report, RunReport, SeriesReport, TrendReport } from './report-schema.js';
import type { Lang, Run, SeriesProfile, Severity, Trend } from './types.js';
import { analysisRun, MAX_ANALYSIS_POINTS } from './resolution.js';
import { SEVERITY_RANK } from './severity.js';
import { sparkline } from './sparkline.js';
import { primaryLossNames, seriesDirection } from './metric-direction.js';
import { heldOutMetricVerdict } from './metric-evidence.js';
import { sig6 } from './number-format.js';
import { summarizeRuns } from './summary.js';
import { decideVerdict, reconcileVerdict } from './verdict.js';
import { VERDICT_IDS } from './verdict-ids.js';
import { fillTemplate, textIn, verdictTitle } from '../messages/index.js';

export interface AnalyzeRunOptions extends AnalyzeOptions {
  /** Language of the report's texts (rules decide in data; src/messages words it). */
  lang?: Lang;
  /** Per-rule severity overrides; 'off' disables a rule. */
  ruleSeverity?: Record<string, Severity | 'off'>;
  /** Put every series' points into the report (for charts). */
  includeData?: boolean;
  /** Findings below this confidence are marked uncertain (default DEFAULT_MIN_CONFIDENCE). */
  minConfidence?: number;
  /**
   * Series longer than this are analysed on a sample of about this many points
   * (src/core/resolution.ts); 0 analyses every point. Default MAX_ANALYSIS_POINTS.
   */
  maxPoints?: number;
}

/** Below this confidence a finding is shown as uncertain and does not fail a CI job. */
export const DEFAULT_MIN_CONFIDENCE = 0.5;

/** Profile a run, decide its verdict, run the rules, and shape the run's report. Pure. */
export function analyzeRun(fullRun: Run, rules: readonly Rule[], options: AnalyzeRunOptions = {}): RunReport {
  const lang: Lang = options.lang ?? 'en';
  const run = analysisRun(fullRun, options.maxPoints ?? MAX_ANALYSIS_POINTS);
  const profiles = new Map<string, SeriesProfile>();
  for (const s of run.series) {
    if (s.kind === 'loss' || s.kind === 'metric' || s.kind === 'lr' || s.kind === 'grad-norm') {
      profiles.set(s.name, profileSeries(s));
    }
  }
  const byName = new Map(run.series.map((s) => [s.name, s]));
  const train = run.primary.train ? profiles.get(run.primary.train) : undefined;
  const val = run.primary.val ? profiles.get(run.primary.val) : undefined;
  const test = run.primary.test ? profiles.get(run.primary.test) : undefined;
  const heldOutName = run.primary.val ?? run.primary.test;
  const gap =
    run.primary.train && heldOutName ? profileGap(byName.get(run.primary.train)!, byName.get(heldOutName)!) : undefined;
  let verdict = decideVerdict({ train, val, test, gap });
  verdict = heldOutMetricVerdict(verdict, run, profiles, options.metricDirections) ?? verdict;
  const heldOut = verdict.heldOutRole === 'test' ? test : (val ?? test);
  const lr = run.series.find((s) => s.kind === 'lr');

  const ctx: RuleContext = {
    run,
    profiles,
    ...(train ? { train } : {}),
    ...(val ? { val } : {}),
    ...(test ? { test } : {}),
    ...(heldOut ? { heldOut } : {}),
    ...(gap ? { gap } : {}),
    verdict,
    options,
    series: (name) => byName.get(name),
    ...(lr ? { lr } : {}),
  };

  let findings = runRules(rules, ctx, options);
  // Verdict and findings tell one story: a symptom that contradicts a healthy verdict overrides it,
  // and the rules run again on the corrected verdict.
  const corrected = reconcileVerdict(verdict, findings, train);
  if (corrected) {
    verdict = corrected;
    findings = runRules(rules, { ...ctx, verdict }, options);
  }
  findings = sortFindings(findings);

  const primaryNames = primaryLossNames(run);
  const primaryRole = new Map<string, 'train' | 'val' | 'test'>();
  for (const role of ['train', 'val', 'test'] as const) {
    const name = run.primary[role];
    if (name) primaryRole.set(name, role);
  }

  return {
    name: run.name,
    sources: run.sources,
    format: run.format,
    axis: run.axis,
    series: fullRun.series.map((s, i) => {
      const p = profiles.get(s.name);
      const report: SeriesReport = p
        ? seriesReport(p, primaryRole.get(s.name) ?? null)
        : emptySeriesReport(s.name, s.role, s.kind, s.resolution?.points ?? s.x.length, primaryRole.get(s.name) ?? null);
      report.better = seriesDirection(s, primaryNames, options.metricDirections) ?? null;
      const sample = run.series[i];
      if (p && sample.resolution) report.sampling = { stride: sample.resolution.stride, analyzedPoints: sample.x.length };
      // The sample draws the same 24 buckets at a fraction of the cost.
      report.sparkline = sparkline(sample.x, sample.y);
      if (s.components) report.components = s.components;
      if (options.includeData) {
        report.data = {
          x: Array.from(s.x, finiteOrNull),
          y: Array.from(s.y, (v) => (Number.isFinite(v) ? v : String(v))),
        };
      }
      return report;
    }),
    gap: gap
      ? {
          train: gap.train,
          val: gap.val,
          startRel: finiteOrNull(gap.startRel),
          endRel: finiteOrNull(gap.endRel),
          valBelowShare: finiteOrNull(gap.valBelowShare),
          trend: trendReport(gap.trend),
          n: gap.n,
        }
      : null,
    verdict: {
      id: verdict.id,
      title: verdictTitle(verdict.id, lang),
      train: verdict.train ?? null,
      heldOut: verdict.heldOut ?? null,
      heldOutRole: verdict.heldOutRole ?? null,
      seedRow: verdict.seedRow ?? null,
      confidence: round2(verdict.confidence),
      reason: verdict.reason,
    },
    findings,
    warnings: run.warnings.map((w) => ({ code: w.code, message: w.message, line: w.line ?? null })),
    hyperparameters: fullRun.hyperparameters ?? [],
  };
}

export function buildReport(runs: RunReport[], version: string, lang: Lang = 'en'): Report {
  const count = (sev: Severity) => runs.reduce((n, r) => n + r.findings.filter((f) => f.severity === sev && !f.uncertain).length, 0);
  const uncertain = runs.reduce((n, r) => n + r.findings.filter((f) => f.uncertain).length, 0);
  const verdicts: Record<string, number> = {};
  for (const id of VERDICT_IDS) {
    const n = runs.filter((r) => r.verdict.id === id).length;
    if (n) verdicts[id] = n;
  }
  return {
    schemaVersion: 1,
    tool: { name: 'lossdoc', version },
    lang,
    runs,
    summary: { runs: summarizeRuns(runs), errors: count('error'), warnings: count('warning'), infos: count('info'), uncertain, verdicts },
  };
}

/** Run the rules on a context (skipping those configured 'off') and shape their findings. */
export function runRules(rules: readonly Rule[], context: RuleContext, options: AnalyzeRunOptions): Finding[] {
  const lang: Lang = options.lang ?? 'en';
  const out: Finding[] = [];
  for (const rule of rules) {
    const configured = options.ruleSeverity?.[rule.meta.id];
    if (configured === 'off') continue;
    const detection = rule.check(context);
    if (detection) out.push(toFinding(rule, detection, lang, configured, options.minConfidence ?? DEFAULT_MIN_CONFIDENCE));
  }
  return out;
}

/** Findings in report order: severity × confidence, then id. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => SEVERITY_RANK[b.severity] * b.confidence - SEVERITY_RANK[a.severity] * a.confidence || a.id.localeCompare(b.id),
  );
}

function toFinding(rule: Rule, d: Detection, lang: Lang, configured: Severity | undefined, minConfidence: number): Finding {
  const { meta } = rule;
  const order = d.causeOrder ?? [];
  const causes = [...meta.causes].sort((a, b) => rankOf(order, a.id) - rankOf(order, b.id));
  const remedies = d.remedyOrder
    ? d.remedyOrder.map((id) => meta.remedies.find((r) => r.id === id)).filter((r) => r !== undefined)
    : meta.remedies;
  return {
    id: meta.id,
    severity: configured ?? d.severity ?? meta.severity,
    confidence: round2(d.confidence),
    uncertain: round2(d.confidence) < minConfidence,
    title: textIn(meta.title, lang),
    message: fillTemplate(meta.message[lang], d.data, lang, meta.fragments),
    series: d.series ?? [],
    range: d.range ? { from: finiteOrNull(d.range.from), to: finiteOrNull(d.range.to), axis: d.range.axis } : null,
    best: d.best
      ? { x: finiteOrNull(d.best.x), axis: d.best.axis, value: finiteOrNull(d.best.value), series: d.best.series }
      : null,
    evidence: sanitize(d.evidence) as Record<string, unknown>,
    causes: causes.map((c) => ({ id: c.id, seed: c.seed, text: c.text[lang] })),
    remedies: remedies.map((r) => ({ id: r.id, text: fillTemplate(r.text[lang], d.data, lang, meta.fragments) })),
    seed: meta.seed,
    tags: meta.tags,
  };
}

function rankOf(order: string[], id: string): number {
  const i = order.indexOf(id);
  return i < 0 ? order.length + 1 : i;
}

/** Confidences are shown to two decimals: more would be false precision. */
function round2(v: number): number {
  return Number.isFinite(v) ? Math.round(Math.min(1, Math.max(0, v)) * 100) / 100 : 0;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function sigOrNull(v: number): number | null {
  return Number.isFinite(v) ? sig6(v) : null;
}

/** JSON-safe copy: non-finite numbers → null, numbers to 6 significant digits. */
function sanitize(value: unknown): unknown {
  if (typeof value === 'number') return sigOrNull(value);
  if (Array.isArray(value)) return value.map(sanitize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitize(v)]));
  }
  return value;
}

function trendReport(t: Trend): TrendReport {
  return {
    direction: t.direction,
    p: sigOrNull(t.p),
    tau: sigOrNull(t.tau),
    slope: sigOrNull(t.slope),
    relChange: sigOrNull(t.relChange),
    confidence: sigOrNull(t.confidence),
    from: finiteOrNull(t.from),
    to: finiteOrNull(t.to),
    n: t.n,
  };
}

function seriesReport(p: SeriesProfile, primary: 'train' | 'val' | 'test' | null): SeriesReport {
  const point = (pt: { x: number; value: number }) => ({ x: finiteOrNull(pt.x), value: sigOrNull(pt.value) });
  return {
    name: p.name,
    role: p.role,
    kind: p.kind,
    primary,
    better: null,
    points: p.n,
    sampling: null,
    sparkline: '',
    nonFinite: { count: p.nonFinite.count, first: p.nonFinite.first ? { x: finiteOrNull(p.nonFinite.first.x), value: p.nonFinite.first.value } : null },
    span: [finiteOrNull(p.span[0]), finiteOrNull(p.span[1])],
    first: point(p.first),
    last: point(p.last),
    min: point(p.min),
    max: point(p.max),
    startLevel: sigOrNull(p.startLevel),
    endLevel: sigOrNull(p.endLevel),
    noise: sigOrNull(p.noise),
    relNoise: sigOrNull(p.relNoise),
    improvement: sigOrNull(p.improvement),
    riseSinceMin: sigOrNull(p.riseSinceMin),
    trend: p.nFinite >= 4 ? trendReport(p.trend) : null,
    tail: p.nFinite >= 4 ? trendReport(p.tail) : null,
    phases: p.phases.map((ph) => ({
      from: finiteOrNull(ph.from),
      to: finiteOrNull(ph.to),
      direction: ph.direction,
      relChange: sigOrNull(ph.relChange),
    })),
  };
}

function emptySeriesReport(
  name: string,
  role: SeriesReport['role'],
  kind: SeriesReport['kind'],
  points: number,
  primary: 'train' | 'val' | 'test' | null,
): SeriesReport {
  const none = { x: null, value: null };
  return {
    name,
    role,
    kind,
    primary,
    better: null,
    points,
    sampling: null,
    sparkline: '',
    nonFinite: { count: 0, first: null },
    span: [null, null],
    first: none,
    last: none,
    min: none,
    max: none,
    startLevel: null,
    endLevel: null,
    noise: null,
    relNoise: null,
    improvement: null,
    riseSinceMin: null,
    trend: null,
    tail: null,
    phases: [],
  };
}
