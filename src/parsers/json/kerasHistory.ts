/**
 * Keras `history.history` dumped as JSON (`{"loss":[…],"val_loss":[…]}`, list index = 0-based
 * epoch) and pandas `DataFrame.to_json()` of such a history (`{"loss":{"0":0.4,…}}`, string
 * index keys = epoch; empty columns skipped, sparse columns fine).
 */
import type { RawMetric } from '../../core/types.js';
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

export const kerasHistoryParser: LogParser = defineParser({
  id: 'keras-history-json',
  description: 'Keras History JSON ({"loss":[…],"val_loss":[…]}) or pandas DataFrame.to_json of it',
  sniff(head) {
    try {
      const h = stripBom(head);
      // Several one-line objects are JSON lines, even if each holds lists.
      if (countObjectLines(h) >= 2) return 0.2;
      if (DICT_OF_LISTS.test(h) || DICT_OF_DICTS.test(h)) return 0.85;
      if (/^\s*\{/.test(h) && NESTED_HISTORY.test(h)) return 0.8;
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
    let root = value;
    let epochList: unknown = value.epoch;
    // json.dump({'history': h.history, 'epoch': h.epoch, 'params': h.params})
    if (isObject(value.history) && Object.values(value.history).some(Array.isArray)) {
      root = value.history;
      epochList = root.epoch ?? value.epoch;
    }
    const warnings = new WarningList();
    const epochAxis = Array.isArray(epochList) ? epochList.map((e) => toNumber(e) ?? Number.NaN) : undefined;
    const epochColumn = isObject(root.epoch) ? root.epoch : undefined;
    const metrics: RawMetric[] = [];
    const cap = new SeriesCap(seriesLimit(input));
    for (const name of Object.keys(root)) {
      if (isNonMetricKey(name) || !cap.admit(name, metrics.length)) continue;
      const col = root[name];
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
      } else if (isObject(col)) {
        let k = 0;
        for (const index in col) {
          k++;
          const v = toNumber(col[index]);
          if (v === undefined) continue;
          values.push(v);
          const fromColumn = epochColumn !== undefined && Object.hasOwn(epochColumn, index) ? toNumber(epochColumn[index]) : undefined;
          epochs.push(fromColumn ?? (/^-?\d+(?:\.\d+)?$/.test(index) ? Number(index) : Number.NaN));
          lines.push(k);
        }
      } else continue;
      if (values.length === 0) {
        if (Array.isArray(col) ? col.length > 0 : Object.keys(col).length > 0) {
          warnings.add('non-numeric', `'${name}' holds no numbers; skipped`);
        }
        continue;
      }
      metrics.push({
        name,
        value: Float64Array.from(values),
        epoch: Float64Array.from(epochs),
        line: Int32Array.from(lines),
      });
    }
    if (metrics.length === 0) {
      throw new InputError(input.name, 'no metrics found', {
        code: 'no-metrics',
        hint: 'expected numeric lists such as {"loss": [0.9, 0.7], "val_loss": [1.0, 0.8]}',
      });
    }
    const capped = cap.warning();
    if (capped) warnings.add(capped.code, capped.message);
    return { format: 'keras-history-json', runs: [{ name: runNameOf(input.name), metrics, warnings: warnings.finish() }] };
  },
});
