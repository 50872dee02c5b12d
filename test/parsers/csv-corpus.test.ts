/**
 * Real logs from public repositories (../shared/corpus, see its SOURCES.md). Not shipped with the
 * project: skipped with a note when the folder is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FormatId, ParsedLog, RawMetric, RawRun } from '../../src/core/types.js';
import { csvParsers } from '../../src/parsers/csv.js';
import { headText } from '../../src/parsers/text.js';
import { CORPUS as corpus, corpusPresent } from '../helpers/corpus.js';

const haveCorpus = corpusPresent(corpus);
const describeCorpus = haveCorpus ? describe : describe.skip;

const FOLDERS: Record<string, FormatId> = {
  keras_csvlogger: 'keras-csv',
  lightning_csv: 'lightning-csv',
  yolo_results: 'yolo-csv',
  wandb_export_csv: 'wandb-csv',
  tb_export_csv: 'tb-export-csv',
};

/** Files whose winning parser is not their folder's format, and why. */
const EXPECTED_FORMAT: Record<string, FormatId> = {
  // Keras-style file without an epoch column: only the generic reader claims it.
  'Charlie839242__Unet-CityScapes__training_log_single_row_no_epoch.csv': 'csv',
};

interface Parsed {
  format: FormatId;
  log: ParsedLog;
}

function parseFile(folder: string, file: string): Parsed {
  const name = path.join(corpus, folder, file);
  const bytes = new Uint8Array(readFileSync(name));
  const head = headText(bytes);
  let best = csvParsers[0];
  let score = -1;
  for (const p of csvParsers) {
    const s = p.sniff(head, name);
    if (s > score) {
      best = p;
      score = s;
    }
  }
  return { format: best.id, log: best.parse({ name, bytes }) };
}

function metric(run: RawRun, name: string): RawMetric {
  const m = run.metrics.find((x) => x.name === name);
  if (!m) throw new Error(`no metric ${name} in ${run.metrics.map((x) => x.name).join(', ')}`);
  return m;
}

const files = (folder: string): string[] =>
  haveCorpus && existsSync(path.join(corpus, folder)) ? readdirSync(path.join(corpus, folder)).sort() : [];

