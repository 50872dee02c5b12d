/**
 * Scores lossdoc against labelled logs. One scorer serves the three benchmarks `npm run eval`
 * prints (and the test that keeps their figures honest): the synthetic logs in fixtures/eval,
 * the really-trained runs in fixtures/real-runs, and the labelled corpus of real logs
 * (test/eval/corpus-labels.json, when it and ../shared/corpus exist).
 *
 * Every labelled case is normalised to { id, verdict, verdictAlso, findings, allow, healthy }:
 * the verdict (the report's `runs[i].verdict.id`) is scored on its own; findings are scored per id,
 * where the verdict also counts as a finding id (lossdoc emits it as one) and the acceptable
 * alternative verdicts count as allowed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const evalDir = resolve(here, '../../fixtures/eval');
export const realRunsDir = resolve(here, '../../fixtures/real-runs');
export const corpusDir = resolve(here, '../../../shared/corpus');
export const corpusLabelsPath = resolve(here, 'corpus-labels.json');
export const baselinePath = resolve(here, 'baseline.json');

export const VERDICT_IDS = ['still-learning', 'converged', 'overfitting', 'not-learning', 'data-problem', 'diverging', 'insufficient-data'];
const isVerdict = (id) => VERDICT_IDS.includes(id);

/**
 * The benchmarks that are present, each { key, title, cases, analyze(case) → RunReport }.
 * `api` is lossdoc's library (dist or src) plus `readInputs` from its io layer.
 */
export function loadBenchmarks(api) {
  const benchmarks = [syntheticBenchmark(api), realRunsBenchmark(api)];
  const corpus = corpusBenchmark(api);
  return { benchmarks: corpus.benchmark ? [...benchmarks, corpus.benchmark] : benchmarks, notes: corpus.note ? [corpus.note] : [] };
}

function syntheticBenchmark(api) {
  const manifest = JSON.parse(readFileSync(join(evalDir, 'manifest.json'), 'utf8'));
  return {
    key: 'synthetic',
    title: 'Synthetic logs (fixtures/eval)',
    cases: manifest.map((c) => ({
      id: c.file,
      verdict: c.expect.find(isVerdict),
      verdictAlso: c.allow.filter(isVerdict),
      findings: c.expect.filter((id) => !isVerdict(id)),
      allow: c.allow,
      healthy: c.healthy,
    })),
    analyze: (c) => {
      const path = join(evalDir, c.id);
      return api.analyze([{ name: path, bytes: readFileSync(path) }]).runs[0];
    },
  };
}

function realRunsBenchmark(api) {
  const manifest = JSON.parse(readFileSync(join(realRunsDir, 'manifest.json'), 'utf8'));
  return {
    key: 'real',
    title: 'Really-trained runs (fixtures/real-runs)',
    cases: manifest.map((c) => ({ id: c.file, format: c.format, scenario: c.scenario, verdict: c.verdict, verdictAlso: c.verdictAlso, findings: c.findings, allow: c.allow, healthy: c.healthy })),
    analyze: (c) => analyzePath(api, join(realRunsDir, c.id), null),
  };
}

function corpusBenchmark(api) {
  if (!existsSync(corpusLabelsPath)) return { note: 'Corpus labels: skipped (test/eval/corpus-labels.json is absent).' };
  if (!existsSync(corpusDir)) return { note: 'Corpus labels: skipped (../shared/corpus is absent).' };
  const labels = JSON.parse(readFileSync(corpusLabelsPath, 'utf8'));
  // Many labels name runs of one file (a W&B export holds a dozen): each path is read and analysed once.
  const reports = new Map();
  const reportOf = (path) => {
    if (!reports.has(path)) {
      try {
        reports.set(path, { report: readAndAnalyze(api, path) });
      } catch (error) {
        reports.set(path, { error });
      }
    }
    const cached = reports.get(path);
    if (cached.error !== undefined) throw cached.error;
    return cached.report;
  };
  return {
    benchmark: {
      key: 'corpus',
      title: 'Labelled real logs (../shared/corpus)',
      cases: labels.runs.map((r) => ({
        id: r.run ? `${r.path} :: ${r.run}` : r.path,
        path: r.path,
        run: r.run,
        verdict: r.verdict,
        verdictAlso: [],
        findings: r.findings.filter((id) => id !== r.verdict),
        allow: r.allow ?? [],
        healthy: r.healthy,
      })),
      analyze: (c) => pickRun(reportOf(join(corpusDir, c.path)), c.run),
    },
  };
}

