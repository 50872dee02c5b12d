import { InputError } from '../errors.js';
import type { FormatId, ParsedLog } from '../core/types.js';
import {
  genericCsvParser,
  kerasCsvParser,
  lightningCsvParser,
  tbExportCsvParser,
  wandbCsvParser,
  yoloCsvParser,
} from './csv.js';
import { dvcliveTsvParser } from './dvclive.js';
import { hfTrainerStateParser, jsonlParser, jsonRecordsParser, kerasHistoryParser, tbExportJsonParser } from './json.js';
import { ownReportError } from './own-report.js';
import { textLogParser } from './text-log.js';
import { looksLikeEventFile, tfeventsParser } from './tfevents.js';
import { baseName, headText } from './text.js';
import { wandbParser } from './wandb/index.js';
import type { LogParser, ParserInput } from './types.js';

/** Every single-file parser. Order breaks sniff ties: more specific first. */
export const parsers: readonly LogParser[] = [
  tfeventsParser,
  wandbParser,
  tbExportCsvParser,
  tbExportJsonParser,
  hfTrainerStateParser,
  wandbCsvParser,
  yoloCsvParser,
  lightningCsvParser,
  kerasCsvParser,
  dvcliveTsvParser,
  kerasHistoryParser,
  jsonlParser,
  jsonRecordsParser,
  genericCsvParser,
  textLogParser,
];

export const formatIds: readonly FormatId[] = parsers.map((p) => p.id);

export function parserFor(id: FormatId): LogParser | undefined {
  return parsers.find((p) => p.id === id);
}

export interface Detection {
  format: FormatId;
  score: number;
}

/** Text extensions that an event file never has (a TensorBoard CSV/JSON export may mention `tfevents`). */
const TEXT_EXT = /\.(csv|tsv|json|jsonl|ndjson|log|txt|out|yaml|yml)$/i;

/**
 * True when the bytes (or, for a file cut short, the name) say "TensorBoard event file". Looks at
 * the bytes first and never decodes them as text, so a renamed event file is still found and a
 * big one costs one record's CRC.
 */
function isEventFile(input: ParserInput): boolean {
  if (looksLikeEventFile(input.bytes)) return true;
  const name = baseName(input.name);
  return /tfevents/i.test(name) && !TEXT_EXT.test(name);
}

/**
 * Best format for the input from a bounded head of its bytes and its name; undefined when none
 * fits. Event files are recognised from their bytes (TFRecord framing with valid CRCs) before any
 * text decoding; everything else is sniffed from the first 16 KB decoded as text.
 */
export function detectFormat(input: ParserInput): Detection | undefined {
  if (input.bytes.length > 0 && isEventFile(input)) return { format: 'tfevents', score: 0.99 };
  const head = headText(input.bytes, 16384);
  const name = baseName(input.name);
  let best: Detection | undefined;
  for (const parser of parsers) {
    // Event files were judged from their bytes above; a text head of one says nothing more.
    if (parser.id === 'tfevents') continue;
    let score = 0;
    try {
      score = parser.sniff(head, name);
    } catch {
      score = 0;
    }
    if (score > (best?.score ?? 0)) best = { format: parser.id, score };
  }
  return best && best.score > 0 ? best : undefined;
}

/**
 * Parse one input, detecting its format unless `format` is given. `probe` is what detection and
 * the empty check look at: the input itself, or the head of a streamed input.
 */
export function parseLog(input: ParserInput, format?: FormatId, probe: ParserInput = input): ParsedLog {
  if (probe.bytes.length === 0) throw new InputError(input.name, 'empty file', { code: 'empty' });
  const id = format ?? detectFormat(probe)?.format;
  if (!id) {
    throw new InputError(input.name, 'not a training log lossdoc recognises', {
      code: 'unknown-format',
      hint: `pass --input-format (one of: ${formatIds.join(', ')})`,
    });
  }
  const ownReport = format ? undefined : ownReportError(input.name, probe.bytes);
  if (ownReport) throw ownReport;
  const parser = parserFor(id);
  if (!parser) throw new InputError(input.name, `unknown input format "${id}"`, { code: 'unknown-format' });
  return parser.parse(input);
}
