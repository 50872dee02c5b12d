/**
 * The Python training callback that `lossdoc init python` writes, run with Debian's python3 and
 * fake trainer objects shaped like Keras (model.stop_training), PyTorch Lightning
 * (trainer.should_stop, tensors in callback_metrics) and the Hugging Face Trainer
 * (state.log_history, control.should_training_stop): no framework is installed. lossdoc itself
 * is the built CLI, given through $LOSSDOC.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, ensureBuilt, lossdoc, tempDir } from '../cli/cli-helper.js';
import { prerequisite } from '../helpers/prerequisite.js';

const PYTHON = '/usr/bin/python3';
const havePython = prerequisite(existsSync(PYTHON), `${PYTHON} not found (.ci/run installs it)`);

/** Trains each fake framework for 20 epochs; the loss turns NaN from epoch `nan_from` on. */
const DRIVER = String.raw`
import json, math, sys
from lossdoc_callback import LossdocCallback

framework, log_path, nan_from = sys.argv[1], sys.argv[2], int(sys.argv[3])
EPOCHS = 20

def losses(epoch):
    if epoch >= nan_from:
        return float("nan"), float("nan")
    return 2.0 * math.exp(-epoch / 5) + 0.3, 2.1 * math.exp(-epoch / 5) + 0.4

class Tensor:  # a 0-d tensor: .item() gives the number
    def __init__(self, value): self.value = value
    def item(self): return self.value

cb = LossdocCallback(log_path=log_path, every=2, stop_on="error")
epochs = 0
if framework == "keras":
    class Model: stop_training = False
    model = Model()
    cb.set_model(model); cb.set_params({"epochs": EPOCHS}); cb.on_train_begin(logs={})
    assert cb._implements_train_batch_hooks() is False and getattr(cb, "_supports_tf_logs", False) is False
    for epoch in range(EPOCHS):
        cb.on_epoch_begin(epoch); cb.on_train_batch_end(0, logs={})
        loss, val = losses(epoch)
        cb.on_epoch_end(epoch, logs={"loss": loss, "val_loss": val, "accuracy": 0.5})
        epochs += 1
        if model.stop_training: break
elif framework == "lightning":
    class Trainer:
        should_stop = False; sanity_checking = False; current_epoch = 0; global_step = 0; callback_metrics = {}
    trainer = Trainer()
    cb.setup(trainer, None, stage="fit"); cb.on_fit_start(trainer, None)
    trainer.sanity_checking = True; cb.on_validation_epoch_end(trainer, None); trainer.sanity_checking = False
    for epoch in range(EPOCHS):
        loss, val = losses(epoch)
        trainer.current_epoch, trainer.global_step = epoch, (epoch + 1) * 100
        trainer.callback_metrics = {"train_loss": Tensor(loss), "val_loss": Tensor(val), "note": "text is skipped"}
        cb.on_validation_epoch_end(trainer, None)
        epochs += 1
        if trainer.should_stop: break
elif framework == "hf":
    class State: log_history = []; epoch = 0.0; global_step = 0
    class Control: should_training_stop = False
    state, control = State(), Control()
    control = cb.on_train_begin(None, state, control) or control
    for epoch in range(EPOCHS):
        loss, val = losses(epoch)
        for half in (0.5, 1.0):
            state.global_step += 50; state.epoch = epoch + half
            state.log_history.append({"loss": loss, "learning_rate": 1e-4, "epoch": state.epoch, "step": state.global_step})
            control = cb.on_log(None, state, control, logs=state.log_history[-1]) or control
        state.log_history.append({"eval_loss": val, "eval_runtime": 1.5, "epoch": state.epoch, "step": state.global_step})
        control = cb.on_log(None, state, control, logs=state.log_history[-1]) or control
        control = cb.on_evaluate(None, state, control, metrics=state.log_history[-1]) or control
        epochs += 1
        if control.should_training_stop: break
print("RESULT " + json.dumps({"epochs": epochs, "stopped": cb.stopped and cb.stopped["id"], "findings": [f["id"] for f in cb.findings]}))
`;

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = tempDir('lossdoc-python-'));
  expect(lossdoc(['init', 'python'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'driver.py'), DRIVER);
});
afterAll(() => cleanup());

function train(framework: string, log: string, nanFrom: number, env: Record<string, string> = { LOSSDOC: `"${process.execPath}" "${BIN}"` }) {
  const r = spawnSync(PYTHON, ['driver.py', framework, log, String(nanFrom)], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const result = /^RESULT (.*)$/m.exec(r.stdout);
  return { ...(JSON.parse(result![1]) as { epochs: number; stopped: string | null; findings: string[] }), stdout: r.stdout };
}

describe.runIf(havePython)('lossdoc_callback.py (lossdoc init python)', () => {
  it('is the file the package carries, and uses the Python standard library only', () => {
    const text = readFileSync(join(dir, 'lossdoc_callback.py'), 'utf8');
    expect(text).toBe(readFileSync(join(ROOT, 'src/cli/python/lossdoc_callback.py'), 'utf8'));
    const imports = [...text.matchAll(/^(?:import|from) (\w+)/gm)].map((m) => m[1]);
    expect(imports.sort()).toEqual(['csv', 'json', 'math', 'os', 'shlex', 'shutil', 'subprocess']);
    expect(lossdoc(['init', 'python'], { cwd: dir }).code).toBe(2);
  });

  for (const [framework, log] of [['keras', 'keras.jsonl'], ['lightning', 'lightning.csv'], ['hf', 'hf.jsonl']] as const) {
    it(`${framework}: logs each epoch, prints the new finding and stops training when the loss turns NaN`, () => {
      const r = train(framework, log, 10);
      expect(r.stopped).toMatch(/^(non-finite|diverging)$/);
      expect(r.epochs).toBeGreaterThan(10);
      expect(r.epochs).toBeLessThanOrEqual(12);
      expect(r.stdout).toMatch(/^lossdoc: error (non-finite|diverging): /m);
      expect(r.stdout).toMatch(/^lossdoc: stopping training: error (non-finite|diverging)$/m);
      // lossdoc reads the log the callback wrote: a loss and a held-out loss.
      const report = JSON.parse(lossdoc(['analyze', join(dir, log), '--format', 'json']).stdout);
      expect(report.runs[0].verdict.train).toBeTruthy();
      expect(report.runs[0].verdict.heldOut).toBeTruthy();
    });
  }

  it('a healthy run trains to the end; each finding is printed once', () => {
    const r = train('keras', 'healthy.csv', 99);
    expect(r.epochs).toBe(20);
    expect(r.stopped).toBeNull();
    expect(new Set(r.findings).size).toBe(r.findings.length);
    expect(readFileSync(join(dir, 'healthy.csv'), 'utf8').split('\n')[0]).toBe('epoch,loss,val_loss,accuracy');
  });

  it('without lossdoc it says so once and keeps training and logging', () => {
    const r = train('keras', 'alone.jsonl', 10, { LOSSDOC: join(dir, 'no-such-lossdoc') });
    expect(r.epochs).toBe(20);
    expect(r.stdout.match(/^lossdoc: could not run lossdoc/gm)).toHaveLength(1);
    expect(readFileSync(join(dir, 'alone.jsonl'), 'utf8').trim().split('\n')).toHaveLength(20);
  });
});
