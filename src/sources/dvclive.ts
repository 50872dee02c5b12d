/**
 * DVCLive folders: the TSVs under one `plots/metrics/` are one run (named by the folder holding
 * `plots/`); other DVCLive TSVs of one folder are one run. Its summary files are not logs.
 */
import { InputError } from '../errors.js';
import { PLOTS, parseDvcliveRun } from '../parsers/dvclive.js';
import { dirname, relTo } from './paths.js';
import { claimByKey, defineSource } from './types.js';

const [plotsDir, metricsDir] = PLOTS.split('/');

/** Where DVCLive writes its metric TSVs below its folder: `plots/metrics/` (the parser's PLOTS), folder by folder. */
export const DVCLIVE_LAYOUT = { plots: plotsDir, metrics: metricsDir } as const;

/** A DVCLive metric file's path: `…/plots/metrics/<name>.tsv` (PLOTS escaped: a literal). */
const METRIC_PATH = new RegExp(`(^|/)${PLOTS.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.+\\.tsv$`, 'i');

/** A metric file in a DVCLive folder's plots/metrics/. */
export function isDvcliveMetricFile(name: string): boolean {
  return /\.tsv$/i.test(name);
}

/** DVCLive's summary files beside plots/: not logs. */
export function isDvcliveSummaryFile(name: string): boolean {
  return name === 'metrics.json' || name === 'report.html' || name === 'report.md';
}

/** The DVCLive folder of a file by its path (`…/plots/metrics/<name>.tsv`), else undefined. */
function folderByPath(path: string): string | undefined {
  if (!METRIC_PATH.test(path)) return undefined;
  const i = path.lastIndexOf(PLOTS);
  return path.slice(0, Math.max(0, i - 1));
}

export const dvcliveSource = defineSource({
  id: 'dvclive-folder',
  description: 'DVCLive folder (dvclive/plots/metrics/<name>.tsv read as one run, named by the folder holding plots/)',
  claim(members, ctx) {
    return claimByKey(dvcliveSource, members, (m) => {
      const key = ctx.forced === undefined || ctx.forced === 'dvclive' ? folderByPath(m.path) : undefined;
      if (key !== undefined) return key;
      const kind = ctx.kindOf(m);
      return kind.kind === 'format' && kind.format === 'dvclive' ? dirname(m.path) : undefined;
    });
  },
  read(g, ctx) {
    const raw = parseDvcliveRun(
      g.members.map((m) => ({ relPath: relTo(m.path, g.key), bytes: m.input.bytes })),
      ctx.fullPath(g.key),
    );
    if (raw.metrics.length === 0) {
      const why = raw.warnings[0];
      const where = g.members.length === 1 && !ctx.scanned ? g.members[0].input.name : ctx.fullPath(g.key);
      ctx.fail(new InputError(where, `no DVCLive metric could be read${why ? ` (${why.message})` : ''}`, { code: 'bad-dvclive' }));
      return;
    }
    ctx.push(g, raw, 'dvclive', ctx.nameOf(g));
  },
});
