/**
 * Plain-text training output (stdout captures, `train.log`). Pure. Each line goes to the dialect
 * readers in turn (text-log/): mmcv/mmengine, fairseq, Hugging Face printed dicts, Keras
 * progress, then generic `key: value` lines with a step / epoch / iter counter. Lines that match
 * nothing are ignored. Counters that restart are kept in file order.
 */

import { InputError } from '../errors.js';
import type { ParseWarning, RawMetric } from '../core/types.js';
import { DEFAULT_MAX_SERIES, SeriesCap, seriesLimit } from './series-cap.js';
import { baseName, decodeText } from './text.js';
import { defineParser } from './types.js';
import { finish } from './text-log/assemble.js';
import { newParseState, type ParseState } from './text-log/collector.js';
import { parseFairseq } from './text-log/fairseq.js';
import { parseGeneric } from './text-log/generic.js';
import { parseHfDict } from './text-log/hf-dict.js';
import { flushKeras, KERAS_LINE, parseKeras } from './text-log/keras.js';
import { outputLines, stripLogPrefix } from './text-log/lines.js';
import { parseMmcv } from './text-log/mmcv.js';

export { finalLineState } from './text-log/lines.js';

/**
 * Longest line read for metrics. Real metric lines (fairseq JSON records, HF dicts, Keras bars
 * after their redraws are reduced) are a few KB; longer ones are dumps (configs, environment
 * info) or garbage, and skipping them bounds the work per line whatever the patterns do.
 */
export const MAX_LINE_CHARS = 64 * 1024;

/** A dialect's line reader: true when the line was one of its own (recorded or deliberately skipped). */
type LineReader = (text: string, lineNo: number, st: ParseState) => boolean;

/**
 * The dialects, asked in this order; the first that owns a line takes it. They see the line
 * without its logger prefix, except fairseq, whose `| tag |` layout begins with it.
 */
const DIALECTS: ReadonlyArray<{ read: LineReader; withPrefix?: true }> = [
  { read: parseMmcv },
  { read: parseFairseq, withPrefix: true },
  { read: parseHfDict },
  { read: parseKeras },
  { read: parseGeneric },
];

/** Classify one line; true when it was recognised. */
function parseLine(raw: string, lineNo: number, st: ParseState): boolean {
  if (raw.length > MAX_LINE_CHARS || raw.trim() === '') return false;
  const text = stripLogPrefix(raw);
  return DIALECTS.some((d) => d.read(d.withPrefix ? raw : text, lineNo, st));
}

/** Parse text-log lines into raw metrics (exported for tests). */
export function parseTextLog(text: string, source: string, maxSeries = DEFAULT_MAX_SERIES): { metrics: RawMetric[]; warnings: ParseWarning[] } {
  const lines = outputLines(text);
  const st = newParseState();
  const warnings: ParseWarning[] = [];
  let long = 0;
  let longWarning: ParseWarning | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length > MAX_LINE_CHARS && long++ === 0) {
      longWarning = { code: 'long-line', line: i + 1, message: `${source}: line ${i + 1} is longer than ${MAX_LINE_CHARS / 1024} KB and was skipped (no metric line is that long)` };
      warnings.push(longWarning);
    }
    const recognised = parseLine(line, i + 1, st);
    if (!recognised && line.trim() !== '' && st.kerasEpoch === undefined && st.kerasNoEpochCounted) {
      // Keras 1.x lines without Epoch headers: a banner line between them starts a new run.
      st.kerasRunning = 0;
      st.kerasNoEpochCounted = false;
    }
  }
  flushKeras(st);
  if (longWarning && long > 1) longWarning.message += ` (${long} such lines in all)`;
  const cap = new SeriesCap(maxSeries);
  const metrics = finish(st.c, source, warnings, cap);
  const capped = cap.warning();
  if (capped) warnings.push(capped);
  return { metrics, warnings };
}
// ---------------------------------------------------------------------------------------------

/** Does the head look like CSV or JSON (formats other parsers own)? */
function looksStructured(head: string): boolean {
  const lines = head.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return false;
  const first = lines[0].replace(/^\uFEFF/, '').trim();
  if (first.startsWith('{"') || first === '{' || /^\[\s*(?:[{["\d-]|$)/.test(first)) return true;
  const sep = [',', '\t', ';'].find((s) => first.split(s).length >= 3);
  if (sep && !/[:=]\s*[-+]?\d/.test(first)) {
    const next = lines[1];
    if (next === undefined) return true;
    const cells = next.split(sep);
    if (cells.length === first.split(sep).length) return true;
  }
  return false;
}

export const textLogParser = defineParser({
  id: 'text-log',
  description:
    'plain-text training output: Keras progress, HF Trainer printed dicts, fairseq, mmcv/mmengine, "step N ... loss: x" lines',
  sniff(head: string, _fileName: string): number {
    try {
      const st = newParseState();
      const lines = outputLines(head);
      // The head may end mid-line: leave the last line out.
      const n = Math.max(0, lines.length - 1);
      for (let i = 0; i < n; i++) parseLine(lines[i], i + 1, st);
      flushKeras(st);
      let hits = st.c.order.length;
      // A Keras progress capture can be one huge line of `\r` redraws: count its redraws.
      if (hits < 3 && head.indexOf('\r') >= 0) {
        let redraws = 0;
        for (const seg of head.split(/[\r\n]/)) {
          if (redraws >= 3) break;
          if (KERAS_LINE.test(seg.replace(/\x08/g, ''))) redraws++;
        }
        hits = Math.max(hits, redraws);
      }
      const score = hits >= 3 ? 0.6 : hits >= 1 ? 0.2 : 0;
      return looksStructured(head) ? Math.min(score, 0.05) : score;
    } catch {
      return 0;
    }
  },
  parse(input) {
    const { metrics, warnings } = parseTextLog(decodeText(input.bytes), input.name, seriesLimit(input));
    if (metrics.length === 0) {
      throw new InputError(input.name, 'no training metrics recognised', {
        code: 'no-metrics',
        hint: 'expected lines such as "Epoch 3/20 ... - loss: 0.41", "{\'loss\': 0.51, ...}" or "step 120 loss=0.41"',
      });
    }
    return { format: 'text-log', runs: [{ name: baseName(input.name), metrics, warnings }] };
  },
});
