/**
 * Failure classes seen on real logs, each pinned on a real log of ../shared/corpus whose numbers
 * show it (the reading is in test/eval/corpus-labels.json). Skipped when the corpus is absent.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuns } from '../../src/api.js';
import { analyzeRun } from '../../src/core/analyze.js';
import type { RunReport } from '../../src/core/report-schema.js';
import { readInputs } from '../../src/io/read-inputs.js';
import { rules } from '../../rules/index.js';
import { CORPUS as corpus, corpusPresent } from '../helpers/corpus.js';

const present = corpusPresent(join(corpus, 'SOURCES.md'));
const describeCorpus = present ? describe : describe.skip;

const reportsByPath = new Map<string, RunReport[]>();

/** Reports of every run read from a corpus path (file or folder), read and analysed once per path. */
function reports(rel: string): RunReport[] {
  let all = reportsByPath.get(rel);
  if (!all) {
    const read = readInputs([join(corpus, rel)]);
    all = loadRuns(read.inputs).runs.map((run) => analyzeRun(run, rules));
    reportsByPath.set(rel, all);
  }
  return all;
}

function only(rel: string): RunReport {
  const all = reports(rel);
  expect(all).toHaveLength(1);
  return all[0];
}

function named(rel: string, name: string): RunReport {
  const run = reports(rel).find((r) => r.name.endsWith(name));
  expect(run, name).toBeDefined();
  return run!;
}

const ids = (r: RunReport) => r.findings.map((f) => f.id);

