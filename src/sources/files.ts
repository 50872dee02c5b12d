/**
 * Single-file logs: every file no folder source claimed is one run, read by its parser (a W&B
 * export may hold several). A Lightning `version_N/metrics.csv` is named by its `version_N` folder;
 * runs appended to one file (its epoch, else step, starting again at the first value) are
 * `file#1`, `file#2`, … (split-appended.ts); a train file and a validation file of one folder
 * (`train_loss.csv` + `val_loss.csv`) are one run named after both (pair-splits.ts).
 */
import type { FormatId } from '../core/types.js';
import { InputError } from '../errors.js';
import { formatIds, parserFor } from '../parsers/index.js';
import { decodeText } from '../parsers/text.js';
import { mergeSplitRuns, pairSplitFiles } from './pair-splits.js';
import { basename, dirname } from './paths.js';
import { splitAppendedRuns } from './split-appended.js';
import { tensorboardSource } from './tensorboard.js';
import { defineSource, describeError, type ClaimContext, type Group, type Member, type ParsedFile } from './types.js';

/** The top-level keys of a JSON object file, listed for a message; undefined when it is not one. */
function jsonObjectKeys(bytes: Uint8Array): string | undefined {
  const text = decodeText(bytes);
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const keys = Object.keys(value);
    return keys.length === 0 ? undefined : `${keys.slice(0, 8).join(', ')}${keys.length > 8 ? `, and ${keys.length - 8} more` : ''}`;
  } catch {
    return undefined;
  }
}

/** Parse one file as `format`; a failure is reported (ctx.fail) and gives undefined. */
export function parseFile(m: Member, format: FormatId, ctx: ClaimContext): ParsedFile | undefined {
  const { input } = m;
  const parser = parserFor(format);
  if (!parser) {
    ctx.fail(new InputError(input.name, `unknown input format "${format}"`, { code: 'unknown-format' }), 'failed', m);
    return undefined;
  }
  try {
    const log = parser.parse(input);
    return { member: m, format: log.format, runs: log.runs };
  } catch (error) {
    const e = describeError(error, input.name);
    ctx.fail(e, e.code === 'no-scalars' ? 'no-scalars' : 'failed', m);
    return undefined;
  }
}

/** Train and validation files of one run become one group of single files (rules in pair-splits.ts). */
function pairTrainValFiles(groups: Group[]): Group[] {
  // Files holding one run: any log, or a TensorBoard UI export alone in its group (a renamed download).
  const single = groups.filter((g) => g.parsed !== undefined && g.members.length === 1 && g.parsed.length === 1 && g.parsed[0].runs.length === 1);
  const files = single.map((g) => ({ dir: dirname(g.members[0].path), base: basename(g.members[0].path), format: g.parsed![0].format }));
  const absorbed: Group[] = [];
  for (const pair of pairSplitFiles(files)) {
    const train = single[pair.train];
    const val = single[pair.val];
    const merged = mergeSplitRuns(train.parsed![0].runs[0], val.parsed![0].runs[0]);
    if (pair.guess) {
      merged.warnings.unshift({
        code: 'paired-guess',
        message: `read with ${val.members[0].input.name} as its validation curve: the only train and validation files of their folder, though their names differ otherwise`,
      });
    }
    train.members.push(...val.members);
    train.parsed = [{ ...train.parsed![0], runs: [merged] }];
    train.source = fileSource;
    train.key = train.members[0].path;
    train.folder = dirname(train.key);
    delete train.label;
    absorbed.push(val);
  }
  return absorbed;
}

export const fileSource = defineSource({
  id: 'file',
  description: 'any other file, read by its parser; runs appended to one file are split, a train and a validation file of one folder are one run',
  claim(members, ctx) {
    const groups: Group[] = [];
    for (const m of members) {
      const { input } = m;
      const kind = ctx.kindOf(m);
      if (kind.kind === 'empty') {
        ctx.fail(new InputError(input.name, 'empty file', { code: 'empty' }), 'failed', m);
        continue;
      }
      if (kind.kind === 'own-report') {
        ctx.fail(kind.error, 'failed', m);
        continue;
      }
      if (kind.kind === 'unknown') {
        const keys = ctx.scanned ? undefined : jsonObjectKeys(input.bytes);
        ctx.fail(
          new InputError(input.name, `not a training log lossdoc recognises${keys ? ` (a JSON object with the keys ${keys}, none of them a series)` : ''}`, {
            code: 'unknown-format',
            hint: `pass --input-format (one of: ${formatIds.join(', ')})`,
          }),
          'failed',
          m,
        );
        continue;
      }
      const parsed = parseFile(m, kind.format, ctx);
      if (parsed) groups.push({ source: fileSource, key: m.path, folder: dirname(m.path), members: [m], parsed: [parsed] });
    }
    // A lone TensorBoard export (claimed before) pairs like any single file.
    const candidates = [...ctx.groups.filter((g) => g.parsed !== undefined), ...groups].sort((a, b) => a.members[0].index - b.members[0].index);
    const absorbed = pairTrainValFiles(candidates);
    return { groups: groups.filter((g) => !absorbed.includes(g)), rest: [], absorbed: absorbed.filter((g) => !groups.includes(g)) };
  },
  read(g, ctx) {
    const { member, format, runs } = g.parsed![0];
    let name = ctx.scanned ? member.path : member.input.name;
    // A train file read with its validation file: both named.
    if (g.members.length === 2) name = `${name} + ${basename(g.members[1].path)}`;
    // A Lightning CSVLogger run is its version_N folder (unless event files there are that run).
    const dir = dirname(member.path);
    if (ctx.scanned && basename(member.path) === 'metrics.csv' && /^version_\d+$/.test(basename(dir)) && !ctx.groups.some((o) => o.source === tensorboardSource && o.key === dir)) {
      name = dir;
    }
    const many = runs.length > 1;
    for (const raw of runs) {
      const runName = many ? `${name} :: ${raw.name}` : name;
      const runPath = many ? `${member.input.name} :: ${raw.name}` : member.input.name;
      // Runs appended to one file (split-appended.ts) are file#1, file#2, …
      const parts = splitAppendedRuns(raw);
      parts.forEach((part, k) => {
        const suffix = parts.length > 1 ? `#${k + 1}` : '';
        ctx.push(g, part, format, `${runName}${suffix}`, `${runPath}${suffix}`);
      });
    }
  },
});
