/**
 * Keras `history.history` dumped as JSON (`{"loss":[…],"val_loss":[…]}`, list index = 0-based
 * epoch) and pandas `DataFrame.to_json()` of such a history (`{"loss":{"0":0.4,…}}`, string
 * index keys = epoch; empty columns skipped, sparse columns fine).
 */
import type { Hyperparameters, RawMetric, RawRun } from '../../core/types.js';
import { flattenConfig } from '../config-files.js';
import { InputError } from '../../errors.js';
import { SeriesCap, seriesLimit } from '../series-cap.js';
import { defineParser, type LogParser } from '../types.js';
import { isObject, parseJsonDocument } from './jsonText.js';
import { isNonMetricKey, runNameOf, toNumber, WarningList } from './records.js';
import { countObjectLines, stripBom } from './sniff.js';

const NUMISH = String.raw`(?:-?\d|-?\.\d|NaN|-?Infinity|null|"[-+0-9.eEnaNIifty]*"|\])`;
const FIRST_KEY = String.raw`^\s*\{\s*"(?:[^"\\]|\\.)*"\s*:\s*`;
const DICT_OF_LISTS = new RegExp(`${FIRST_KEY}\\[\\s*${NUMISH}`);
const DICT_OF_DICTS = new RegExp(`${FIRST_KEY}\\{\\s*(?:"-?\\d+(?:\\.\\d+)?"\\s*:|\\})`);
const NESTED_HISTORY = new RegExp(`"history"\\s*:\\s*\\{\\s*"(?:[^"\\\\]|\\\\.)*"\\s*:\\s*\\[\\s*${NUMISH}`);

/** A numeric list under any key: a history kept beside other things (`config`, `test_*`). */
const ANY_NUMERIC_LIST = new RegExp(`"(?:[^"\\\\]|\\\\.)*"\\s*:\\s*\\[\\s*${NUMISH}`);

/** Objects whose series are the run's own (`{"metrics": {"loss": […]}}`). */
const CONTAINERS = new Set(['metrics', 'history', 'log', 'logs', 'scalars', 'curves']);
/** Objects whose series belong to one split (`{"train": {"loss": […]}, "val": {…}}`): prefixed by it. */
const SPLITS = new Set(['train', 'training', 'val', 'valid', 'validation', 'eval', 'test']);
/** Objects that configure the run: read as its hyperparameters. */
const CONFIGS = new Set(['config', 'params', 'hparams', 'hyperparameters', 'args', 'training_args', 'settings']);

interface Found {
  metrics: RawMetric[];
  hyperparameters: Hyperparameters;
  /** Keys that are neither series, nor containers of series, nor a config. */
  ignored: string[];
  warnings: WarningList;
  /** At most maxSeries series: a JSON with a million keys is not a training log's worth of curves. */
  cap: SeriesCap;
}

/** Whether a value is a series: a list with a number, or a pandas column (`{"0": 0.4, …}`). */
function isSeries(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0 || v.some((x) => toNumber(x) !== undefined);
  // An empty object is an empty pandas column (`"accuracy": {}`).
  return isObject(v) && Object.keys(v).every((k) => /^-?\d+(?:\.\d+)?$/.test(k));
}

/** Read the series of one object (`prefix` names a split), descending into containers and splits. */
function readObject(root: Record<string, unknown>, prefix: string, epochList: unknown, found: Found, depth: number): void {
  const own = isObject(root.history) && Object.values(root.history).some(Array.isArray);
  // json.dump({'history': h.history, 'epoch': h.epoch, 'params': h.params})
  const epochs = own ? ((root.history as Record<string, unknown>).epoch ?? root.epoch ?? epochList) : (root.epoch ?? epochList);
  const epochAxis = Array.isArray(epochs) ? epochs.map((e) => toNumber(e) ?? Number.NaN) : undefined;
  const epochColumn = isObject(root.epoch) ? root.epoch : undefined;
  for (const key of Object.keys(root)) {
    const col = root[key];
    const lower = key.toLowerCase();
    if (isNonMetricKey(key)) continue;
    if (isSeries(col)) {
      if (!found.cap.admit(`${prefix}${key}`, found.metrics.length)) continue;
      readColumn(`${prefix}${key}`, col as unknown[] | Record<string, unknown>, epochAxis, epochColumn, found);
    } else if (isObject(col) && depth < 2 && (CONTAINERS.has(lower) || SPLITS.has(lower))) {
      readObject(col, SPLITS.has(lower) ? `${prefix}${key}/` : prefix, epochs, found, depth + 1);
    } else if (isObject(col) && CONFIGS.has(lower)) {
      flattenConfig(col, '', 0, found.hyperparameters);
    } else {
      found.ignored.push(`${prefix}${key}`);
    }
  }
}

