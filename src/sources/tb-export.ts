/**
 * TensorBoard UI exports (`run-<run>-tag-<tag>.csv/json`): the exports of one run in one folder
 * are one run; Keras' `<stamp>_train` and `<stamp>_validation` exports are one run with two
 * splits, their tags prefixed by the split.
 */
import type { RawRun } from '../core/types.js';
import { parseTbExportName } from '../parsers/csv/tbExport.js';
import { parseFile } from './files.js';
import { basename, dirname, join } from './paths.js';
import { defineSource, type Group, type Member } from './types.js';

/**
 * `run-<run>-tag-<tag>.csv` → the run the file belongs to and its split: Keras' `<stamp>_train`
 * and `<stamp>_validation` exports are one run with two splits.
 */
export function tbExportRun(path: string): { run: string; split: string } {
  const base = basename(path);
  const parts = parseTbExportName(base);
  if (!parts) return { run: base.replace(/\.(csv|json)$/i, ''), split: '' };
  const prefix = base.slice(0, base.toLowerCase().lastIndexOf(`run-${parts.run.toLowerCase()}-tag-`));
  const m = /^(.*?)[_/]?(train|training|validation|val|valid|eval|evaluation|test)$/i.exec(parts.run);
  return m ? { run: `${prefix}run-${m[1] || '.'}`, split: m[2] } : { run: `${prefix}run-${parts.run}`, split: '' };
}

export const tbExportSource = defineSource({
  id: 'tb-export-run',
  description: 'TensorBoard UI downloads of one run in one folder (run-<run>-tag-<tag>.csv/json, train and validation exports as splits)',
  claim(members, ctx) {
    const groups = new Map<string, Group>();
    const rest: Member[] = [];
    for (const m of members) {
      const kind = ctx.kindOf(m);
      if (kind.kind !== 'format' || (kind.format !== 'tb-export-csv' && kind.format !== 'tb-export-json')) {
        rest.push(m);
        continue;
      }
      const parsed = parseFile(m, kind.format, ctx);
      if (!parsed) continue;
      const key = dirname(m.path);
      const label = tbExportRun(m.path).run;
      const id = `${key}\u0000${label}`;
      let g = groups.get(id);
      if (!g) {
        g = { source: tbExportSource, key, label, members: [], parsed: [] };
        groups.set(id, g);
      }
      g.members.push(m);
      g.parsed!.push(parsed);
    }
    return { groups: [...groups.values()], rest };
  },
  read(g, ctx) {
    const parsed = g.parsed!;
    // Several splits (`…_train`, `…_validation`) of one run: their tags get the split as a prefix.
    const splits = parsed.map((p) => tbExportRun(p.member.path).split);
    const prefix = new Set(splits).size > 1;
    const raw: RawRun = {
      name: '',
      metrics: parsed.flatMap((p, i) =>
        p.runs.flatMap((r) => r.metrics.map((m) => (prefix && splits[i] && !m.name.startsWith(`${splits[i]}/`) ? { ...m, name: `${splits[i]}/${m.name}` } : m))),
      ),
      warnings: parsed.flatMap((p) => p.runs.flatMap((r) => r.warnings)),
    };
    const single = g.members.length === 1;
    const onlyExportRunHere = ctx.groups.filter((o) => o.source === tbExportSource && o.key === g.key).length === 1;
    const folderName = onlyExportRunHere ? ctx.nameOf(g) : join(g.key, g.label!);
    const name = single ? (ctx.scanned ? g.members[0].path : g.members[0].input.name) : folderName;
    ctx.push(g, raw, parsed[0].format, name, single ? g.members[0].input.name : onlyExportRunHere ? ctx.fullPath(g.key) : join(ctx.fullPath(g.key), g.label!));
  },
});
