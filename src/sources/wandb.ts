/**
 * W&B run folders: a run folder's `.wandb` log (or legacy `wandb-history.jsonl`) with the
 * `config.yaml` and `wandb-summary.json` beside it or in its `files/` is one run, named by its
 * display name and id. A folder holding several logs makes each log a run of its own.
 */
import type { FormatId } from '../core/types.js';
import { InputError } from '../errors.js';
import { probeOf } from '../parsers/csv/fast-entry.js';
import { isWandbLog, parseWandbFolder } from '../parsers/wandb/index.js';
import { basename, dirname, relTo } from './paths.js';
import { claimByKey, defineSource, describeError, type Member } from './types.js';

/** A W&B run log by its name: a `.wandb` log or the legacy `wandb-history.jsonl`. */
function isWandbLogName(name: string): boolean {
  return /\.wandb$/i.test(name) || name === 'wandb-history.jsonl';
}

/** Files a W&B run folder is read from: the `.wandb` log or legacy `wandb-history.jsonl`, config.yaml, wandb-summary.json. */
export function isWandbRunFile(name: string): boolean {
  return isWandbLogName(name) || name === 'config.yaml' || name === 'wandb-summary.json';
}

/** True when a folder's listing is a W&B run folder: it holds a `.wandb` log or a legacy `wandb-history.jsonl`. */
export function isWandbRunListing(entries: ReadonlyArray<{ name: string; isDir: boolean }>): boolean {
  return entries.some((e) => !e.isDir && isWandbLogName(e.name));
}

/** W&B run folder names: `run-20240604_002738-vo9feo4c`, `offline-run-…`, legacy `dryrun-…`. */
const WANDB_RUN_DIR = /^(run|offline-run|dryrun)-\d{8}_\d{6}-[A-Za-z0-9]+$/;

/** True when a folder's listing is a `wandb/` folder: W&B run folders, or its `latest-run` link. */
export function isWandbRootListing(entries: ReadonlyArray<{ name: string; isDir: boolean }>): boolean {
  return entries.some((e) => e.isDir && (e.name === 'latest-run' || WANDB_RUN_DIR.test(e.name)));
}

/** The W&B SDK's own logs in a `wandb/` folder: `debug.log`, `debug-internal.log`, `debug-cli.<user>.log`. */
export function isWandbDebugLog(name: string): boolean {
  return name === 'debug.log' || name === 'debug-internal.log' || /^debug-cli\.[^/]*\.log$/.test(name);
}

/** A member that holds a run's metrics: a W&B log by its bytes or its `.wandb` name (a damaged one is reported as such), or `wandb-history.jsonl`. */
function isRunLog(path: string, head: Uint8Array, forced: FormatId | undefined): boolean {
  if (forced !== undefined && forced !== 'wandb') return false;
  return isWandbLogName(basename(path)) || isWandbLog(head);
}

/**
 * The run key of every W&B member (its run folder, or the log's own path when its folder holds
 * several logs); other members are absent from the map.
 */
function wandbRunKeys(members: readonly Member[], forced: FormatId | undefined): Map<Member, string> {
  const keys = new Map<Member, string>();
  const logsIn = new Map<string, Member[]>();
  for (const m of members) {
    if (!isRunLog(m.path, probeOf(m.input).bytes, forced)) continue;
    const dir = dirname(m.path);
    const logs = logsIn.get(dir);
    if (logs) logs.push(m);
    else logsIn.set(dir, [m]);
  }
  /** Folders whose logs are one run (at most one binary log): their config and summary belong to it. */
  const single = new Set<string>();
  for (const [dir, logs] of logsIn) {
    // A binary log and the legacy history of one folder are one run; several binary logs are several runs.
    const isBinary = (m: Member) => basename(m.path) !== 'wandb-history.jsonl';
    const several = logs.filter(isBinary).length > 1;
    if (!several) single.add(dir);
    for (const m of logs) keys.set(m, several && isBinary(m) ? m.path : dir);
  }
  for (const m of members) {
    const name = basename(m.path);
    if (keys.has(m) || (name !== 'config.yaml' && name !== 'wandb-summary.json')) continue;
    const dir = dirname(m.path);
    const runDir = logsIn.has(dir) ? dir : basename(dir) === 'files' && logsIn.has(dirname(dir)) ? dirname(dir) : undefined;
    if (runDir !== undefined && single.has(runDir)) keys.set(m, runDir);
  }
  return keys;
}

export const wandbSource = defineSource({
  id: 'wandb-run',
  description: 'W&B run folder (run-<date>_<time>-<id>/: the .wandb log or wandb-history.jsonl, with config.yaml and wandb-summary.json)',
  claim(members, ctx) {
    const keys = wandbRunKeys(members, ctx.forced);
    return claimByKey(wandbSource, members, (m) => keys.get(m));
  },
  read(g, ctx) {
    const where = g.members.length === 1 && !ctx.scanned ? g.members[0].input.name : ctx.fullPath(g.key);
    try {
      const files = g.members.map((m) => ({ rel: m.path === g.key ? basename(m.path) : relTo(m.path, g.key), input: m.input }));
      const run = parseWandbFolder(files, where);
      if (run.raw.metrics.length === 0) {
        ctx.fail(new InputError(where, 'no scalar series: the W&B run logged no numeric history', { code: 'no-scalars' }), 'no-scalars');
        return;
      }
      ctx.push(g, run.raw, 'wandb', run.label ?? ctx.nameOf(g));
    } catch (error) {
      const e = describeError(error, where);
      ctx.fail(e, e.code === 'no-scalars' ? 'no-scalars' : 'failed');
    }
  },
});