/** Read a file or folder as the CLI does and analyse it; the run named `run`, or the only one. */
function analyzePath(api, path, run) {
  return pickRun(readAndAnalyze(api, path), run);
}

/** The report of a file or folder read as the CLI does; throws the first read or load error. */
function readAndAnalyze(api, path) {
  const read = api.readInputs([path]);
  if (read.errors.length > 0) throw read.errors[0];
  const loaded = api.loadRuns(read.inputs);
  if (loaded.errors.length > 0) throw loaded.errors[0];
  return api.analyzeRuns(loaded.runs);
}

/** The run of `report` named `run`, or its only run when `run` is null. */
function pickRun(report, run) {
  if (run == null) {
    if (report.runs.length !== 1) throw new Error(`${report.runs.length} runs found where one was expected`);
    return report.runs[0];
  }
  // A file holding several runs names them `<path> :: <run>`; a label may give either form.
  // A file split into appended runs names them `<path>#k`: its file name with `#k` works too.
  const names = (name) => [name, name.split(' :: ').pop(), name.split('/').pop(), relative(corpusDir, name.split(' :: ')[0]) + (name.includes(' :: ') ? ` :: ${name.split(' :: ').pop()}` : '')];
  const found = report.runs.find((r) => names(r.name).includes(run));
  if (!found) throw new Error(`no run named ${run} (found: ${report.runs.map((r) => r.name).join(', ')})`);
  return found;
}

/** Corpus label for an input with no training curve at all: lossdoc must refuse it (exit 2, one line), not diagnose it. */
const NO_CURVE = 'no-curve';

/**
 * @returns verdict agreement, required-findings recall, per-id precision/recall, healthy runs
 * flagged with a warning or error, unreadable cases and every miss.
 */
