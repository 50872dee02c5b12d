/**
 * Weights & Biases local run folders (`wandb/run-*`, `wandb/offline-run-*`, legacy `dryrun-*`):
 * the binary `run-<id>.wandb` transaction log read natively (no wandb package), or the legacy
 * `wandb-history.jsonl`, with `config.yaml` and `wandb-summary.json`. Pure.
 */
import { InputError } from '../../errors.js';
import { isStreamingInput } from '../csv/fast.js';
import { seriesLimit } from '../series-cap.js';
import { baseName } from '../text.js';
import { defineParser, type ParserInput } from '../types.js';
import { readWandbRun, type WandbRun, type WandbRunFiles } from './run.js';

export { isWandbLog } from './framing.js';
export { readWandbRun, type WandbRun } from './run.js';

/** The bytes of an input in order: chunk by chunk for a streamed one. */
function chunksOf(input: ParserInput): Iterable<Uint8Array> {
  return isStreamingInput(input) ? input.chunks() : [input.bytes];
}

/**
 * Read one W&B run folder from its files, given by their path below the folder (`run-x.wandb`,
 * `files/config.yaml`, `wandb-summary.json`…). `folder` names the run when no record does.
 */
export function parseWandbFolder(files: ReadonlyArray<{ rel: string; input: ParserInput }>, folder: string): WandbRun {
  const run: WandbRunFiles = { folder: baseName(folder) };
  // The newest of several logs (a resumed run writes one per resume) is not guessed: the first in name order is read.
  const logs = files.filter((f) => /\.wandb$/i.test(f.rel)).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  // (A streamed input is never empty, and its `bytes` would read the whole file: test it first.)
  const nonEmpty = (input: ParserInput) => isStreamingInput(input) || input.bytes.length > 0;
  const log = logs.find((f) => nonEmpty(f.input)) ?? logs[0];
  const history = files.find((f) => baseName(f.rel) === 'wandb-history.jsonl');
  if (log && (!history || nonEmpty(log.input))) {
    run.log = { name: log.input.name, chunks: chunksOf(log.input) };
    run.maxSeries = seriesLimit(log.input);
  } else if (history) {
    run.history = { name: history.input.name, bytes: history.input.bytes };
    run.maxSeries = seriesLimit(history.input);
  }
  const pick = (name: string) => {
    const found = files.find((f) => f.rel === `files/${name}`) ?? files.find((f) => f.rel === name);
    return found ? { name: found.input.name, bytes: found.input.bytes } : undefined;
  };
  const summary = pick('wandb-summary.json');
  const config = pick('config.yaml');
  if (summary) run.summary = summary;
  if (config) run.config = config;
  if (run.history && run.history.bytes.length === 0) throw new InputError(run.history.name, 'empty file', { code: 'empty' });
  return readWandbRun(run);
}

export const wandbParser = defineParser({
  id: 'wandb',
  description: 'Weights & Biases run folders: the binary run-<id>.wandb log (read natively), or legacy wandb-history.jsonl',
  sniff(head: string, fileName: string): number {
    if (head.startsWith(':W&B')) return 0.99;
    return /\.wandb$/i.test(fileName) && head.length === 0 ? 0.5 : 0;
  },
  parse(input) {
    const run = readWandbRun({ folder: baseName(input.name), log: { name: input.name, chunks: chunksOf(input) }, maxSeries: seriesLimit(input) });
    return { format: 'wandb', runs: [run.raw] };
  },
});
