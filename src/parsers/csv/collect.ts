/**
 * Turn a Table into RawRuns following a column plan: which columns are values, which give the
 * step/epoch of each point, and which run each column belongs to. Pure; linear in the input.
 */
import { axisOfName } from '../axis-columns.js';
import type { RawMetric, RawRun, Role } from '../../core/types.js';
import { InputError } from '../../errors.js';
import { parseCell, WarningSink, type Table } from './table.js';

export interface GroupPlan {
  /** Becomes RawRun.name. */
  name: string;
  /** Column giving each point's step / epoch, or -1. */
  stepCol: number;
  epochCol: number;
}

export interface MetricPlan {
  col: number;
  group: number;
  name: string;
  roleHint?: Role;
}

export interface TablePlan {
  groups: GroupPlan[];
  metrics: MetricPlan[];
}

export interface CollectOptions {
  /**
   * Warn ('restart') when the x of the first group goes back: a later run appended to the same
   * file (Keras append=True) or a resumed run (YOLO). With `strict`, a repeated x counts too.
   * A repeated header line also starts a new segment.
   */
  restart?: { axis: 'step' | 'epoch'; strict: boolean };
}

/**
 * One run: every non-axis column is a metric; the first step-like and epoch-like columns are x,
 * wall-clock columns are left out.
 */
export function singleRunPlan(header: string[], runName: string): TablePlan {
  let stepCol = -1;
  let epochCol = -1;
  const metrics: MetricPlan[] = [];
  header.forEach((name, col) => {
    const kind = axisOfName(name);
    if (kind === 'step') {
      if (stepCol < 0) stepCol = col;
    } else if (kind === 'epoch') {
      if (epochCol < 0) epochCol = col;
    } else if (kind === undefined) {
      metrics.push({ col, group: 0, name });
    }
  });
  return { groups: [{ name: runName, stepCol, epochCol }], metrics };
}

const BAD_SAMPLES = 5;

export class ColumnStats {
  numeric = 0;
  bad = 0;
  readonly badAt: { line: number; text: string }[] = [];

  noteBad(line: number, text: string): void {
    this.bad++;
    if (this.badAt.length < BAD_SAMPLES) this.badAt.push({ line, text: text.trim() });
  }
}

class MetricAcc extends ColumnStats {
  readonly values: number[] = [];
  readonly steps: number[] = [];
  readonly epochs: number[] = [];
  readonly lines: number[] = [];
  constructor(readonly plan: MetricPlan) {
    super();
  }
}

