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
import { textLogParser } from './text-log.js';
import { tfeventsParser } from './tfevents.js';
import { baseName, headText } from './text.js';
import type { LogParser, ParserInput } from './types.js';

/** Every single-file parser. Order breaks sniff ties: more specific first. */
export const parsers: readonly LogParser[] = [
  tfeventsParser,
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

/** Best format for the input from a bounded head of its bytes and its name; undefined when none fits. */
export function detectFormat(input: ParserInput): Detection | undefined {
  const head = headText(input.bytes, 16384);
  const name = baseName(input.name);
  let best: Detection | undefined;
  for (const parser of parsers) {
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

/** Parse one input, detecting its format unless `format` is given. */
export function parseLog(input: ParserInput, format?: FormatId): ParsedLog {
  if (input.bytes.length === 0) throw new InputError(input.name, 'empty file', { code: 'empty' });
  const id = format ?? detectFormat(input)?.format;
  if (!id) {
    throw new InputError(input.name, 'not a training log lossdoc recognises', {
      code: 'unknown-format',
      hint: `pass --input-format (one of: ${formatIds.join(', ')})`,
    });
  }
  const parser = parserFor(id);
  if (!parser) throw new InputError(input.name, `unknown input format "${id}"`, { code: 'unknown-format' });
  return parser.parse(input);
}
