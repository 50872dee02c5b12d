/**
 * The fast path's counterpart of `collect()` (collect.ts) and of openTable's `forEachRow`
 * wrapper: the same per-row decisions (repeated header, ragged rows, restarts, bad cells, x of
 * each point) and the same warnings in the same order, fed with typed cell values by the byte
 * scanner (fast-scan.ts) instead of strings. Storage is columnar: one growable Float64Array per
 * metric, and per x column / source line one array shared by every metric that has a value in
 * every row (no per-row objects). Pure.
 */
import type { RawMetric, RawRun } from '../../core/types.js';
import { grownTo } from '../typed-arrays.js';
import { ColumnStats, reportColumn, type CollectOptions, type TablePlan } from './collect.js';
import { parseCell, WarningSink, warnRagged } from './table.js';

/** Cell kinds, as the scanner reports them (and as `parseCell` would classify the cell). */
export const NUM = 0;
/** Empty / NA / null: no value logged (parseCell → undefined). */
export const MISSING = 1;
/** Not a number (parseCell → null). Only in text rows. */
export const BAD = 2;
/** The row has no such cell (fewer fields than the header). */
export const ABSENT = 3;

/** Thrown (and caught by fast.ts) when the fast path cannot reproduce the exact result. */
export class FastFallback extends Error {
  constructor(readonly reason: string) {
    super(`fast CSV path not applicable: ${reason}`);
  }
}

class Acc extends ColumnStats {
  values: Float64Array;
  count = 0;
  /** Row numbers (into the per-row arrays) of the values, once the metric skipped a row. */
  rows: Int32Array | undefined;
  constructor(
    readonly col: number,
    readonly group: number,
    readonly name: string,
    readonly roleHint: RawMetric['roleHint'],
    capacity: number,
  ) {
    super();
    this.values = new Float64Array(capacity);
  }
}

function grown<T extends Float64Array | Int32Array>(arr: T, need: number, hint: number): T {
  let cap = Math.max(need, Math.ceil(arr.length * 1.5), 1024);
  if (hint > need && hint < cap) cap = hint;
  return grownTo(arr, cap);
}

/** Exact-length array: a view when little is wasted, else a copy (so a sparse column does not pin a big buffer). */
function trimmed<T extends Float64Array | Int32Array>(arr: T, n: number): T {
  if (arr.length === n) return arr;
  if (arr.length - n <= arr.length / 8) return arr.subarray(0, n) as T;
  return arr.slice(0, n) as T;
}

function gather(src: Float64Array, idx: Int32Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = src[idx[i]];
  return out;
}

function gatherInt(src: Int32Array, idx: Int32Array, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = src[idx[i]];
  return out;
}

/**
 * `metric.line` of a table whose rows are on consecutive lines: built on first use (only
 * warnings need it), so a clean file does not hold a line number per row.
 */
function implicitLines(metric: RawMetric, firstLine: number, rowOf: Int32Array | undefined, n: number): void {
  Object.defineProperty(metric, 'line', {
    enumerable: true,
    configurable: true,
    get(): Int32Array {
      const line = new Int32Array(n);
      for (let i = 0; i < n; i++) line[i] = firstLine + (rowOf ? rowOf[i] : i);
      Object.defineProperty(metric, 'line', { value: line, enumerable: true, writable: true, configurable: true });
      return line;
    },
  });
}

export interface HeaderInfo {
  source: string;
  delimiter: string;
  /** Clean, unique names (cleanHeader). */
  header: string[];
  /** The header's cells as split, trimmed (for the repeated-header test). */
  rawHeader: string[];
  headerLine: number;
  warnings: WarningSink;
}

export class FastCollector {
  /** Per column: 1 when the plan reads it (x or metric). */
  readonly needed: Uint8Array;
  readonly width: number;
  private readonly decimalComma: boolean;
  private readonly accs: Acc[];
  private readonly xCols: number[] = [];
  private readonly groupStep: number[];
  private readonly groupEpoch: number[];
  private readonly xStats: ColumnStats[];
  private readonly xVal: Float64Array;
  /** Per distinct x column, its value in every row (NaN where unknown). */
  private xRows: Float64Array[];
  /**
   * Source line of every row, once some row is not on the line after the previous one (a blank
   * line, a skipped text row); until then row r is on line firstLine + r and nothing is stored.
   */
  private lineRows: Int32Array | undefined;
  private firstLine = 0;
  private rowCap: number;
  private rows = 0;
  private readonly restartX: number;
  private prevX = Number.NaN;
  private headerAgainAt = -1;
  // Scratch row for text rows.
  private readonly tKinds: Uint8Array;
  private readonly tVals: Float64Array;

