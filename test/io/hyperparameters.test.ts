/** Hyperparameters from the files beside a run's logs: MLflow params, hparams.yaml, W&B config.yaml, HF files. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRuns } from '../../src/api.js';
import { readInputs } from '../../src/io/read-inputs.js';
import { configFromFile, configFromYaml } from '../../src/parsers/config-files.js';
import { CORPUS as corpus, corpusPresent } from '../helpers/corpus.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dirs = path.join(repoRoot, 'fixtures/logs/dirs');
const describeCorpus = corpusPresent(path.join(corpus, 'SOURCES.md')) ? describe : describe.skip;
const enc = new TextEncoder();

const hyper = (dir: string) => new Map(loadRuns(readInputs([dir]).inputs).runs.map((r) => [r.name, r.hyperparameters]));

describe('configuration files', () => {
  it('YAML: flat keys (Lightning) and W&B `key: {value: …}`, scalars only, W&B bookkeeping left out', () => {
    expect(configFromYaml('lr: 0.001\nbatch_size: 32\nname: "resnet"\nlayers: [1, 2]\nnested:\n  a: 1\nflag: true\n')).toEqual([
      ['lr', 0.001],
      ['batch_size', 32],
      ['name', 'resnet'],
      ['flag', true],
    ]);
    const wandb = 'wandb_version: 1\n_wandb:\n    desc: null\n    value:\n        cli_version: 0.19.8\nlearning_rate:\n    desc: null\n    value: 0.0003\noptimizer:\n    value: adamw\n';
    expect(configFromYaml(wandb)).toEqual([
      ['learning_rate', 0.0003],
      ['optimizer', 'adamw'],
    ]);
    expect(configFromFile('training_args.json', enc.encode('{"learning_rate": 5e-5, "lr_scheduler_type": "linear", "report_to": ["wandb"]}'))).toEqual([
      ['learning_rate', 5e-5],
      ['lr_scheduler_type', 'linear'],
    ]);
    expect(configFromFile('config.json', enc.encode('not json'))).toEqual([]);
  });

  it('a scanned tree: MLflow params/ and Lightning hparams.yaml reach the runs; config files are not runs', () => {
    const lightning = hyper(path.join(dirs, 'lightning'));
    expect([...lightning.keys()]).toEqual(['lightning_logs/version_0', 'lightning_logs/version_1']);
    expect(lightning.get('lightning_logs/version_0')).toEqual([
      ['lr', 0.001],
      ['batch_size', 32],
    ]);
    const mlflow = hyper(path.join(dirs, 'mlruns'));
    for (const params of mlflow.values()) expect(params?.map(([k]) => k)).toEqual(['lr']);
  });
});

describeCorpus('hyperparameters in the corpus', () => {
  it('MLflow params of the Swahili speech run, W&B config.yaml of an offline run', () => {
    const mlflow = hyper(path.join(corpus, 'mlflow'));
    expect(mlflow.get('10-Academy-Batch-4-Week-4__Swahili-Speech-To-Text__run_ed05f9cd')).toEqual([
      ['batch_size', 'None'],
      ['epochs', 10],
      ['opt_learning_rate', 0.002],
      ['opt_name', 'SGD'],
    ]);
    const wandb = hyper(path.join(corpus, 'wandb_offline/120L010916__epilepsy__run-20250531_221309-3r9xyok3'));
    expect(wandb.get('features (3r9xyok3)')).toEqual(expect.arrayContaining([['learning_rate', 0.001]]));
  });
});
