/**
 * W&B history rows → raw metrics. A row holds what one `wandb.log` call logged; every key is a
 * sparse column. Each metric keeps its own rows and takes its x from its own step key (the
 * `step_metric` of a `define_metric`, else a `…/global_step`-like key logged beside it, else
 * `_step`), so train and validation values logged on different rows are aligned by their steps,
 * never paired by row. Pure.
 */
import type { ParseWarning, RawMetric } from '../../core/types.js';
import { DEFAULT_MAX_SERIES, SeriesCap } from '../series-cap.js';
import { grownTo } from '../typed-arrays.js';

/** A `define_metric` rule: metrics named `name` (or matching `glob`, `*` = any text) use `stepMetric` as x. */
export interface StepRule {
  name?: string;
  glob?: string;
  stepMetric: string;
}

export class HistoryColumn {
  values = new Float64Array(16);
  rows = new Int32Array(16);
  n = 0;
  constructor(readonly name: string) {}

  /** The value of this column in row `row` (rows arrive in order; a repeat in one row overwrites). */
  set(row: number, value: number): void {
    const n = this.n;
    if (n > 0 && this.rows[n - 1] === row) {
      this.values[n - 1] = value;
      return;
    }
    if (n === this.values.length) {
      this.values = grownTo(this.values, n * 2);
      this.rows = grownTo(this.rows, n * 2);
    }
    this.values[n] = value;
    this.rows[n] = row;
    this.n = n + 1;
  }
}

/** Step counters logged as ordinary keys (Lightning, HF Trainer, RL loops, hand-written loops). */
const STEP_KEY = /(^|\/)(global_step|step|steps|iteration|iter|global_iteration)$/i;
const EPOCH_KEY = /(^|\/)epoch$/i;

function prefixOf(name: string): string {
  const i = name.lastIndexOf('/');
  return i >= 0 ? name.slice(0, i) : '';
}

/** `*` matches any text; everything else literally. Linear in the name per glob part. */
export function globMatches(glob: string, name: string): boolean {
  const parts = glob.split('*');
  if (parts.length === 1) return glob === name;
  if (!name.startsWith(parts[0])) return false;
  let at = parts[0].length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = name.indexOf(parts[i], at);
    if (found < 0) return false;
    at = found + parts[i].length;
  }
  const last = parts[parts.length - 1];
  return name.length - last.length >= at && name.endsWith(last);
}

export class HistoryTable {
  private readonly byName = new Map<string, HistoryColumn>();
  readonly columns: HistoryColumn[] = [];
  /** Rows completed so far; the row being filled has this index. */
  rows = 0;
  /** At most maxSeries distinct keys: a log with a million keys is no training run's worth of curves. */
  private readonly cap: SeriesCap;

  constructor(maxSeries = DEFAULT_MAX_SERIES) {
    this.cap = new SeriesCap(maxSeries);
  }

  /** The warning for keys left out, if any. */
  capWarning(): ParseWarning | undefined {
    return this.cap.warning();
  }

  /** The column of `name`, made on first use; undefined for a key past the cap (its values are dropped). */
  column(name: string): HistoryColumn | undefined {
    let col = this.byName.get(name);
    if (!col) {
      if (!this.cap.admit(name, this.columns.length)) return undefined;
      col = new HistoryColumn(name);
      this.byName.set(name, col);
      this.columns.push(col);
    }
    return col;
  }

  get(name: string): HistoryColumn | undefined {
    return this.byName.get(name);
  }

  endRow(): void {
    this.rows++;
  }

  /** The last `_step` logged, when any. */
  lastStep(): number | undefined {
    const col = this.byName.get('_step');
    return col && col.n > 0 ? col.values[col.n - 1] : undefined;
  }

