"""lossdoc training callback (written by `lossdoc init python`; Python standard library only).

Appends each epoch's numbers to a log (JSON lines, or CSV when the path ends in .csv), runs
`lossdoc analyze <log> --format json` every `every` epochs, prints the findings it has not printed
before and, with stop_on="error" (or "warning"), asks the framework to stop training: the
out-of-process counterpart of EarlyStopping / TerminateOnNaN, with lossdoc's diagnosis instead of
a single threshold.

One object serves three frameworks by duck typing (no framework import):

    Keras                 model.fit(..., callbacks=[LossdocCallback()])
    PyTorch Lightning     Trainer(callbacks=[LossdocCallback()])
    Hugging Face Trainer  Trainer(..., callbacks=[LossdocCallback()])

If a framework insists on its own base class, mix it in:
`class Callback(LossdocCallback, keras.callbacks.Callback): pass`.

lossdoc is found as: the `command` argument, else $LOSSDOC (a path or a command line), else
`lossdoc` or `lossdoc-linux-x64` on PATH, else `npx --no-install lossdoc` (a project install).
"""

import csv
import json
import math
import os
import shlex
import shutil
import subprocess

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


class LossdocCallback:
    def __init__(self, log_path="lossdoc_log.jsonl", every=1, stop_on=None, command=None, timeout=300, verbose=True):
        super().__init__()
        if stop_on is not None and stop_on not in SEVERITY_RANK:
            raise ValueError("stop_on must be None, 'info', 'warning' or 'error'")
        self.log_path = log_path
        self.every = max(1, int(every))
        self.stop_on = stop_on
        self.command = command
        self.timeout = timeout
        self.verbose = verbose
        self.findings = []  # every finding reported so far, as lossdoc's JSON gives them
        self.stopped = None  # the finding that stopped training, if one did
        self._seen = set()
        self._epochs = 0
        self._history_seen = 0
        self._hf_epoch = 0
        self._columns = None
        self._warned = False
        self.model = None  # set by Keras

    # Keras -------------------------------------------------------------------------------------
    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_epoch_end(self, epoch, logs=None):
        self._record({"epoch": epoch, **(logs or {})})
        if self._epoch_done() and self.model is not None:
            self.model.stop_training = True

    # PyTorch Lightning ------------------------------------------------------------------------
    @property
    def state_key(self):
        return type(self).__name__

    def state_dict(self):
        return {}

    def load_state_dict(self, state_dict):
        pass

    def on_validation_epoch_end(self, trainer, pl_module=None):
        if getattr(trainer, "sanity_checking", False):
            return
        row = {"epoch": getattr(trainer, "current_epoch", self._epochs), "step": getattr(trainer, "global_step", None)}
        row.update(getattr(trainer, "callback_metrics", None) or {})
        self._record(row)
        if self._epoch_done():
            trainer.should_stop = True

    # Hugging Face Trainer ---------------------------------------------------------------------
    def on_log(self, args, state, control, logs=None, **kwargs):
        return self._hf_event(state, control)

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        return self._hf_event(state, control)

    def _hf_event(self, state, control):
        history = getattr(state, "log_history", None) or []
        new = history[self._history_seen :]
        self._history_seen = len(history)
        for entry in new:
            self._record(dict(entry))
        # An epoch ends at an evaluation, or (without evaluations) when the epoch number turns over.
        epoch = int(getattr(state, "epoch", None) or 0)
        evaluated = any(key.startswith("eval_") for entry in new for key in entry)
        turned = epoch > self._hf_epoch
        self._hf_epoch = epoch
        if (evaluated or turned) and self._epoch_done():
            control.should_training_stop = True
        return control

    def __getattr__(self, name):
        # Every other hook a framework calls (on_train_begin, on_step_end, setup, ...) does nothing,
        # and tf.keras's "does it implement batch hooks?" questions get a no.
        if name.startswith("on_") or name in ("setup", "teardown"):
            return lambda *args, **kwargs: None
        if name.startswith("_implements_"):
            return lambda *args, **kwargs: False
        raise AttributeError(name)

    # The log, lossdoc, the findings -----------------------------------------------------------
    def _record(self, row):
        values = {}
        for key, value in row.items():
            number = _number(value)
            if number is not None:
                values[str(key)] = number
        if not values:
            return
        if self.log_path.lower().endswith(".csv"):
            self._append_csv(values)
        else:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(values, allow_nan=True) + "\n")

    def _append_csv(self, values):
        exists = os.path.exists(self.log_path) and os.path.getsize(self.log_path) > 0
        if self._columns is None and exists:
            with open(self.log_path, newline="", encoding="utf-8") as f:
                self._columns = next(csv.reader(f), [])
        columns = list(self._columns or [])
        columns += [k for k in values if k not in columns]
        if columns != self._columns and exists:
            # A new column: rewrite the file once with the wider header.
            with open(self.log_path, newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
            with open(self.log_path, "w", newline="", encoding="utf-8") as f:
                writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
        self._columns = columns
        with open(self.log_path, "a", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
            if not exists:
                writer.writeheader()
            writer.writerow({k: repr(v) if isinstance(v, float) else v for k, v in values.items()})

    def _epoch_done(self):
        """Count an epoch; every `every` epochs, analyse. True when training should stop."""
        self._epochs += 1
        if self._epochs % self.every:
            return False
        return self.analyze()

    def analyze(self):
        """Run lossdoc on the log now; print new findings. True when one is at the stop_on level."""
        if not os.path.exists(self.log_path):
            return False
        command = self._command()
        if command is None:
            self._warn("lossdoc not found (install it, put it on PATH, or pass command=...); logging only")
            return False
        try:
            done = subprocess.run(
                command + ["analyze", self.log_path, "--format", "json", "--fail-on", "none", "--no-color"],
                capture_output=True, text=True, timeout=self.timeout,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            self._warn("could not run lossdoc: %s" % error)
            return False
        if done.returncode != 0:
            self._warn((done.stderr.strip().splitlines() or ["exit code %d" % done.returncode])[0])
            return False
        try:
            report = json.loads(done.stdout)
        except ValueError:
            self._warn("lossdoc printed no JSON report")
            return False
        stop = None
        for run in report.get("runs", []):
            for finding in run.get("findings", []):
                key = (finding.get("id"), finding.get("severity"))
                if key in self._seen:
                    continue
                self._seen.add(key)
                self.findings.append(finding)
                if self.verbose:
                    print("lossdoc: %s %s: %s" % (finding.get("severity"), finding.get("id"), finding.get("message")), flush=True)
                if self.stop_on is not None and stop is None and SEVERITY_RANK.get(finding.get("severity"), -1) >= SEVERITY_RANK[self.stop_on]:
                    stop = finding
        if stop is not None:
            self.stopped = stop
            print("lossdoc: stopping training: %s %s" % (stop.get("severity"), stop.get("id")), flush=True)
        return stop is not None

    def _command(self):
        if self.command:
            return shlex.split(self.command) if isinstance(self.command, str) else list(self.command)
        if os.environ.get("LOSSDOC"):
            return shlex.split(os.environ["LOSSDOC"])
        for name in ("lossdoc", "lossdoc-linux-x64"):
            found = shutil.which(name)
            if found:
                return [found]
        npx = shutil.which("npx")
        return [npx, "--no-install", "lossdoc"] if npx else None

    def _warn(self, message):
        if not self._warned:
            self._warned = True
            print("lossdoc: %s" % message, flush=True)


def _number(value):
    """A float from a Python number, a 0-d tensor or array, or None (text, lists, ...)."""
    if isinstance(value, bool) or value is None:
        return None
    if hasattr(value, "item") and callable(value.item):
        try:
            value = value.item()
        except (TypeError, ValueError, RuntimeError):
            return None
    if isinstance(value, (int, float)):
        return float(value)
    return None
