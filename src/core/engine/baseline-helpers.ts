/** What the baseline rules (rules/regression-*.ts) share: causes, remedies, wording helpers. Pure. */
import { severityFor, type CurveComparison, type Tolerance } from '../baseline.js';
import { sig6, signedPercent } from '../number-format.js';
import { bySeverityDesc } from '../severity.js';
import type { Severity } from '../types.js';
import type { CauseDef, Detection, RemedyDef, RuleContext } from './define-rule.js';
import { ref } from './messages.js';
import { num } from './rule-helpers.js';
import { defineOptions } from './rule-options.js';

/** Tag of every baseline rule: `lossdoc rules` marks them, `analyze` runs them only with --baseline. */
export const BASELINE_TAG = 'regression';

export const REGRESSION_CAUSES: CauseDef[] = [
  {
    id: 'changed-between-runs',
    seed: '',
    text: {
      en: 'A change between the two runs: code, config (learning rate, batch size, schedule), data or dependencies',
      zh: '两次运行之间的改动：代码、配置（学习率、批大小、调度）、数据或依赖',
    },
  },
  { id: 'run-to-run-noise', seed: '', text: { en: 'Run-to-run noise larger than the tolerance (different seed, non-deterministic kernels)', zh: '运行间波动大于容差（随机种子不同、非确定性算子）' } },
];

export const REGRESSION_REMEDIES: RemedyDef[] = [
  { id: 'diff-runs', text: { en: 'Diff the two runs’ code and config; the change between them is the first suspect (bisect if needed)', zh: '对比两次运行的代码和配置；它们之间的改动是首要嫌疑（必要时二分查找）' } },
  { id: 'update-baseline', text: { en: 'If the change is intended, make this run the new baseline', zh: '如果改动是有意的，把这次运行设为新基线' } },
  { id: 'widen-tolerance', text: { en: 'If reruns of the same commit differ this much, widen the tolerance (config "compare") or fix the seed', zh: '如果同一提交的重跑差异就有这么大，放宽容差（配置 "compare"）或固定随机种子' } },
];

/** Options of a measure rule: its tolerance, warning and error levels (null: never). */
export function toleranceOptions(defaults: Tolerance) {
  return defineOptions({ warning: defaults.warning, error: defaults.error }, (z) => ({
    warning: z.number().nonnegative().nullable(),
    error: z.number().nonnegative().nullable(),
  }));
}

/** A relative change as a signed percentage (3 significant digits); infinite worsening is "+∞%". */
export function signedPct(v: number): string {
  return Number.isFinite(v) ? signedPercent(v, 3) : v > 0 ? '+∞%' : '–';
}

/** The numbers behind a measure finding: both runs' aligned curves, by role. */
function curveEvidence(c: CurveComparison): Record<string, unknown> {
  return { current: c.current, baseline: c.baseline, range: [c.from, c.to], points: c.points, final: c.final, best: c.best, meanRelativeGap: c.area.rel };
}

/** One measure of the aligned curves (final level, best level, mean gap) for a measure rule. */
export interface Measure {
  /** Relative worsening of a curve (0.1: 10 % worse than the baseline's). */
  rel(c: CurveComparison): number;
  /** Template values for the worst curve, besides the shared ones. */
  data(c: CurveComparison): Record<string, string>;
  /** Report where the run's best was (best-loss). */
  best?: boolean;
}

/**
 * A measure rule's check: the curves worse than the baseline's beyond the tolerance, the worst
 * first (error before warning, then by how much); the message quotes the worst. `tol`: the rule's options.
 */
export function checkMeasure(ctx: RuleContext, m: Measure, tol: Tolerance): Detection | undefined {
  const b = ctx.baseline;
  if (!b?.reference) return undefined;
  const worse = b.curves
    .map((c) => {
      const rel = m.rel(c);
      return { c, rel, sev: severityFor(rel, tol) };
    })
    .filter((w): w is { c: CurveComparison; rel: number; sev: Severity } => w.sev !== undefined)
    .sort((x, y) => bySeverityDesc(x.sev, y.sev) || y.rel - x.rel);
  if (worse.length === 0) return undefined;
  const top = worse[0];
  const c = top.c;
  const others = worse.slice(1).map((w) => `${w.c.current} ${signedPct(w.rel)}`);
  return {
    confidence: 1,
    severity: top.sev,
    data: {
      current: c.current,
      baseline: c.baseline,
      rel: signedPct(top.rel),
      limit: signedPct((top.sev === 'error' ? tol.error : tol.warning) ?? 0),
      axis: c.axis,
      from: num(c.from),
      to: num(c.to),
      also: others.length ? ref('regression.also', { list: others.join(', ') }) : '',
      ...m.data(c),
    },
    series: worse.map((w) => w.c.current),
    range: { from: sig6(c.from), to: sig6(c.to), axis: c.axis },
    ...(m.best ? { best: { x: sig6(c.best.x), axis: c.axis, value: sig6(c.best.current), series: c.current } } : {}),
    evidence: {
      baseline: b.reference.run.name,
      tolerance: { warning: tol.warning, error: tol.error },
      curves: Object.fromEntries(b.curves.map((curve) => [curve.role, curveEvidence(curve)])),
    },
  };
}
