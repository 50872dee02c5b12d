/**
 * Real MLflow run folders (../shared/corpus/mlflow, see SOURCES.md). Skipped with a note when
 * the folder is absent.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isMlflowRunListing, parseMlflowRun } from '../../src/sources/mlflow.js';
import { corpusPresent } from '../helpers/corpus.js';
import { readRunFolder } from '../helpers/run-folder.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const folder = path.resolve(repoRoot, '../shared/corpus/mlflow');
const have = corpusPresent(folder);
const describeCorpus = have ? describe : describe.skip;


const EXPECTED: Record<string, { name: string; metrics: Record<string, number>; failed: boolean }> = {
  '10-Academy-Batch-4-Week-4__Swahili-Speech-To-Text__run_ed05f9cd': {
    name: '10-Academy-Batch-4-Week-4__Swahili-Speech-To-Text__run_ed05f9cd',
    metrics: { loss: 10 },
    failed: false,
  },
  BozzoloLu__GAN__run_71597c39: { name: 'Run_0', metrics: { 'Discriminator loss': 270, 'Generator loss': 270 }, failed: true },
  BozzoloLu__GAN__run_e53963d9: { name: 'Run_0', metrics: { 'Discriminator loss': 26, 'Generator loss': 26 }, failed: true },
  CHRISTIANDAGATTI__Deep_Learning_Diplo__run_5b864efd: {
    name: 'CHRISTIANDAGATTI__Deep_Learning_Diplo__run_5b864efd',
    metrics: { test_loss: 3, train_loss: 3 },
    failed: false,
  },
  GhadeerElmkaiel__SegFormer__run_3c7adce7: {
    name: 'GhadeerElmkaiel__SegFormer__run_3c7adce7',
    metrics: { learning_rate: 6, 'train/loss': 6 },
    failed: false,
  },
};

describeCorpus('MLflow corpus', () => {
  const runs = have ? readdirSync(folder).sort() : [];

  it('reads every run folder with the expected names, metrics and counts', () => {
    expect(runs.sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const dir of runs) {
      const files = readRunFolder(path.join(folder, dir));
      const listing = readdirSync(path.join(folder, dir), { withFileTypes: true }).map((e) => ({ name: e.name, isDir: e.isDirectory() }));
      expect(isMlflowRunListing(listing), dir).toBe(true);
      const run = parseMlflowRun(files, path.join(folder, dir));
      const want = EXPECTED[dir];
      expect(run.name, dir).toBe(want.name);
      expect(Object.fromEntries(run.metrics.map((m) => [m.name, m.value.length])), dir).toEqual(want.metrics);
      expect(run.warnings.some((w) => w.message.includes('run marked FAILED')), dir).toBe(want.failed);
      expect(run.warnings.filter((w) => !w.message.includes('run marked')), dir).toEqual([]);
      for (const m of run.metrics) expect(m.value.every((v) => Number.isFinite(v)), `${dir} ${m.name}`).toBe(true);
    }
  });

  it('keeps logged steps (SegFormer logs every 10 iterations)', () => {
    const run = parseMlflowRun(readRunFolder(path.join(folder, 'GhadeerElmkaiel__SegFormer__run_3c7adce7')), 'x');
    const loss = run.metrics.find((m) => m.name === 'train/loss')!;
    expect(Array.from(loss.step!)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(loss.value[0]).toBe(2.6203076362609865);
  });
});
