/**
 * Scores lossdoc's findings against the labelled benchmark in fixtures/eval. Shared by
 * `npm run eval` (prints the table) and the test that keeps the published figures honest.
 */
import { readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const evalDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/eval');
export const baselinePath = resolve(dirname(fileURLToPath(import.meta.url)), 'baseline.json');

/** The figures a later change must not fall below (recall, precision) or rise above (false findings). */
export function toBaseline(result) {
  return {
    falseFindingRate: result.falseFindingRate,
    ids: Object.fromEntries(result.rows.map((r) => [r.id, { precision: Number(r.precision.toFixed(4)), recall: Number(r.recall.toFixed(4)) }])),
  };
}

export function loadManifest() {
  return JSON.parse(readFileSync(join(evalDir, 'manifest.json'), 'utf8'));
}

/**
 * @param cases manifest entries
 * @param analyzeFile (path, bytes) => Report
 * @returns per-id precision/recall, the healthy false-finding rate, and the misses for inspection
 */
export function score(cases, analyzeFile) {
  const stats = new Map();
  const stat = (id) => {
    if (!stats.has(id)) stats.set(id, { id, tp: 0, fp: 0, fn: 0 });
    return stats.get(id);
  };
  const misses = [];
  let healthy = 0;
  let healthyFlagged = 0;
  for (const c of cases) {
    const path = join(evalDir, c.file);
    const report = analyzeFile(path, readFileSync(path));
    const findings = report.runs.flatMap((r) => r.findings);
    const fired = new Set(findings.map((f) => f.id));
    for (const id of c.expect) {
      if (fired.has(id)) stat(id).tp++;
      else {
        stat(id).fn++;
        misses.push({ file: c.file, kind: 'missed', id, verdict: report.runs[0]?.verdict.id });
      }
    }
    for (const id of fired) {
      if (c.expect.includes(id) || c.allow.includes(id)) continue;
      stat(id).fp++;
      misses.push({ file: c.file, kind: 'false', id, verdict: report.runs[0]?.verdict.id });
    }
    if (c.healthy) {
      healthy++;
      if (findings.some((f) => f.severity === 'error' || f.severity === 'warning')) {
        healthyFlagged++;
        misses.push({ file: c.file, kind: 'healthy-flagged', id: findings.filter((f) => f.severity !== 'info').map((f) => f.id).join('+') });
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
  return { rows, healthy, healthyFlagged, falseFindingRate: healthy ? healthyFlagged / healthy : 0, cases: cases.length, misses };
}

export function formatTable(result) {
  const pct = (v) => `${(v * 100).toFixed(1)}%`;
  const lines = [
    '| id | expected | true pos. | false pos. | missed | precision | recall |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.rows.map((r) => `| \`${r.id}\` | ${r.tp + r.fn} | ${r.tp} | ${r.fp} | ${r.fn} | ${pct(r.precision)} | ${pct(r.recall)} |`),
  ];
  lines.push('', `${result.cases} labelled logs; healthy runs with an error/warning finding: ${result.healthyFlagged} of ${result.healthy} (${pct(result.falseFindingRate)})`);
  return lines.join('\n');
}