function readColumn(
  name: string,
  col: unknown[] | Record<string, unknown>,
  epochAxis: number[] | undefined,
  epochColumn: Record<string, unknown> | undefined,
  found: Found,
): void {
  const values: number[] = [];
  const epochs: number[] = [];
  const lines: number[] = [];
  if (Array.isArray(col)) {
    const useAxis = epochAxis !== undefined && epochAxis.length === col.length;
    for (let i = 0; i < col.length; i++) {
      const v = toNumber(col[i]);
      if (v === undefined) continue;
      values.push(v);
      epochs.push(useAxis ? epochAxis[i] : i);
      lines.push(i + 1);
    }
  } else {
    let k = 0;
    for (const index in col) {
      k++;
      const v = toNumber(col[index]);
      if (v === undefined) continue;
      values.push(v);
      const fromColumn = epochColumn === undefined ? undefined : toNumber(epochColumn[index]);
      epochs.push(fromColumn ?? (/^-?\d+(?:\.\d+)?$/.test(index) ? Number(index) : Number.NaN));
      lines.push(k);
    }
  }
  if (values.length === 0) {
    if (Array.isArray(col) ? col.length > 0 : Object.keys(col).length > 0) found.warnings.add('non-numeric', `'${name}' holds no numbers; skipped`);
    return;
  }
  found.metrics.push({ name, value: Float64Array.from(values), epoch: Float64Array.from(epochs), line: Int32Array.from(lines) });
}

function listKeys(keys: readonly string[], max = 8): string {
  return `${keys.slice(0, max).join(', ')}${keys.length > max ? `, and ${keys.length - max} more` : ''}`;
}

export const kerasHistoryParser: LogParser = defineParser({
  id: 'keras-history-json',
  description:
    'Keras History JSON ({"loss":[…],"val_loss":[…]}) or pandas DataFrame.to_json of it; also series under "metrics"/"history"/"log" or "train"/"val" objects, beside a "config" (read as hyperparameters)',
  sniff(head) {
    try {
      const h = stripBom(head);
      // Several one-line objects are JSON lines, even if each holds lists.
      if (countObjectLines(h) >= 2) return 0.2;
      if (DICT_OF_LISTS.test(h) || DICT_OF_DICTS.test(h)) return 0.85;
      if (/^\s*\{/.test(h) && NESTED_HISTORY.test(h)) return 0.8;
      if (/^\s*\{/.test(h) && ANY_NUMERIC_LIST.test(h)) return 0.7;
      return 0;
    } catch {
      return 0;
    }
  },
  parse(input) {
    const { value } = parseJsonDocument(input.name, input.bytes);
    if (!isObject(value)) {
      throw new InputError(input.name, 'expected a JSON object of metric lists ({"loss": [...], ...})', {
        code: 'bad-format',
      });
    }
    const found: Found = { metrics: [], hyperparameters: [], ignored: [], warnings: new WarningList(), cap: new SeriesCap(seriesLimit(input)) };
    readObject(value, '', undefined, found, 0);
    if (found.metrics.length === 0) {
      const keys = Object.keys(value);
      throw new InputError(input.name, `no metric series found (keys: ${keys.length ? listKeys(keys) : 'none'})`, {
        code: 'no-metrics',
        hint: 'expected numeric lists such as {"loss": [0.9, 0.7], "val_loss": [1.0, 0.8]}, at the top or under "metrics", "history", "log", "train" or "val"',
      });
    }
    if (found.ignored.length > 0) {
      found.warnings.add('ignored-keys', `not series, ignored: ${listKeys(found.ignored)}`);
    }
    const capped = found.cap.warning();
    if (capped) found.warnings.add(capped.code, capped.message);
    const run: RawRun = { name: runNameOf(input.name), metrics: found.metrics, warnings: found.warnings.finish() };
    if (found.hyperparameters.length > 0) run.hyperparameters = found.hyperparameters;
    return { format: 'keras-history-json', runs: [run] };
  },
});