function shorten(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Report bad cells of one column; returns false when the column is text and must be dropped. */
export function reportColumn(stats: ColumnStats, name: string, headerLine: number, sink: WarningSink, isX: boolean): boolean {
  if (stats.bad === 0) return true;
  if (stats.numeric === 0 || stats.bad > stats.numeric) {
    const sample = stats.badAt[0] ? ` (e.g. '${shorten(stats.badAt[0].text)}' at line ${stats.badAt[0].line})` : '';
    sink.add(
      'non-numeric-column',
      `column '${name}' holds text, not numbers${sample}; ${isX ? 'not used as x' : 'ignored'}`,
      headerLine,
    );
    return false;
  }
  for (const { line, text } of stats.badAt) {
    sink.add(
      'non-numeric-cell',
      `'${shorten(text)}' in column '${name}' is not a number; ${isX ? 'its x is unknown' : 'point skipped'}`,
      line,
    );
  }
  if (stats.bad > stats.badAt.length) {
    sink.add('non-numeric-cell', `column '${name}' has ${stats.bad - stats.badAt.length} more non-numeric cells`);
  }
  return true;
}

/** Read every row of `table` into runs according to `plan`. */
export function collect(table: Table, plan: TablePlan, options: CollectOptions = {}): RawRun[] {
  const decimalComma = table.delimiter !== ',';
  const accs = plan.metrics.map((m) => new MetricAcc(m));

  // Distinct x columns, parsed once per row.
  const xCols: number[] = [];
  const xIndex = (col: number): number => {
    if (col < 0) return -1;
    let k = xCols.indexOf(col);
    if (k < 0) k = xCols.push(col) - 1;
    return k;
  };
  const groupStep = plan.groups.map((g) => xIndex(g.stepCol));
  const groupEpoch = plan.groups.map((g) => xIndex(g.epochCol));
  const xStats = xCols.map(() => new ColumnStats());
  const xVal = new Float64Array(xCols.length);

  const restart = options.restart;
  const restartX = restart ? (restart.axis === 'step' ? groupStep[0] : groupEpoch[0]) : -1;
  let prevX = Number.NaN;
  let headerAgainAt = -1;
  let rows = 0;

  table.forEachRow(
    (cells, line) => {
      rows++;
      for (let k = 0; k < xCols.length; k++) {
        const raw = cells[xCols[k]];
        const v = raw === undefined ? undefined : parseCell(raw, decimalComma);
        if (typeof v === 'number') {
          xVal[k] = v;
          xStats[k].numeric++;
        } else {
          xVal[k] = Number.NaN;
          if (v === null) xStats[k].noteBad(line, raw);
        }
      }

      if (restart) {
        const x = restartX >= 0 ? xVal[restartX] : Number.NaN;
        const axis = restart.axis;
        if (headerAgainAt >= 0) {
          table.warnings.add(
            'restart',
            `the header is repeated at line ${headerAgainAt}: another run appended to the same file starts here` +
              (Number.isNaN(x) ? '' : ` (${axis} ${x})`),
            line,
          );
          headerAgainAt = -1;
        } else if (!Number.isNaN(x) && !Number.isNaN(prevX) && (x < prevX || (restart.strict && x === prevX))) {
          table.warnings.add(
            'restart',
            `${axis} goes back from ${prevX} to ${x}: a restarted or appended run starts here (later points replace earlier ones)`,
            line,
          );
        }
        if (!Number.isNaN(x)) prevX = x;
      }

      for (let m = 0; m < accs.length; m++) {
        const acc = accs[m];
        const raw = cells[acc.plan.col];
        if (raw === undefined) continue;
        const v = parseCell(raw, decimalComma);
        if (v === undefined) continue;
        if (v === null) {
          acc.noteBad(line, raw);
          continue;
        }
        acc.numeric++;
        acc.values.push(v);
        const g = acc.plan.group;
        if (groupStep[g] >= 0) acc.steps.push(xVal[groupStep[g]]);
        if (groupEpoch[g] >= 0) acc.epochs.push(xVal[groupEpoch[g]]);
        acc.lines.push(line);
      }
    },
    restart
      ? (line) => {
          headerAgainAt = line;
        }
      : undefined,
  );

  if (rows === 0) {
    throw new InputError(table.source, 'no data rows', { code: 'no-data', line: table.headerLine });
  }

  const sinks = plan.groups.map((_, g) => (g === 0 ? table.warnings : new WarningSink()));
  xCols.forEach((col, k) => {
    const g = Math.max(0, groupStep.indexOf(k) >= 0 ? groupStep.indexOf(k) : groupEpoch.indexOf(k));
    reportColumn(xStats[k], table.header[col], table.headerLine, sinks[g], true);
  });

  const metricsByGroup: RawMetric[][] = plan.groups.map(() => []);
  let sawNumeric = false;
  for (const acc of accs) {
    const g = acc.plan.group;
    const keep = reportColumn(acc, table.header[acc.plan.col], table.headerLine, sinks[g], false);
    if (!keep || acc.values.length === 0) continue;
    sawNumeric = true;
    const metric: RawMetric = {
      name: acc.plan.name,
      value: Float64Array.from(acc.values),
      line: Int32Array.from(acc.lines),
    };
    if (groupStep[g] >= 0) metric.step = Float64Array.from(acc.steps);
    if (groupEpoch[g] >= 0) metric.epoch = Float64Array.from(acc.epochs);
    if (acc.plan.roleHint) metric.roleHint = acc.plan.roleHint;
    metricsByGroup[g].push(metric);
  }

  if (!sawNumeric) {
    throw new InputError(
      table.source,
      plan.metrics.length === 0 ? 'no value column (only step/epoch columns)' : 'no numeric column',
      { code: 'no-numeric', line: table.headerLine },
    );
  }

  const runs: RawRun[] = [];
  plan.groups.forEach((group, g) => {
    if (metricsByGroup[g].length === 0) {
      if (g > 0) table.warnings.add('empty-run', `run '${group.name}' has no values in this file; skipped`);
      return;
    }
    runs.push({ name: group.name, metrics: metricsByGroup[g], warnings: g === 0 ? [] : sinks[g].finish() });
  });
  // File-level warnings (header, ragged rows, restarts, …) go to the first run that is kept.
  runs[0].warnings = [...table.warnings.finish(), ...runs[0].warnings];
  return runs;
}
