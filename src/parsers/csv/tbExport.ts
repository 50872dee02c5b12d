/**
 * TensorBoard UI CSV download: `Wall time,Step,Value` (Python csv.writer, CRLF), file name
 * `run-<run>-tag-<tag>.csv`. One metric named after the tag; the run folder hints its role.
 */
import type { Role } from '../../core/types.js';
import { InputError } from '../../errors.js';
import { baseName } from '../text.js';
import { defineParser, type LogParser } from '../types.js';
import { collect, type TablePlan } from './collect.js';
import { collectFast } from './fast.js';
import { stem } from './tabular.js';
import { openTable, sniffTable } from './table.js';

const EXACT_HEADER = ['Wall time', 'Step', 'Value'];

/**
 * `run-<run>-tag-<tag>.csv` (possibly with a prefix, or a browser's ` (1)` suffix) → parts.
 * Browsers write `/` in run and tag names as `_`.
 */
export function parseTbExportName(name: string): { run: string; tag: string } | undefined {
  const base = baseName(name);
  const m = /(?:^|[^A-Za-z0-9])run-(.+?)-tag-(.+?)(?:\s*\(\d+\))?\.(?:csv|json)$/i.exec(base);
  if (!m) return undefined;
  return { run: m[1], tag: m[2] };
}

/** A Map: the key is text from a file name (`constructor` must not find Object's). */
const ROLE_WORDS = new Map<string, Role>([
  ['train', 'train'],
  ['training', 'train'],
  ['validation', 'val'],
  ['val', 'val'],
  ['valid', 'val'],
  ['eval', 'val'],
  ['evaluation', 'val'],
  ['test', 'test'],
]);

/** Role from the run folder's last path segment (`logs/fit/…/validation` → `…_validation`). */
export function roleFromRun(run: string): Role | undefined {
  const parts = run.toLowerCase().split(/[\\/_]+/).filter((p) => p !== '');
  const last = parts[parts.length - 1];
  return last === undefined ? undefined : ROLE_WORDS.get(last);
}

export const tbExportCsvParser: LogParser = defineParser({
  id: 'tb-export-csv',
  description: 'TensorBoard UI CSV download (Wall time,Step,Value; run-<run>-tag-<tag>.csv)',
  sniff(head, fileName) {
    const t = sniffTable(head);
    if (!t) return 0;
    if (t.delimiter === ',' && t.header.length === 3) {
      if (t.header.every((h, k) => h === EXACT_HEADER[k])) return 0.95;
      if (t.header.every((h, k) => h.toLowerCase() === EXACT_HEADER[k].toLowerCase())) return 0.9;
      if (parseTbExportName(fileName) && t.header.some((h) => h.toLowerCase() === 'value')) return 0.7;
    }
    return 0;
  },
  parse(input) {
    const plan = (header: string[], headerLine: number): TablePlan => {
      const lower = header.map((h) => h.toLowerCase());
      const stepCol = lower.indexOf('step');
      const valueCol = lower.indexOf('value');
      if (valueCol < 0) {
        throw new InputError(input.name, "not a TensorBoard CSV export: no 'Value' column (expected Wall time,Step,Value)", {
          code: 'bad-format',
          line: headerLine,
        });
      }
      const parts = parseTbExportName(input.name);
      const tag = parts?.tag ?? stem(input.name);
      const runName = parts && parts.run !== '.' ? parts.run : stem(input.name);
      const roleHint = parts ? roleFromRun(parts.run) : undefined;
      return {
        groups: [{ name: runName, stepCol, epochCol: -1 }],
        metrics: [{ col: valueCol, group: 0, name: tag, ...(roleHint ? { roleHint } : {}) }],
      };
    };
    const fast = collectFast(input, plan);
    if (fast) return { format: 'tb-export-csv', runs: fast };
    const table = openTable(input);
    const runs = collect(table, plan(table.header, table.headerLine));
    return { format: 'tb-export-csv', runs };
  },
});