  /** One raw metric per numeric key that is not a step, epoch or internal (`_`) key. */
  toMetrics(rules: readonly StepRule[]): RawMetric[] {
    const ruled = new Set(rules.map((r) => r.stepMetric));
    const isStep = (name: string) => ruled.has(name) || STEP_KEY.test(name);
    const stepKeys = this.columns.filter((c) => c.name !== '_step' && isStep(c.name));
    const epochKeys = this.columns.filter((c) => EPOCH_KEY.test(c.name) && !isStep(c.name));
    const dense = new Map<HistoryColumn, Float64Array>();
    const denseOf = (col: HistoryColumn) => {
      let d = dense.get(col);
      if (!d) dense.set(col, (d = this.carried(col)));
      return d;
    };
    const rowStep = this.rowSteps();
    const metrics: RawMetric[] = [];
    for (const col of this.columns) {
      if (col.name.startsWith('_') || col.n === 0 || stepKeys.includes(col) || epochKeys.includes(col)) continue;
      const n = col.n;
      const stepCol = this.stepColumnFor(col, rules, stepKeys);
      const xs = stepCol ? denseOf(stepCol) : rowStep;
      const epochCol = pickByPrefix(col.name, epochKeys);
      const epochs = epochCol ? denseOf(epochCol) : undefined;
      const step = new Float64Array(n);
      const line = new Int32Array(n);
      const epoch = epochs ? new Float64Array(n) : undefined;
      for (let i = 0; i < n; i++) {
        const row = col.rows[i];
        step[i] = xs[row];
        line[i] = row + 1;
        if (epoch) epoch[i] = epochs![row];
      }
      const metric: RawMetric = { name: col.name, value: col.values.slice(0, n), step, line };
      if (epoch) metric.epoch = epoch;
      metrics.push(metric);
    }
    return metrics;
  }

  /** `_step` of every row; a row without one continues from the row before. */
  private rowSteps(): Float64Array {
    const out = new Float64Array(this.rows);
    const col = this.byName.get('_step');
    let j = 0;
    let prev = -1;
    for (let r = 0; r < this.rows; r++) {
      if (col && j < col.n && col.rows[j] === r && Number.isFinite(col.values[j])) prev = col.values[j++];
      else {
        if (col && j < col.n && col.rows[j] === r) j++;
        prev += 1;
      }
      out[r] = prev;
    }
    return out;
  }

  /** A column's value at every row, the last one logged carried forward (W&B's step_sync); NaN before the first. */
  private carried(col: HistoryColumn): Float64Array {
    const out = new Float64Array(this.rows).fill(Number.NaN);
    let j = 0;
    let last = Number.NaN;
    for (let r = 0; r < this.rows; r++) {
      while (j < col.n && col.rows[j] === r) last = col.values[j++];
      out[r] = last;
    }
    return out;
  }

  /** The step key a metric is plotted against: a define_metric rule, else one logged beside it on most of its rows. */
  private stepColumnFor(col: HistoryColumn, rules: readonly StepRule[], stepKeys: HistoryColumn[]): HistoryColumn | undefined {
    const exact = rules.find((r) => r.name === col.name);
    const rule = exact ?? rules.find((r) => r.glob !== undefined && globMatches(r.glob, col.name));
    if (rule) {
      const ruledCol = this.byName.get(rule.stepMetric);
      if (ruledCol && ruledCol.n > 0) return ruledCol;
    }
    const candidate = stepKeys.length === 1 ? stepKeys[0] : pickByPrefix(col.name, stepKeys, true);
    if (!candidate) return undefined;
    // Heuristic keys must share most of the metric's rows, else `_step` is the safer x.
    let shared = 0;
    let j = 0;
    for (let i = 0; i < col.n; i++) {
      const row = col.rows[i];
      while (j < candidate.n && candidate.rows[j] < row) j++;
      if (j < candidate.n && candidate.rows[j] === row) shared++;
    }
    return shared * 2 >= col.n ? candidate : undefined;
  }
}

/** The key with the metric's own prefix (`Training/loss` → `Training/step`), else a general one. */
function pickByPrefix(name: string, keys: HistoryColumn[], strict = false): HistoryColumn | undefined {
  if (keys.length === 0) return undefined;
  const prefix = prefixOf(name);
  const own = keys.find((k) => prefixOf(k.name) === prefix);
  if (own) return own;
  const general = keys.find((k) => ['', 'train', 'trainer'].includes(prefixOf(k.name).toLowerCase()));
  return general ?? (strict ? undefined : keys[0]);
}