  constructor(
    private readonly info: HeaderInfo,
    private readonly plan: TablePlan,
    private readonly options: CollectOptions,
    /** Expected number of data rows (preallocation); updated by the scanner as it reads. */
    public rowsHint: number,
  ) {
    const width = info.header.length;
    this.width = width;
    this.decimalComma = info.delimiter !== ',';
    const cap = Math.max(1024, Math.ceil(rowsHint));
    this.rowCap = cap;
    this.accs = plan.metrics.map((m) => new Acc(m.col, m.group, m.name, m.roleHint, cap));
    const xIndex = (col: number): number => {
      if (col < 0) return -1;
      let k = this.xCols.indexOf(col);
      if (k < 0) k = this.xCols.push(col) - 1;
      return k;
    };
    this.groupStep = plan.groups.map((g) => xIndex(g.stepCol));
    this.groupEpoch = plan.groups.map((g) => xIndex(g.epochCol));
    this.xStats = this.xCols.map(() => new ColumnStats());
    this.xVal = new Float64Array(this.xCols.length);
    this.xRows = this.xCols.map(() => new Float64Array(cap));
    const restart = options.restart;
    this.restartX = restart ? (restart.axis === 'step' ? this.groupStep[0] : this.groupEpoch[0]) : -1;

    this.needed = new Uint8Array(width);
    for (const col of this.xCols) if (col < width) this.needed[col] = 1;
    for (const m of plan.metrics) if (m.col < width) this.needed[m.col] = 1;
    this.tKinds = new Uint8Array(width);
    this.tVals = new Float64Array(width);

    // A row the scanner reads as numbers must never be a repeated header: some column the plan
    // reads has a header name that is not a number (so a repeated header turns it into a text row).
    let guarded = false;
    for (let col = 0; col < width; col++) {
      if (this.needed[col] && parseCell(info.rawHeader[col], this.decimalComma) === null) guarded = true;
    }
    if (!guarded) throw new FastFallback('numeric header');
  }

  get rowCount(): number {
    return this.rows;
  }

  /** A record whose needed cells are all numbers or empty (kinds NUM / MISSING / ABSENT). */
  fastRow(kinds: Uint8Array, vals: Float64Array, nCells: number, extraFilled: boolean, line: number): void {
    const width = this.width;
    if (nCells < width) {
      this.info.warnings.add(
        'ragged-row',
        `row has ${nCells} fields, the header has ${width}; the missing cells are treated as empty`,
        line,
      );
    } else if (nCells > width && extraFilled) {
      this.info.warnings.add(
        'ragged-row',
        `row has ${nCells} fields, the header has ${width}; the extra cells are ignored`,
        line,
      );
    }
    this.row(kinds, vals, undefined, line);
  }

  /** Any other record, as text (a line of the file without its line break): the exact slow-path logic. */
  textRow(text: string, line: number): void {
    if (text.trim() === '') return;
    const cells = text.split(this.info.delimiter);
    const raw = this.info.rawHeader;
    if (cells.length === raw.length) {
      let again = true;
      for (let k = 0; k < cells.length; k++) {
        if (cells[k].trim() !== raw[k]) {
          again = false;
          break;
        }
      }
      if (again) {
        if (this.options.restart) this.headerAgainAt = line;
        else this.info.warnings.add('repeated-header', 'the header line appears again; skipped', line);
        return;
      }
    }
    const width = this.width;
    warnRagged(this.info.warnings, cells, width, line);
    const kinds = this.tKinds;
    const vals = this.tVals;
    for (let col = 0; col < width; col++) {
      if (!this.needed[col]) continue;
      const cell = cells[col];
      if (cell === undefined) {
        kinds[col] = ABSENT;
        continue;
      }
      const v = parseCell(cell, this.decimalComma);
      if (typeof v === 'number') {
        kinds[col] = NUM;
        vals[col] = v;
      } else kinds[col] = v === undefined ? MISSING : BAD;
    }
    this.row(kinds, vals, cells, line);
  }

  private ensureRows(): void {
    if (this.rows < this.rowCap) return;
    const need = this.rows + 1;
    const hint = Math.ceil(this.rowsHint * 1.02) + 1024;
    if (this.lineRows) this.lineRows = grown(this.lineRows, need, hint);
    this.xRows = this.xRows.map((a) => grown(a, need, hint));
    this.rowCap = this.xRows[0]?.length ?? this.lineRows?.length ?? Math.max(need, Math.ceil(hint));
  }

