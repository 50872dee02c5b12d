/**
 * The DVCLive folder of the corpus (../shared/corpus/dvclive_tsv, see SOURCES.md): its TSVs were
 * saved flat, without the plots/metrics/ folders. Skipped with a note when absent.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvcliveTsvParser, parseDvcliveRun } from '../../src/parsers/dvclive.js';
import { headText } from '../../src/parsers/text.js';
import { CORPUS, corpusPresent } from '../helpers/corpus.js';
import { readRunFolder } from '../helpers/run-folder.js';

const folder = path.join(CORPUS, 'dvclive_tsv');
const have = corpusPresent(folder);
const describeCorpus = have ? describe : describe.skip;

describeCorpus('DVCLive corpus', () => {
  const dir = have ? path.join(folder, readdirSync(folder)[0]) : '';
  const files = have ? readRunFolder(dir) : [];

  it('reads the run: eval_loss with every step twice, loss once per step', () => {
    const run = parseDvcliveRun(files, 'ogt_protein_regressor');
    expect(run.warnings).toEqual([]);
    expect(run.metrics.map((m) => m.name)).toEqual(['eval_loss', 'loss']);
    expect(Array.from(run.metrics[0].step!)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(run.metrics[0].value[0]).toBe(1.2221299409866333);
    expect(run.metrics[0].value[7]).toBe(0.6098052263259888);
    expect(Array.from(run.metrics[1].value)).toEqual([0.9836, 0.8058, 0.6058, 0.4817]);
  });

  it('sniffs and parses each TSV on its own', () => {
    for (const f of files) {
      expect(dvcliveTsvParser.sniff(headText(f.bytes), f.relPath)).toBe(0.95);
      const parsed = dvcliveTsvParser.parse({ name: path.join(dir, f.relPath), bytes: f.bytes });
      expect(parsed.runs[0].metrics[0].name).toBe(f.relPath.replace(/\.tsv$/, ''));
    }
  });
});
