/**
 * The answer first for many runs: one line per run (verdict, worst finding, best held-out loss,
 * final value, hyperparameters), best held-out loss first. Pure.
 */
import type { RunReport, RunSummary, SeriesReport } from './report-schema.js';
import { SEVERITY_RANK } from './severity.js';

function seriesNamed(run: RunReport, name: string | null): SeriesReport | undefined {
  return name === null ? undefined : run.series.find((s) => s.name === name);
}

/** The held-out loss of the run: the verdict's, else the primary validation, else the primary test loss. */
function heldOutLoss(run: RunReport): SeriesReport | undefined {
  return seriesNamed(run, run.verdict.heldOut) ?? run.series.find((s) => s.primary === 'val') ?? run.series.find((s) => s.primary === 'test');
}

export function summarizeRun(run: RunReport): RunSummary {
  const worst = run.findings.reduce<RunReport['findings'][number] | undefined>(
    (a, f) =>
      !a || SEVERITY_RANK[f.severity] > SEVERITY_RANK[a.severity] || (SEVERITY_RANK[f.severity] === SEVERITY_RANK[a.severity] && f.confidence > a.confidence) ? f : a,
    undefined,
  );
  const heldOut = heldOutLoss(run);
  const standing = heldOut ?? seriesNamed(run, run.verdict.train) ?? run.series.find((s) => s.primary === 'train');
  return {
    name: run.name,
    verdict: run.verdict.id,
    worstFinding: worst ? { id: worst.id, severity: worst.severity, confidence: worst.confidence, title: worst.title } : null,
    bestHeldOut: heldOut && heldOut.min.value !== null ? { series: heldOut.name, x: heldOut.min.x, value: heldOut.min.value } : null,
    final: standing && standing.last.value !== null ? { series: standing.name, x: standing.last.x, value: standing.last.value } : null,
    hyperparameters: run.hyperparameters,
  };
}

/** One summary per run, lowest best held-out loss first; runs without one keep their order at the end. */
export function summarizeRuns(runs: readonly RunReport[]): RunSummary[] {
  const rows = runs.map((run, i) => ({ i, row: summarizeRun(run) }));
  rows.sort((a, b) => {
    const va = a.row.bestHeldOut?.value ?? null;
    const vb = b.row.bestHeldOut?.value ?? null;
    if (va === null || vb === null) return va === null && vb === null ? a.i - b.i : va === null ? 1 : -1;
    return va - vb || a.i - b.i;
  });
  return rows.map((r) => r.row);
}
