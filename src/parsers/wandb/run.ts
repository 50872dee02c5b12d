/**
 * One W&B run folder → one raw run. The metrics come from the binary transaction log
 * `run-<id>.wandb` (SDK ≥ 0.10) or, in legacy folders, `wandb-history.jsonl`; the configuration
 * from the log's config records or `config.yaml`; `wandb-summary.json` tells whether the log
 * lost its last rows. Pure: the caller hands over the bytes (the log as chunks, so a big one is
 * never held whole).
 */
import type { Hyperparameters, ParseWarning, RawRun } from '../../core/types.js';
import { InputError } from '../../errors.js';
import { decodeText, forEachLine } from '../text.js';
import { configFromItems, configFromYaml } from './config.js';
import { FrameReader } from './framing.js';
import { HistoryTable, type StepRule } from './history.js';
import { walkLooseJson } from './loose-json.js';
import { RecordDecoder } from './records.js';

interface WandbFile {
  name: string;
  bytes: Uint8Array;
}

export interface WandbRunFiles {
  /** The run folder's name (or the log's file name): the run id when no record names it. */
  folder: string;
  /** The transaction log, as its bytes in order. */
  log?: { name: string; chunks: Iterable<Uint8Array> };
  /** Legacy `wandb-history.jsonl`. */
  history?: WandbFile;
  summary?: WandbFile;
  config?: WandbFile;
  /** `maxSeries`: at most this many distinct history keys are read (the default when absent). */
  maxSeries?: number;
}

export interface WandbRun {
  raw: RawRun;
  id?: string;
  displayName?: string;
  /** "display name (id)" when the run has a display name. */
  label?: string;
  rows: number;
  exitCode?: number;
  /** False when the log ends early or has no exit record. */
  complete: boolean;
}

/** At most this many checksum or framing problems are listed one by one. */
const MAX_LISTED = 5;

/** The run id in a W&B folder name (`run-20240604_002738-vo9feo4c`, `offline-run-…`, `run-<id>.wandb`). */
function runIdFromName(name: string): string | undefined {
  const base = name.replace(/\.wandb$/i, '');
  const m = /-([A-Za-z0-9]+)$/.exec(base);
  return m ? m[1] : undefined;
}

/** Read one run. Throws InputError when neither a log nor a history can be read at all. */
export function readWandbRun(files: WandbRunFiles): WandbRun {
  const warnings: ParseWarning[] = [];
  let table: HistoryTable;
  let rules: StepRule[] = [];
  let hyperparameters: Hyperparameters = [];
  let id: string | undefined;
  let displayName: string | undefined;
  let exitCode: number | undefined;
  let complete = true;
  const summaryStep = files.summary ? summaryLastStep(files.summary, warnings) : undefined;

  if (files.log) {
    const log = readLog(files.log.name, files.log.chunks, files.maxSeries);
    table = log.decoder.table;
    const state = log.decoder.state;
    rules = state.rules;
    id = state.id;
    displayName = state.displayName;
    exitCode = state.exitCode;
    hyperparameters = configFromItems(state.config);
    warnings.push(...log.warnings);
    const lastStep = table.lastStep();
    const kept = `${table.rows} complete history row(s)${lastStep !== undefined ? ` up to step ${lastStep}` : ''} are analysed`;
    // How far the run got by its summary: wandb-summary.json, else the log's own summary records.
    const reached = summaryStep ?? state.summary.get('_step');
    const where = summaryStep !== undefined ? files.summary!.name : 'its summary';
    const later = reached !== undefined && lastStep !== undefined && reached > lastStep ? `; ${where} reports step ${reached}` : '';
    if (log.frames.stop) {
      complete = false;
      warnings.push({
        code: 'incomplete',
        message: `${files.log.name}: incomplete W&B log (killed or still running): ${log.frames.stop.reason}${exitCode === undefined ? ', and there is no exit record' : ''}; the ${kept}${later}`,
      });
    } else if (exitCode === undefined) {
      complete = false;
      warnings.push({
        code: 'incomplete',
        message: `${files.log.name}: incomplete W&B log: no exit record after its last record (the run was killed or is still running); the ${kept}${later}`,
      });
    }
    if (exitCode !== undefined && exitCode !== 0) {
      warnings.push({ code: 'run-failed', message: `${files.log.name}: the run exited with code ${exitCode} (it crashed or was interrupted)` });
    }
  } else if (files.history) {
    table = readHistoryJsonl(files.history, warnings, files.maxSeries);
    const lastStep = table.lastStep();
    if (summaryStep !== undefined && lastStep !== undefined && summaryStep > lastStep) {
      complete = false;
      warnings.push({
        code: 'incomplete',
        message: `${files.history.name}: incomplete history: it stops at step ${lastStep} but ${files.summary!.name} reports step ${summaryStep}; the ${table.rows} history row(s) are analysed`,
      });
    }
  } else {
    throw new InputError(files.config?.name ?? files.summary?.name ?? files.folder, 'W&B run folder without a run-<id>.wandb log or wandb-history.jsonl', {
      code: 'no-scalars',
    });
  }
  if (hyperparameters.length === 0 && files.config) hyperparameters = configFromYaml(decodeText(files.config.bytes));
  id ??= runIdFromName(files.folder);
  const label = displayName !== undefined ? (id !== undefined && id !== displayName ? `${displayName} (${id})` : displayName) : undefined;
  const capped = table.capWarning();
  if (capped) warnings.push(capped);
  const raw: RawRun = { name: label ?? files.folder, metrics: table.toMetrics(rules), warnings };
  if (hyperparameters.length > 0) raw.hyperparameters = hyperparameters;
  return {
    raw,
    ...(id !== undefined ? { id } : {}),
    ...(displayName !== undefined ? { displayName } : {}),
    ...(label !== undefined ? { label } : {}),
    rows: table.rows,
    ...(exitCode !== undefined ? { exitCode } : {}),
    complete,
  };
}

