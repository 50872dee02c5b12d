/**
 * Real TensorBoard event files from public repositories (../shared/corpus/tfevents, see
 * SOURCES.md). Not shipped with the project: skipped with a note when the folder is absent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RawMetric } from '../../src/core/types.js';
import { InputError } from '../../src/errors.js';
import { looksLikeEventFile, readEventScalars, tfeventsParser } from '../../src/parsers/tfevents.js';
import { CORPUS as corpus, corpusPresent } from '../helpers/corpus.js';

const folder = path.join(corpus, 'tfevents');
const have = corpusPresent(folder);
const describeCorpus = have ? describe : describe.skip;

function eventFile(dir: string): { name: string; bytes: Uint8Array } {
  const d = path.join(folder, dir);
  const file = readdirSync(d).find((f) => f.includes('tfevents'))!;
  return { name: path.join(d, file), bytes: new Uint8Array(readFileSync(path.join(d, file))) };
}

function read(dir: string) {
  const f = eventFile(dir);
  return readEventScalars(f.bytes, f.name);
}

const byName = (metrics: RawMetric[], name: string) => {
  const m = metrics.find((x) => x.name === name);
  if (!m) throw new Error(`no ${name} in ${metrics.map((x) => x.name).join(', ')}`);
  return m;
};

/** Values of an MLflow metric file of the corpus, in line order. */
function mlflowValues(run: string, key: string): number[] {
  const text = readFileSync(path.join(corpus, 'mlflow', run, 'metrics', key), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => Number(l.split(' ')[1]));
}

describeCorpus('tfevents corpus', () => {
  const dirs = have ? readdirSync(folder).sort() : [];

  it('every file has valid framing, is sniffed by name, and reads without warnings', () => {
    expect(dirs.length).toBeGreaterThanOrEqual(9);
    for (const dir of dirs) {
      const f = eventFile(dir);
      expect(looksLikeEventFile(f.bytes), dir).toBe(true);
      expect(tfeventsParser.sniff('', path.basename(f.name))).toBe(0.99);
      expect(read(dir).warnings, dir).toEqual([]);
    }
  });

  it('exp_empty holds only file_version: no scalars', () => {
    const dir = dirs.find((d) => d.endsWith('exp_empty'))!;
    expect(read(dir).metrics).toEqual([]);
    const f = eventFile(dir);
    expect(f.bytes.length).toBe(40);
    expect(() => tfeventsParser.parse(f)).toThrow(InputError);
    try {
      tfeventsParser.parse(f);
    } catch (e) {
      expect((e as InputError).code).toBe('no-scalars');
    }
  });

  it('version_122 holds no training curve: hp_metric (= -1) is its only scalar', () => {
    const { metrics } = read(dirs.find((d) => d.endsWith('version_122_hp_metric_only'))!);
    expect(metrics.map((m) => m.name)).toEqual(['hp_metric']);
    expect(Array.from(metrics[0].value)).toEqual([-1]);
  });

  it('BozzoloLu 124645: TF2 tensor scalars, 810 points per tag with the step restarting twice', () => {
    const { metrics } = read('BozzoloLu__GAN__20221120-124645');
    expect(metrics.map((m) => m.name).sort()).toEqual(['Discriminator loss', 'Generator loss']);
    for (const m of metrics) {
      expect(m.value.length).toBe(810);
      const steps = Array.from(m.step!);
      const expected = [0, 1, 2].flatMap(() => Array.from({ length: 270 }, (_, i) => i));
      expect(steps).toEqual(expected);
    }
    // Segment 1 is the MLflow run 71597c39.
    const g = Array.from(byName(metrics, 'Generator loss').value.slice(0, 270));
    expect(g).toEqual(mlflowValues('BozzoloLu__GAN__run_71597c39', 'Generator loss'));
  });

  it('BozzoloLu 125007 matches MLflow run e53963d9 point for point', () => {
    const { metrics } = read('BozzoloLu__GAN__20221120-125007');
    for (const tag of ['Generator loss', 'Discriminator loss']) {
      const m = byName(metrics, tag);
      expect(m.value.length).toBe(26);
      expect(Array.from(m.value)).toEqual(mlflowValues('BozzoloLu__GAN__run_e53963d9', tag));
    }
  });

  it('the Keras TF2 .v2 file: epoch_loss, 10 points, equal to the MLflow loss', () => {
    const { metrics } = read('10-Academy-Batch-4-Week-4__Swahili-Speech-To-Text__keras_tf2');
    expect(metrics.map((m) => m.name)).toEqual(['epoch_loss']);
    expect(Array.from(metrics[0].step!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(metrics[0].value)).toEqual(mlflowValues('10-Academy-Batch-4-Week-4__Swahili-Speech-To-Text__run_ed05f9cd', 'loss'));
    // The .v2 file is 840 KB, almost all of it the model graph.
    expect(eventFile('10-Academy-Batch-4-Week-4__Swahili-Speech-To-Text__keras_tf2').bytes.length).toBeGreaterThan(800_000);
  });

  it('Lightning files: simple_value scalars with the counts of SOURCES.md', () => {
    const v125 = read('CooperBigFoot__CAMELS-CH__version_125').metrics;
    expect(byName(v125, 'train_loss').value.length).toBe(148);
    expect(byName(v125, 'val_loss').value.length).toBe(28);
    expect(byName(v125, 'lambda_adv').value.at(-1)).toBeCloseTo(2, 2);
    const v130 = read('CooperBigFoot__CAMELS-CH__version_130').metrics;
    expect(byName(v130, 'train_loss').value.length).toBe(178);
    expect(byName(v130, 'val_loss').value.length).toBe(17);
    expect(byName(v130, 'hp_metric').value.length).toBe(1);
  });

  it('YOLOv5 exp22: 13 tags × 75 epochs next to a large graph', () => {
    const { metrics } = read('y786359174__radar_detection_yolov5__exp22');
    expect(metrics).toHaveLength(13);
    for (const m of metrics) expect(m.value.length).toBe(75);
    expect(metrics.map((m) => m.name)).toContain('val/box_loss');
    expect(Array.from(byName(metrics, 'train/box_loss').step!.slice(0, 3))).toEqual([0, 1, 2]);
  });

  it('detectron2: total_loss and its components, 90 points at iterations 19..1799', () => {
    const { metrics } = read('Aaryan004__Pothole_Detection_Model_RCNNs__detectron2');
    const total = byName(metrics, 'total_loss');
    expect(total.value.length).toBe(90);
    expect(total.step![0]).toBe(19);
    expect(total.step![89]).toBe(1799);
    expect(total.value[0]).toBeCloseTo(86.47, 1);
    for (const c of ['loss_cls', 'loss_box_reg', 'loss_rpn_cls', 'loss_rpn_loc', 'lr']) expect(byName(metrics, c).value.length).toBe(90);
  });

  it('parses every file with scalars into one run', () => {
    for (const dir of dirs.filter((d) => !d.endsWith('exp_empty'))) {
      const parsed = tfeventsParser.parse(eventFile(dir));
      expect(parsed.runs).toHaveLength(1);
      expect(parsed.runs[0].name).toBe(dir);
    }
  });
});
