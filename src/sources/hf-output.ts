/**
 * Hugging Face Trainer output folders: `checkpoint-N/trainer_state.json` copies repeat the log of
 * the output folder. In a scanned directory they are left out when the output folder has its own
 * trainer_state.json, else only the latest checkpoint's is read (by the single-file parser).
 * Files given directly are read as given.
 */
import { basename, dirname } from './paths.js';
import { defineSource, type Member } from './types.js';

const STATE_FILE = 'trainer_state.json';

/**
 * True when a folder's listing is a Trainer output folder (its trainer_state.json, not a
 * checkpoint's copy): its config.json is then the run's configuration, not only a model's.
 */
export function isHfOutputListing(entries: ReadonlyArray<{ name: string; isFile: boolean }>, rel: string): boolean {
  return entries.some((e) => e.isFile && e.name === STATE_FILE) && !/(^|\/)checkpoint-\d+$/.test(rel);
}

/** The output folder and step of a checkpoint's trainer_state.json, else undefined. */
function checkpointOf(m: Member): { parent: string; n: number } | undefined {
  if (basename(m.path) !== STATE_FILE) return undefined;
  const dir = dirname(m.path);
  const match = /^checkpoint-(\d+)$/.exec(basename(dir));
  return match ? { parent: dirname(dir), n: Number(match[1]) } : undefined;
}

export const hfOutputSource = defineSource({
  id: 'hf-output',
  description: 'Hugging Face Trainer output folder (its trainer_state.json, else the latest checkpoint-N copy; the other copies are left out)',
  claim(members, ctx) {
    if (!ctx.scanned) return { groups: [], rest: [...members] };
    const states = new Set(members.filter((m) => basename(m.path) === STATE_FILE).map((m) => dirname(m.path)));
    const latest = new Map<string, number>();
    for (const m of members) {
      const c = checkpointOf(m);
      if (c) latest.set(c.parent, Math.max(latest.get(c.parent) ?? -1, c.n));
    }
    const rest = members.filter((m) => {
      const c = checkpointOf(m);
      return !c || (!states.has(c.parent) && latest.get(c.parent) === c.n);
    });
    return { groups: [], rest };
  },
  // It claims no files: the state file it keeps is read by the single-file parser.
  read() {},
});