/** Frame and decode a transaction log. Throws InputError when it is not one. */
function readLog(name: string, chunks: Iterable<Uint8Array>, maxSeries?: number): { decoder: RecordDecoder; frames: FrameReader; warnings: ParseWarning[] } {
  const decoder = new RecordDecoder(maxSeries);
  const frames = new FrameReader((bytes, start, end, offset) => decoder.record(bytes, start, end, offset));
  for (const chunk of chunks) {
    frames.push(chunk);
    if (frames.badHeader !== undefined) break;
  }
  frames.end();
  if (frames.badHeader !== undefined) {
    throw new InputError(name, frames.badHeader, { code: frames.badHeader === 'empty file' ? 'empty' : 'bad-wandb' });
  }
  const warnings: ParseWarning[] = [];
  frames.problems.slice(0, MAX_LISTED).forEach((p) => warnings.push({ code: p.code, message: `${name}: ${p.message}` }));
  if (frames.problems.length > MAX_LISTED) {
    warnings.push({ code: 'crc-mismatch', message: `${name}: ${frames.problems.length - MAX_LISTED} more damaged chunks skipped` });
  }
  const { malformed, firstMalformedOffset } = decoder.state;
  if (malformed > 0) {
    warnings.push({
      code: 'bad-record',
      message: `${name}: ${malformed} record(s) are not valid W&B records (the first at byte offset ${firstMalformedOffset}); skipped`,
    });
  }
  return { decoder, frames, warnings };
}

/** Legacy `wandb-history.jsonl`: one JSON object per row (NaN/Infinity tokens allowed). */
function readHistoryJsonl(file: WandbFile, warnings: ParseWarning[], maxSeries?: number): HistoryTable {
  const table = new HistoryTable(maxSeries);
  const text = decodeText(file.bytes);
  const endsWithNewline = /\n\s*$/.test(text.slice(-4));
  let bad = 0;
  let firstBad = 0;
  let lines = 0;
  forEachLine(text, (line, index) => {
    lines = index + 1;
    if (line.trim() === '') return;
    const row = table.rows;
    const ok = walkLooseJson(
      line,
      (path, value) => {
        if (typeof value === 'number') table.column(path)?.set(row, value);
      },
      { skipTyped: true },
    );
    if (ok) {
      table.endRow();
      return;
    }
    // A line that is not JSON set nothing (walkLooseJson hands on leaves only once the whole line parsed).
    if (bad++ === 0) firstBad = index + 1;
  });
  if (bad > 0) {
    const cut = bad === 1 && firstBad === lines && !endsWithNewline;
    warnings.push(
      cut
        ? { code: 'incomplete', line: firstBad, message: `${file.name}:${firstBad}: the last row is cut short (killed or still running); the ${table.rows} complete row(s) are analysed` }
        : { code: 'bad-line', line: firstBad, message: `${file.name}:${firstBad}: ${bad} line(s) are not JSON objects; skipped` },
    );
  }
  return table;
}

/** `_step` of `wandb-summary.json`, when it has one. */
function summaryLastStep(file: WandbFile, warnings: ParseWarning[]): number | undefined {
  let step: number | undefined;
  const ok = walkLooseJson(decodeText(file.bytes), (path, value) => {
    if (path === '_step' && typeof value === 'number') step = value;
  });
  if (!ok) warnings.push({ code: 'bad-summary', message: `${file.name}: not a JSON object; ignored` });
  return step;
}
