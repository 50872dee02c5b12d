/**
 * Which inputs make up which W&B run: a run folder's `.wandb` log (or legacy
 * `wandb-history.jsonl`) with the `config.yaml` and `wandb-summary.json` beside it or in its
 * `files/`. A folder holding several logs makes each log a run of its own. Pure: paths and bytes.
 */
import type { FormatId } from '../core/types.js';
import { isWandbLog } from '../parsers/wandb/index.js';

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i > 0 ? path.slice(0, i) : i === 0 ? '/' : '';
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A member that holds a run's metrics: a W&B log by its bytes or its `.wandb` name (a damaged one is reported as such), or `wandb-history.jsonl`. */
function isRunLog(path: string, head: Uint8Array, forced: FormatId | undefined): boolean {
  if (forced !== undefined && forced !== 'wandb') return false;
  const name = basename(path);
  return name === 'wandb-history.jsonl' || /\.wandb$/i.test(name) || isWandbLog(head);
}

/**
 * The run key of every W&B member (its run folder, or the log's own path when its folder holds
 * several logs); other members are absent from the map.
 */
export function wandbRunKeys<M extends { path: string }>(members: readonly M[], headOf: (m: M) => Uint8Array, forced?: FormatId): Map<M, string> {
  const keys = new Map<M, string>();
  const logsIn = new Map<string, M[]>();
  for (const m of members) {
    if (!isRunLog(m.path, headOf(m), forced)) continue;
    const dir = dirname(m.path);
    logsIn.set(dir, [...(logsIn.get(dir) ?? []), m]);
  }
  for (const [dir, logs] of logsIn) {
    // A binary log and the legacy history of one folder are one run; several binary logs are several runs.
    const binary = logs.filter((m) => basename(m.path) !== 'wandb-history.jsonl');
    for (const m of logs) keys.set(m, binary.length > 1 && binary.includes(m) ? m.path : dir);
  }
  const single = (dir: string) => {
    const logs = logsIn.get(dir);
    return logs !== undefined && logs.filter((m) => basename(m.path) !== 'wandb-history.jsonl').length <= 1;
  };
  for (const m of members) {
    const name = basename(m.path);
    if (keys.has(m) || (name !== 'config.yaml' && name !== 'wandb-summary.json')) continue;
    const dir = dirname(m.path);
    const runDir = logsIn.has(dir) ? dir : basename(dir) === 'files' && logsIn.has(dirname(dir)) ? dirname(dir) : undefined;
    if (runDir !== undefined && single(runDir)) keys.set(m, runDir);
  }
  return keys;
}