export function score(benchmark) {
  const stats = new Map();
  const stat = (id) => {
    if (!stats.has(id)) stats.set(id, { id, tp: 0, fp: 0, fn: 0 });
    return stats.get(id);
  };
  const misses = [];
  let verdicts = 0;
  let verdictHits = 0;
  let required = 0;
  let requiredHits = 0;
  let healthy = 0;
  const healthyFlaggedRuns = [];
  let unreadable = 0;
  // Runs that log a held-out quality metric (accuracy, mAP, WER …): the cases where metric
  // evidence can change the diagnosis, scored on their own as well.
  const metricAware = { runs: 0, verdicts: 0, verdictHits: 0, required: 0, requiredHits: 0, readTheMetric: 0 };
  for (const c of benchmark.cases) {
    let run;
    let refused = false;
    try {
      run = benchmark.analyze(c);
    } catch (error) {
      // A label `no-curve` expects exactly this: the input refused with a one-line error naming it.
      refused = typeof error?.code === 'string';
      if (!(refused && c.verdict === NO_CURVE)) {
        unreadable++;
        misses.push({ file: c.id, kind: 'unreadable', id: String(error.message ?? error).split('\n')[0] });
      }
    }
    const actual = run?.verdict.id ?? (refused ? NO_CURVE : undefined);
    const acceptable = [c.verdict, ...c.verdictAlso].filter(Boolean);
    if (acceptable.length > 0) {
      verdicts++;
      if (acceptable.includes(actual)) verdictHits++;
      else misses.push({ file: c.id, kind: 'verdict', id: `${actual ?? 'none'} (expected ${acceptable.join(' or ')})` });
    }
    const findings = run?.findings ?? [];
    const fired = new Set(findings.map((f) => f.id));
    const withMetric = hasHeldOutMetric(run);
    if (withMetric) {
      metricAware.runs++;
      if (acceptable.length > 0) {
        metricAware.verdicts++;
        if (acceptable.includes(actual)) metricAware.verdictHits++;
      }
      const needed = c.findings.filter((id) => !isVerdict(id));
      metricAware.required += needed.length;
      metricAware.requiredHits += needed.filter((id) => fired.has(id)).length;
      if (readsTheMetric(run)) metricAware.readTheMetric++;
    }
    const expected = c.verdict && c.verdict !== NO_CURVE ? [...c.findings, c.verdict] : c.findings;
    for (const id of expected) {
      const hit = fired.has(id);
      if (!isVerdict(id)) {
        required++;
        if (hit) requiredHits++;
      }
      if (hit) stat(id).tp++;
      else {
        stat(id).fn++;
        misses.push({ file: c.id, kind: 'missed', id, verdict: actual });
      }
    }
    for (const id of fired) {
      if (expected.includes(id) || c.allow.includes(id) || c.verdictAlso.includes(id)) continue;
      stat(id).fp++;
      misses.push({ file: c.id, kind: 'false', id, verdict: actual });
    }
    if (c.healthy) {
      healthy++;
      const loud = findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
      if (loud.length > 0) {
        healthyFlaggedRuns.push(c.id);
        misses.push({ file: c.id, kind: 'healthy-flagged', id: loud.map((f) => f.id).join('+') });
      }
    }
  }
  const rows = [...stats.values()]
    .map((s) => ({
      ...s,
      precision: s.tp + s.fp ? s.tp / (s.tp + s.fp) : 1,
      recall: s.tp + s.fn ? s.tp / (s.tp + s.fn) : 1,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
  return {
    rows,
    cases: benchmark.cases.length,
    verdicts,
    verdictAgreement: verdicts ? verdictHits / verdicts : 1,
    required,
    requiredRecall: required ? requiredHits / required : 1,
    healthy,
    healthyFlagged: healthyFlaggedRuns.length,
    healthyFlaggedRuns,
    unreadable,
    misses,
    metricAware: {
      runs: metricAware.runs,
      verdicts: metricAware.verdicts,
      verdictAgreement: metricAware.verdicts ? metricAware.verdictHits / metricAware.verdicts : 1,
      required: metricAware.required,
      requiredRecall: metricAware.required ? metricAware.requiredHits / metricAware.required : 1,
      readTheMetric: metricAware.readTheMetric,
    },
  };
}

/** The run's report has a validation or test series whose direction says it is a quality metric. */
function hasHeldOutMetric(run) {
  return (run?.series ?? []).some((s) => s.kind === 'metric' && s.better && (s.role === 'val' || s.role === 'test'));
}

/** The diagnosis used the metric: a verdict kept by it, or a finding that quotes it as evidence. */
function readsTheMetric(run) {
  if (run.verdict.metric) return true;
  return run.findings.some(
    (f) => f.id === 'metric-collapse' || f.evidence?.heldOutMetric || f.evidence?.metricAtWorst || (f.id === 'chance-level' && f.evidence?.accuracy),
  );
}

const round = (v) => Number(v.toFixed(4));

/**
 * The figures a later change must not fall below (agreement, recall, precision), and the healthy
 * runs that are known to get a warning or error finding: no other healthy run may get one.
 */
export function toBaseline(result) {
  return {
    verdictAgreement: round(result.verdictAgreement),
    requiredRecall: round(result.requiredRecall),
    healthyFlagged: result.healthyFlagged,
    healthyFlaggedRuns: result.healthyFlaggedRuns,
    metricAware: { verdictAgreement: round(result.metricAware.verdictAgreement), requiredRecall: round(result.metricAware.requiredRecall) },
    ids: Object.fromEntries(result.rows.map((r) => [r.id, { precision: round(r.precision), recall: round(r.recall) }])),
  };
}

function metricAwareLine(m, pct) {
  if (m.runs === 0) return 'Runs with a held-out quality metric: none.';
  return (
    `Runs with a held-out quality metric (accuracy, mAP, WER …): ${m.runs}. Verdict agreement ${pct(m.verdictAgreement)} ` +
    `(${Math.round(m.verdictAgreement * m.verdicts)} of ${m.verdicts}), required-findings recall ${pct(m.requiredRecall)} ` +
    `(${Math.round(m.requiredRecall * m.required)} of ${m.required}); the diagnosis quotes or follows the metric in ${m.readTheMetric}.`
  );
}

export function formatTable(title, result) {
  const pct = (v) => `${(v * 100).toFixed(1)}%`;
  const lines = [
    `### ${title}`,
    '',
    `${result.cases} labelled runs. Verdict agreement: ${pct(result.verdictAgreement)} (${Math.round(result.verdictAgreement * result.verdicts)} of ${result.verdicts}). ` +
      `Required-findings recall: ${pct(result.requiredRecall)} (${Math.round(result.requiredRecall * result.required)} of ${result.required}). ` +
      `Healthy runs with an error/warning finding: ${result.healthyFlagged} of ${result.healthy}.` +
      (result.unreadable ? ` Unreadable: ${result.unreadable}.` : ''),
    '',
    '| id | expected | true pos. | false pos. | missed | precision | recall |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.rows.map((r) => `| \`${r.id}\` | ${r.tp + r.fn} | ${r.tp} | ${r.fp} | ${r.fn} | ${pct(r.precision)} | ${pct(r.recall)} |`),
    '',
    metricAwareLine(result.metricAware, pct),
  ];
  return lines.join('\n');
}