  /** collect()'s per-row body. `cells` is set for text rows (bad cells are quoted from it). */
  private row(kinds: Uint8Array, vals: Float64Array, cells: string[] | undefined, line: number): void {
    if (this.rows >= this.rowCap) this.ensureRows();
    const r = this.rows++;
    const width = this.width;
    const xCols = this.xCols;
    const xVal = this.xVal;
    const xRows = this.xRows;
    for (let k = 0; k < xCols.length; k++) {
      const col = xCols[k];
      const kind = col < width ? kinds[col] : ABSENT;
      let x = Number.NaN;
      if (kind === NUM) {
        x = vals[col];
        this.xStats[k].numeric++;
      } else if (kind === BAD) this.xStats[k].noteBad(line, cells![col]);
      xVal[k] = x;
      xRows[k][r] = x;
    }
    if (this.lineRows) this.lineRows[r] = line;
    else if (r === 0) this.firstLine = line;
    else if (line !== this.firstLine + r) this.storeLines(r, line);

    const restart = this.options.restart;
    if (restart) {
      const x = this.restartX >= 0 ? xVal[this.restartX] : Number.NaN;
      if (this.headerAgainAt >= 0) {
        this.info.warnings.add(
          'restart',
          `the header is repeated at line ${this.headerAgainAt}: another run appended to the same file starts here` +
            (Number.isNaN(x) ? '' : ` (${restart.axis} ${x})`),
          line,
        );
        this.headerAgainAt = -1;
      } else if (!Number.isNaN(x) && !Number.isNaN(this.prevX) && (x < this.prevX || (restart.strict && x === this.prevX))) {
        this.info.warnings.add(
          'restart',
          `${restart.axis} goes back from ${this.prevX} to ${x}: a restarted or appended run starts here (later points replace earlier ones)`,
          line,
        );
      }
      if (!Number.isNaN(x)) this.prevX = x;
    }

    const accs = this.accs;
    for (let m = 0; m < accs.length; m++) {
      const acc = accs[m];
      const col = acc.col;
      const kind = col < width ? kinds[col] : ABSENT;
      if (kind !== NUM) {
        if (kind === BAD) acc.noteBad(line, cells![col]);
        continue;
      }
      acc.numeric++;
      const n = acc.count;
      if (n >= acc.values.length) acc.values = grown(acc.values, n + 1, Math.ceil(this.rowsHint * 1.02) + 1024);
      acc.values[n] = vals[col];
      acc.count = n + 1;
      if (n !== r || acc.rows !== undefined) this.noteRow(acc, n, r);
    }
  }

  /** Row r is not on the next line: from now on store every row's line. */
  private storeLines(r: number, line: number): void {
    const lines = new Int32Array(this.rowCap);
    for (let i = 0; i < r; i++) lines[i] = this.firstLine + i;
    lines[r] = line;
    this.lineRows = lines;
  }

  /** A metric that skipped a row: from now on remember which row each value came from. */
  private noteRow(acc: Acc, n: number, r: number): void {
    let rows = acc.rows;
    if (rows === undefined) {
      rows = new Int32Array(Math.max(1024, n * 2));
      for (let i = 0; i < n; i++) rows[i] = i;
    } else if (n >= rows.length) rows = grown(rows, n + 1, 0);
    rows[n] = r;
    acc.rows = rows;
  }

  /** The runs, exactly as collect() returns them; throws FastFallback where collect() would throw. */
  finish(): RawRun[] {
    const { plan, info } = this;
    const rows = this.rows;
    if (rows === 0) throw new FastFallback('no data rows');
    const sinks = plan.groups.map((_, g) => (g === 0 ? info.warnings : new WarningSink()));
    this.xCols.forEach((col, k) => {
      const g = Math.max(0, this.groupStep.indexOf(k) >= 0 ? this.groupStep.indexOf(k) : this.groupEpoch.indexOf(k));
      reportColumn(this.xStats[k], info.header[col], info.headerLine, sinks[g], true);
    });

    const xShared = this.xRows.map((a) => trimmed(a, rows));
    const lineRows = this.lineRows;
    const lineShared = lineRows && trimmed(lineRows, rows);
    const metricsByGroup: RawMetric[][] = plan.groups.map(() => []);
    let sawNumeric = false;
    for (const acc of this.accs) {
      const g = acc.group;
      const keep = reportColumn(acc, info.header[acc.col], info.headerLine, sinks[g], false);
      const n = acc.count;
      if (!keep || n === 0) continue;
      sawNumeric = true;
      const idx = acc.rows;
      const step = this.groupStep[g];
      const epoch = this.groupEpoch[g];
      // Values from every row share the per-row arrays; values from rows 0..n-1 take their start.
      const every = !idx && n === rows;
      const xOf = (k: number): Float64Array => (idx ? gather(this.xRows[k], idx, n) : every ? xShared[k] : trimmed(this.xRows[k], n));
      const metric: RawMetric = { name: acc.name, value: trimmed(acc.values, n) };
      if (lineRows) metric.line = idx ? gatherInt(lineRows, idx, n) : every ? lineShared : trimmed(lineRows, n);
      else implicitLines(metric, this.firstLine, idx, n);
      if (step >= 0) metric.step = xOf(step);
      if (epoch >= 0) metric.epoch = xOf(epoch);
      if (acc.roleHint) metric.roleHint = acc.roleHint;
      metricsByGroup[g].push(metric);
    }
    if (!sawNumeric) throw new FastFallback('no numeric column');

    const runs: RawRun[] = [];
    plan.groups.forEach((group, g) => {
      if (metricsByGroup[g].length === 0) {
        if (g > 0) info.warnings.add('empty-run', `run '${group.name}' has no values in this file; skipped`);
        return;
      }
      runs.push({ name: group.name, metrics: metricsByGroup[g], warnings: g === 0 ? [] : sinks[g].finish() });
    });
    runs[0].warnings = [...info.warnings.finish(), ...runs[0].warnings];
    return runs;
  }
}