describeCorpus('failure classes on real logs', () => {
  it('a GAN is judged on its generator: the generator still falls, the discriminator is flat → still learning', () => {
    // Generator loss: first-quarter mean 4.4 → 0.77 at the end; discriminator settles near 1.0.
    const r = only('mlflow/BozzoloLu__GAN__run_71597c39');
    expect(r.series.find((s) => s.primary === 'train')!.name).toBe('Generator loss');
    expect(r.verdict.id).toBe('still-learning');
  });

  it('a loss that blew up within its first logs and never came back is diverging, not "not learning"', () => {
    // 2.85 at the first point, 8.1–8.3 from ~25 steps on to the end.
    expect(named('wandb_export_csv/Junyoungpark__snet-analysis__wandb_export.csv', 'deep-forest-35').verdict.id).toBe('diverging');
    // 2.32 at the first point, peaks at 6.83, ends at 4.81 without returning.
    expect(named('wandb_export_csv/Junyoungpark__snet-analysis__wandb_export.csv', 'legendary-terrain-36').verdict.id).toBe('diverging');
  });

  it('NaN from the first point of the judged loss is diverging, not insufficient data', () => {
    // The generator loss is NaN at every row; the discriminator's first value is 1.6e24.
    const r = only('lightning_csv/AIRI-Institute__genrisk__version_0_nan_gan.csv');
    expect(r.verdict.id).toBe('diverging');
    expect(ids(r)).toContain('non-finite');
  });

  it('a noisy per-step decline that is significant and large is still learning, whatever the point scatter', () => {
    // A legacy W&B history: the per-step loss falls ~12.6% over its last third (p 0.0003) under heavy point scatter.
    expect(only('wandb_offline/Benoxi__pytorch-dl-notebook__run-20200228_173521-6lp07cge').verdict.id).toBe('still-learning');
  });

  it('a steady slow decline on a clean curve is still learning, not a plateau', () => {
    // Val loss falls 5.32 → 3.75 with steps at the LR drops; the train export falls ~4% over its last third.
    expect(named('tb_export_csv', 'Brunogomes97__Imdb__run-.').verdict.id).toBe('still-learning');
    expect(named('wandb_export_csv/Junyoungpark__snet-analysis__wandb_export.csv', 'misunderstood-river-34').verdict.id).toBe('still-learning');
  });

  it('a held-out loss that never improved while training kept pulling away is overfitting, not converged', () => {
    // val_loss 0.324–0.339 for the whole run (minimum at epoch 6) while train falls 0.34 → ~0.18.
    const r = only('lightning_csv/CooperBigFoot__CAMELS-CH__version_17.csv');
    expect(r.verdict.id).toBe('overfitting');
    expect(r.verdict.reason).toBe('held-out-never-improved');
  });

  it('chance level needs a known class count: an eval accuracy at ~1/4 makes a loss at ln 4 an error', () => {
    const r = only('hf_trainer_state/yuanhuanghuang__quality__lrqa_trainer_state_stuck_at_ln4.json');
    const chance = r.findings.find((f) => f.id === 'chance-level')!;
    expect(chance.severity).toBe('error');
    expect(chance.evidence.classesFrom).toBe('accuracy');
    expect(chance.evidence.classes).toBe(4);
    expect(r.verdict.id).toBe('not-learning');
  });

  it('an adversarial domain accuracy at 1/2 is no class count: a total loss near ln 2 is not chance', () => {
    // train_loss rises to ~0.71 as the adversarial weight ramps; val_domain_acc → 0.5 by design.
    const r = only('tfevents/CooperBigFoot__CAMELS-CH__version_125');
    expect(ids(r)).not.toContain('chance-level');
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('a summed detection loss is never read as chance level from its value', () => {
    for (const rel of ['yolo_results/27hrs__YOLOv8__train2_results.csv', 'yolo_results/27hrs__YOLOv8__train4_results.csv']) {
      expect(ids(only(rel)), rel).not.toContain('chance-level');
    }
  });

  it('a namespace that is not a split does not hide the total loss (an RL run judged on its PPO surrogate)', () => {
    const r = only('wandb_offline/minhphd__RLforDummy__run-20240113_210218-t9spegc9');
    expect(r.series.find((s) => s.primary === 'train')!.name).toBe('Networks/total_loss');
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('an "improvement" within two standard errors of the scatter is no learning', () => {
    // Per-step SFT loss, first-quarter mean 0.551 vs last-quarter 0.565, points scattering by ~50%.
    expect(only('wandb_offline/1BIMU__UASFT__offline-run-20251020_114913-v9z6xp4p').verdict.id).toBe('not-learning');
  });

  it('a curve back at its start after a short dip never learned: not diverging', () => {
    // ~8 for 70% of the run, a dip to 6.6 over 4% of the points, then 8.22 again.
    expect(named('wandb_export_csv/Junyoungpark__snet-analysis__wandb_export.csv', 'super-fog-37').verdict.id).toBe('not-learning');
  });

  it('a train loss that is Infinity at every epoch is diverging, even beside a finite validation loss', () => {
    const r = only('wandb_offline/MK-Sindhu__dl_assignment_ed24s401__run-20250310_144115-kd3g5fta');
    expect(r.verdict.id).toBe('diverging');
    expect(ids(r)).toContain('non-finite');
  });

  it('a loss plateau whose held-out metric still clearly improves is still learning', () => {
    // bbox_mAP rises at every evaluation (0.225 → 0.296) at a constant learning rate.
    const r = only('mmengine_scalars/open-mmlab__mmengine__detection_20230525_scalars.json');
    expect(r.verdict.id).toBe('still-learning');
    expect(r.verdict.reason).toBe('held-out-metric-improving');
    expect(r.findings.find((f) => f.id === 'still-learning')!.message).toMatch(/bbox_mAP is still improving/);
  });

  it('verdict and findings tell one story: no error-level chance finding beside a healthy verdict', () => {
    let checked = 0;
    for (const rel of ['hf_trainer_state', 'keras_csvlogger', 'plain_text', 'json_history']) {
      for (const r of reports(rel)) {
        const chanceError = r.findings.some((f) => f.id === 'chance-level' && f.severity === 'error');
        if (!chanceError) continue;
        checked++;
        expect(['not-learning', 'diverging'], r.name).toContain(r.verdict.id);
      }
    }
    // The 4-way multiple-choice run stuck at ln 4 is among them: the check is not vacuous.
    expect(checked).toBeGreaterThan(0);
  });
});
