/**
 * A JSON array of flat records (`[{"epoch":1,"loss":…},…]`), or an object holding such an
 * array (`{"history":[…]}`, a non-HF `{"log_history":[…]}`). Lines are record numbers.
 */
import { InputError } from '../../errors.js';
import { defineParser, type LogParser } from '../types.js';
import { isObject, parseJsonDocument } from './jsonText.js';
import { isMetadataRecord, isTrainSummary, MetricCollector, readRecord, runNameOf, WarningList } from './records.js';
import { seriesLimit } from '../series-cap.js';
import { stripBom } from './sniff.js';

function isRecordArray(v: unknown): v is unknown[] {
  if (!Array.isArray(v)) return false;
  const first = v.find((e) => e !== null);
  return isObject(first);
}

export const jsonRecordsParser: LogParser = defineParser({
  id: 'json-records',
  description: 'JSON array of records ([{"epoch":1,"loss":…},…]) or an object holding one',
  sniff(head) {
    try {
      const h = stripBom(head);
      if (/^\s*\[\s*\{/.test(h)) return 0.6;
      if (/^\s*\{/.test(h) && /"\s*:\s*\[\s*\{/.test(h)) return 0.6;
      return 0;
    } catch {
      return 0;
    }
  },
  parse(input) {
    const { value } = parseJsonDocument(input.name, input.bytes);
    const warnings = new WarningList();
    let records: unknown[] | undefined;
    if (Array.isArray(value)) {
      records = value;
      if (value.length > 0 && !isRecordArray(value)) {
        throw new InputError(input.name, 'expected an array of records ([{"epoch": 1, "loss": …}, …])', {
          code: 'bad-format',
          hint: Array.isArray(value[0]) ? 'an array of [wall_time, step, value] triples is a TensorBoard export' : undefined,
        });
      }
    } else if (isObject(value)) {
      const candidates = Object.keys(value).filter((k) => isRecordArray(value[k]));
      if (candidates.length === 0) {
        throw new InputError(input.name, 'no array of records found in the JSON object', { code: 'bad-format' });
      }
      let best = candidates[0];
      for (const k of candidates) if ((value[k] as unknown[]).length > (value[best] as unknown[]).length) best = k;
      if (candidates.length > 1) {
        warnings.add(
          'several-record-arrays',
          `several record arrays (${candidates.map((c) => `'${c}'`).join(', ')}); read '${best}', the longest`,
        );
      }
      records = value[best] as unknown[];
    } else {
      throw new InputError(input.name, 'expected a JSON array of records', { code: 'bad-format' });
    }
    const collector = new MetricCollector(seriesLimit(input));
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (!isObject(r)) {
        if (r !== null) warnings.add('bad-record', `record #${i + 1} is not an object; skipped`, i + 1);
        continue;
      }
      if (isTrainSummary(r) || isMetadataRecord(r)) continue;
      collector.addRecord(readRecord(r, i + 1));
    }
    if (collector.size === 0) {
      throw new InputError(input.name, 'no metrics found', {
        code: 'no-metrics',
        hint: records.length === 0 ? 'the record array is empty' : 'no record holds a numeric loss or metric',
      });
    }
    return {
      format: 'json-records',
      runs: [{ name: runNameOf(input.name), metrics: collector.finish(), warnings: collector.withCapWarning(warnings.finish()) }],
    };
  },
});