describeCorpus('CSV corpus', () => {
  for (const [folder, format] of Object.entries(FOLDERS)) {
    describe(folder, () => {
      for (const file of files(folder)) {
        it(`${file} parses with ${EXPECTED_FORMAT[file] ?? format}`, () => {
          const { format: got, log } = parseFile(folder, file);
          expect(got).toBe(EXPECTED_FORMAT[file] ?? format);
          expect(log.format).toBe(got);
          expect(log.runs.length).toBeGreaterThan(0);
          for (const run of log.runs) {
            expect(run.metrics.length).toBeGreaterThan(0);
            for (const m of run.metrics) {
              expect(m.name).toBe(m.name.trim());
              expect(m.value.length).toBeGreaterThan(0);
              expect(m.line?.length).toBe(m.value.length);
              if (m.step) expect(m.step.length).toBe(m.value.length);
              if (m.epoch) expect(m.epoch.length).toBe(m.value.length);
              // Lines are 1-based and in file order.
              const line = m.line!;
              expect(line[0]).toBeGreaterThanOrEqual(2);
              for (let i = 1; i < line.length; i++) expect(line[i]).toBeGreaterThan(line[i - 1]);
            }
          }
        });
      }
    });
  }

  describe('sanity', () => {
    it('Keras: the appended log yields one restart warning per appended run', () => {
      const { log } = parseFile(
        'keras_csvlogger',
        'AkshatSharma5__Brain_Tumor_Image_Classification_using_CNN__training_log_appended_runs.csv',
      );
      const run = log.runs[0];
      expect(run.warnings.filter((w) => w.code === 'restart').map((w) => w.line)).toEqual([7, 11, 21]);
      const loss = metric(run, 'loss');
      expect(loss.value).toHaveLength(24);
      expect(Array.from(loss.epoch!.slice(0, 7))).toEqual([0, 1, 2, 3, 4, 0, 1]);
      expect(run.metrics.map((m) => m.name)).toEqual(['accuracy', 'learning_rate', 'loss', 'val_accuracy', 'val_loss']);
    });

    it('Keras: `\\r\\r\\n` line endings give one point per line, numbered like an editor', () => {
      const { log } = parseFile('keras_csvlogger', 'Deepender25__Handwritten-Digit-Recognition__training_log_reduce_lr.csv');
      const loss = metric(log.runs[0], 'val_loss');
      expect(loss.value).toHaveLength(30);
      expect(loss.line![0]).toBe(2);
      expect(loss.line![29]).toBe(31);
      expect(loss.value[0]).toBeCloseTo(3.6416454315185547, 12);
      expect(log.runs[0].warnings).toEqual([]);
    });

    it('Keras: the single row without an epoch column is data', () => {
      const { log } = parseFile('keras_csvlogger', 'Charlie839242__Unet-CityScapes__training_log_single_row_no_epoch.csv');
      const run = log.runs[0];
      expect(run.metrics.map((m) => m.name)).toEqual([
        'loss',
        'acc',
        'updated_mean_io_u',
        'val_loss',
        'val_acc',
        'val_updated_mean_io_u',
      ]);
      expect(metric(run, 'loss').value[0]).toBeCloseTo(1.0186389684677124, 12);
      expect(metric(run, 'loss').epoch).toBeUndefined();
    });

    it('Keras: negative losses are plain numbers', () => {
      const { log } = parseFile(
        'keras_csvlogger',
        'Agusbs98__Interface_of_automatic-ecg-diagnosis__training_negative_divergence.log',
      );
      const loss = metric(log.runs[0], 'loss');
      expect(loss.value).toHaveLength(70);
      expect(loss.value[0]).toBe(-33834.9765625);
    });

    it('Lightning: sparse rows give the point counts of SOURCES.md', () => {
      const { log } = parseFile('lightning_csv', 'CooperBigFoot__CAMELS-CH__version_107.csv');
      const run = log.runs[0];
      expect(metric(run, 'train_loss').value).toHaveLength(266);
      expect(metric(run, 'val_loss').value).toHaveLength(50);
      expect(metric(run, 'lr-Adam').value).toHaveLength(50);
      expect(metric(run, 'lr-Adam').step![0]).toBe(0);
      expect(Number.isNaN(metric(run, 'lr-Adam').epoch![0])).toBe(true);
      expect(run.warnings).toEqual([]);
    });

    it('Lightning: literal nan values are kept as NaN points', () => {
      const { log } = parseFile('lightning_csv', 'AIRI-Institute__genrisk__version_0_nan_gan.csv');
      const gen = metric(log.runs[0], 'train_gen_loss');
      expect(gen.value).toHaveLength(320);
      expect(Array.from(gen.value).every(Number.isNaN)).toBe(true);
      expect(metric(log.runs[0], 'train_disc_loss').value[0]).toBe(1.6226933508321501e24);
    });

    it('Lightning: the short sparse CRLF file has 2 train and 2 val points', () => {
      const { log } = parseFile('lightning_csv', 'AndyC80297__glitch-classification-lightning__version_0_short_sparse.csv');
      const run = log.runs[0];
      expect(Array.from(metric(run, 'train_loss').step!)).toEqual([49, 99]);
      expect(Array.from(metric(run, 'val_loss').step!)).toEqual([68, 137]);
    });

    it('YOLO: padded v5 columns are trimmed; v8 has 704 epochs', () => {
      const v5 = parseFile('yolo_results', 'y786359174__radar_detection_yolov5__exp5_results.csv').log.runs[0];
      expect(v5.metrics.map((m) => m.name)).toContain('metrics/mAP_0.5:0.95');
      expect(v5.metrics[0].name).toBe('train/box_loss');
      expect(Array.from(metric(v5, 'val/box_loss').epoch!.slice(0, 3))).toEqual([0, 1, 2]);
      expect(metric(v5, 'val/box_loss').value).toHaveLength(100);
      const v8 = parseFile('yolo_results', '27hrs__YOLOv8__train2_results.csv').log.runs[0];
      expect(metric(v8, 'val/cls_loss').value).toHaveLength(704);
      expect(metric(v8, 'val/cls_loss').epoch![0]).toBe(1);
      expect(v8.warnings).toEqual([]);
    });

    it('W&B: train-ablation-test.csv yields 4 runs; deep-forest-35 stops early', () => {
      const { log } = parseFile('wandb_export_csv', 'Junyoungpark__snet-analysis__train-ablation-test.csv');
      expect(log.runs.map((r) => r.name)).toEqual([
        'deep-forest-35',
        'misunderstood-river-34',
        'ethereal-eon-32',
        'worthy-tree-28',
      ]);
      for (const run of log.runs) {
        expect(run.metrics.map((m) => m.name)).toEqual(['dataset_stats.S100_N30_m3_full.gap_mean']);
      }
      expect(log.runs[0].metrics[0].value).toHaveLength(254);
      expect(log.runs[1].metrics[0].value).toHaveLength(301);
      expect(log.runs[0].metrics[0].step![1]).toBe(12);
    });

    it('W&B: the epoch_id export yields 14 runs with their own _step', () => {
      const { log } = parseFile('wandb_export_csv', 'Junyoungpark__snet-analysis__wandb_export.csv');
      expect(log.runs).toHaveLength(14);
      const first = log.runs[0];
      expect(first.name).toBe('breezy-cloud-41');
      expect(first.metrics.map((m) => m.name)).toEqual(['dataset_stats.S100_N30_m3_full.gap_mean']);
      const m = first.metrics[0];
      expect(m.value).toHaveLength(301);
      expect(Array.from(m.epoch!.slice(0, 2))).toEqual([0, 10]);
      expect(Array.from(m.step!.slice(0, 2))).toEqual([1, 12]);
    });

    it('TensorBoard: run `.` exports take the file name; the OCR loss keeps its backward steps', () => {
      const { log } = parseFile('tb_export_csv', 'ShahariarRabby__Attention-Based-Ocr__run-.-tag-loss.csv');
      const run = log.runs[0];
      expect(run.name).toBe('ShahariarRabby__Attention-Based-Ocr__run-.-tag-loss');
      const loss = metric(run, 'loss');
      expect(loss.value).toHaveLength(1000);
      expect(loss.roleHint).toBeUndefined();
      expect(Array.from(loss.step!.slice(0, 5))).toEqual([43, 46, 72, 95, 68]);
      const lr = parseFile('tb_export_csv', 'Brunogomes97__Imdb__run-.-tag-lr.csv').log.runs[0];
      expect(lr.metrics.map((m) => m.name)).toEqual(['lr']);
      expect(lr.metrics[0].value[0]).toBe(0.10000000149011612);
    });
  });
});
