/**
 * TensorBoard UI JSON download: `[[wall_time, step, value], …]`, file name
 * `run-<run>-tag-<tag>.json`. One metric named after the tag, its role hinted by the run
 * folder. Points stay in file order (restarted runs step backwards; handled downstream).
 * Also reads the multi-run form `{"<run>": [[wall_time, step, value], …], …}`.
 */
import type { RawMetric, RawRun, Role } from '../../core/types.js';
import { InputError } from '../../errors.js';
import { parseTbExportName, roleFromRun } from '../csv/tbExport.js';
import { defineParser, type LogParser } from '../types.js';
import { isObject, parseJsonDocument } from './jsonText.js';
import { runNameOf, toNumber, WarningList } from './records.js';
import { stripBom } from './sniff.js';

const NUM = String.raw`-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const VAL = String.raw`(?:${NUM}|NaN|-?Infinity|null)`;
const TRIPLE = String.raw`\[\s*${NUM}\s*,\s*${NUM}\s*,\s*${VAL}\s*\]`;
const SINGLE_RUN = new RegExp(String.raw`^\s*\[\s*${TRIPLE}`);
const MULTI_RUN = new RegExp(String.raw`^\s*\{\s*"(?:[^"\\]|\\.)*"\s*:\s*\[\s*${TRIPLE}`);

function readTriples(
  points: unknown[],
  name: string,
  roleHint: Role | undefined,
  warnings: WarningList,
): RawMetric | undefined {
  const values: number[] = [];
  const steps: number[] = [];
  const lines: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const step = Array.isArray(p) && p.length >= 3 ? toNumber(p[1]) : undefined;
    const value = Array.isArray(p) && p.length >= 3 ? toNumber(p[2]) : undefined;
    if (step === undefined || value === undefined) {
      warnings.add('bad-point', `point #${i + 1} is not a [wall_time, step, value] triple; skipped`, i + 1);
      continue;
    }
    values.push(value);
    steps.push(step);
    lines.push(i + 1);
  }
  if (values.length === 0) return undefined;
  const metric: RawMetric = {
    name,
    value: Float64Array.from(values),
    step: Float64Array.from(steps),
    line: Int32Array.from(lines),
  };
  if (roleHint !== undefined) metric.roleHint = roleHint;
  return metric;
}

export const tbExportJsonParser: LogParser = defineParser({
  id: 'tb-export-json',
  description: 'TensorBoard UI JSON download ([[wall_time, step, value], …]; run-<run>-tag-<tag>.json)',
  sniff(head, fileName) {
    try {
      const h = stripBom(head);
      if (SINGLE_RUN.test(h)) return 0.95;
      if (MULTI_RUN.test(h)) return 0.9;
      if (/^\s*\[\s*\[/.test(h)) return parseTbExportName(fileName) ? 0.9 : 0.4;
      if (/^\s*\[\s*\]\s*$/.test(h) && parseTbExportName(fileName)) return 0.9;
      return 0;
    } catch {
      return 0;
    }
  },
  parse(input) {
    const { value } = parseJsonDocument(input.name, input.bytes);
    const parts = parseTbExportName(input.name);
    const tag = parts?.tag ?? runNameOf(input.name);
    const warnings = new WarningList();
    const runs: RawRun[] = [];
    if (Array.isArray(value)) {
      const runName = parts && parts.run !== '.' ? parts.run : runNameOf(input.name);
      const metric = readTriples(value, tag, parts ? roleFromRun(parts.run) : undefined, warnings);
      if (metric) runs.push({ name: runName, metrics: [metric], warnings: warnings.finish() });
    } else if (isObject(value)) {
      for (const run of Object.keys(value)) {
        const points = value[run];
        if (!Array.isArray(points)) continue;
        const w = new WarningList();
        const metric = readTriples(points, tag, roleFromRun(run), w);
        if (metric) runs.push({ name: run, metrics: [metric], warnings: w.finish() });
      }
    } else {
      throw new InputError(input.name, 'expected [[wall_time, step, value], …] (TensorBoard JSON export)', {
        code: 'bad-format',
      });
    }
    if (runs.length === 0) {
      throw new InputError(input.name, 'no [wall_time, step, value] points found', { code: 'no-metrics' });
    }
    return { format: 'tb-export-json', runs };
  },
});
