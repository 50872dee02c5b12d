"""The injected causes. Each scenario builds a real training run (data, model, optimiser, loss)
with one fault, names the verdict and findings the logged numbers must lead to, and the checks
that prove the run shows the fault. Expected verdicts follow the seed's trend table (§C) and its
causes (§T, §V, §S); the reasoning is written next to each scenario."""
import math
from dataclasses import dataclass, field
from typing import Callable, Optional

import torch
from torch import nn
from torch.nn import functional as F

import checks
import tasks
from train import Setup

# Findings that may accompany any run: descriptive notes, not diagnoses.
BASE_ALLOW = ['lr-schedule', 'noisy-validation', 'val-below-train', 'slow-convergence']

EPOCH_FORMATS = ['keras-csv', 'keras-history-json', 'keras-stdout']
VAL_STEP_FORMATS = ['hf-trainer-state', 'lightning-csv', 'tfevents']
TRAIN_ONLY_STEP_FORMATS = ['mmengine-jsonl', 'tb-export-csv']
GRAD_NORM_FORMATS = ['hf-trainer-state', 'tfevents', 'mmengine-jsonl']  # the writers that log the gradient norm


@dataclass
class Scenario:
    id: str
    cause: str
    reasoning: str
    make: Callable[[torch.Generator, int], tuple]  # (generator, seed) -> (Setup, task description)
    formats: list
    checks: Callable  # log -> [(name, passed, numbers)]
    verdict: Optional[str] = None  # None: the verdict the epoch curves support (checks.shape_verdicts)
    verdict_also: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    allow: list = field(default_factory=list)
    healthy: bool = False
    per_step: bool = False  # log every batch (the finding lives in the per-step curve)
    runs: Optional[int] = None  # at most this many runs (else the generator's --runs)


def _ce(out, y):
    return F.cross_entropy(out, y)


def _mse(out, y):
    return F.mse_loss(out, y)


def _split(g, maker, n_train, n_val, n_test=0):
    data = maker(g, n_train + n_val + n_test)
    x, y = data[0], data[1]
    train = (x[:n_train], y[:n_train])
    val = (x[n_train:n_train + n_val], y[n_train:n_train + n_val])
    test = (x[n_train + n_val:], y[n_train + n_val:]) if n_test else None
    return train, val, test


def _shape_is(*allowed):
    def check(log):
        got, numbers = checks.shape_verdicts(log)
        return [('verdict from the epoch curves', set(got) <= set(allowed), {**numbers, 'verdicts': got})]
    return check


def _both(*parts):
    return lambda log: [c for part in parts for c in part(log)]


def _classifier_task(g, seed):
    """Rotate between a spiral MLP, a token GRU and a tiny-image CNN so the healthy runs differ."""
    kind = seed % 3
    if kind == 0:
        train, val, _ = _split(g, lambda g, n: tasks.spirals(g, n, 2, 0.15), 512, 256)
        return train, val, tasks.mlp(2, 64, 2), 2, 'spirals, MLP 2-64-64-2'
    if kind == 1:
        train, val, _ = _split(g, lambda g, n: tasks.tokens(g, n), 512, 256)
        return train, val, tasks.TokenGRU(8, 3), 3, 'token counting, GRU'
    train, val, _ = _split(g, lambda g, n: tasks.bar_images(g, n), 512, 256)
    return train, val, tasks.tiny_cnn(3), 3, 'bar images 8x8, CNN'


def make_healthy_learning(g, seed):
    train, val, model, classes, task = _classifier_task(g, seed)
    lr, epochs = (2e-3, 20) if seed % 3 == 0 else (5e-4, 12)  # the GRU and the CNN learn faster
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    return Setup(train, model, opt, _ce, epochs=epochs, batch=32, val=val, classes=classes), task + f', Adam {lr}, stopped early'


def make_healthy_converged(g, seed):
    train, val, _ = _split(g, lambda g, n: tasks.blobs(g, n, 3, spread=1.6)[:2], 512, 512)
    model = tasks.mlp(2, 32, 3)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-3)
    return Setup(train, model, opt, _ce, epochs=40, batch=32, val=val, classes=3), 'overlapping blobs (Bayes error > 0), MLP, Adam 2e-3'


def _regression_lr(train, factor):
    """`factor` × the largest stable SGD step for MSE on a linear model: 2 / λmax(2 XᵀX / n)."""
    x = train[0]
    lam = torch.linalg.eigvalsh(2 * x.T @ x / len(x)).max().item()
    return factor * 2 / lam


def make_lr_diverge(g, seed):
    train, val, _ = _split(g, lambda g, n: tasks.regression(g, n, 8, scale=2.0)[:2], 512, 256)
    peak = _regression_lr(train, [1.06, 1.08, 1.05][seed % 3])
    model = nn.Linear(8, 1)
    opt = torch.optim.SGD(model.parameters(), lr=peak)
    warm = 4 * 10
    return Setup(train, model, opt, _mse, epochs=40, batch=128, val=val,
                 lr_at=lambda s: peak * min(1.0, (s + 1) / warm)), f'linear regression, SGD warm-up to {peak:.3g} (above 2/λmax)'


def make_lr_nan(g, seed):
    train, val, _ = _split(g, lambda g, n: tasks.regression(g, n, 8, scale=2.0)[:2], 512, 256)
    peak = _regression_lr(train, [1.5, 2.0, 2.5][seed % 3])
    model = tasks.mlp(8, 32, 1, depth=1)
    opt = torch.optim.SGD(model.parameters(), lr=peak, momentum=0.9)
    warm = 16 * 25
    return Setup(train, model, opt, _mse, epochs=30, batch=32, val=val,
                 lr_at=lambda s: peak * min(1.0, (s + 1) / warm)), f'regression MLP, SGD+momentum warm-up to {peak:.3g}'


def make_lr_oscillation(g, seed):
    train, val, _ = _split(g, lambda g, n: tasks.regression(g, n, 8, scale=2.0)[:2], 512, 256)
    lr = _regression_lr(train, [0.9, 0.95, 0.85][seed % 3])
    model = nn.Linear(8, 1)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    return Setup(train, model, opt, _mse, epochs=40, batch=32, val=val), \
        f'linear regression, SGD lr {lr:.3g} (just under the full-batch bound, above it for many mini-batches)'


def make_lr_too_low(g, seed):
    train, val, model, classes, task = _classifier_task(g, seed)
    opt = torch.optim.SGD(model.parameters(), lr=[1e-4, 5e-5, 2e-5][seed % 3])
    return Setup(train, model, opt, _ce, epochs=25, batch=32, val=val, classes=classes), task + ', SGD lr ≤ 1e-4'


def make_batch_one(g, seed):
    train, val, _ = _split(g, lambda g, n: tasks.moons(g, n, 0.25), 120, 256)
    model = tasks.mlp(2, 32, 2)
    lr = [0.1, 0.15, 0.2][seed % 3]
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    return Setup(train, model, opt, _ce, epochs=30, batch=1, val=val, classes=2), f'two moons, MLP, batch size 1, SGD lr {lr}'


def make_label_noise(g, seed):
    angle = torch.rand(1, generator=g).item() * 6.283
    centers = 2.0 * torch.tensor([[math.cos(angle), math.sin(angle)], [-math.cos(angle), -math.sin(angle)]])
    x, y, _ = tasks.blobs(g, 640, 2, spread=1.0, centers=centers)
    flip = torch.rand(128, generator=g) < 0.44
    y_train = torch.where(flip, 1 - y[:128], y[:128])
    model = tasks.mlp(2, 8, 2, depth=1)
    with torch.no_grad():  # start from uniform predictions (zero-initialised head)
        model[-1].weight.zero_()
        model[-1].bias.zero_()
    opt = torch.optim.Adam(model.parameters(), lr=[2e-3, 1e-3, 3e-3][seed % 3])
    return Setup((x[:128], y_train), model, opt, _ce, epochs=40, batch=32, val=(x[128:], y[128:]), classes=2), \
        '128 points of two separable blobs, 44 % of training labels flipped, clean validation, zero-initialised head, Adam'


def make_train_val_shift(g, seed):
    x, y, centers = tasks.blobs(g, 512, 3, spread=0.8)
    shifted = centers + torch.randn(3, 2, generator=g) * 2.5
    xv, yv, _ = tasks.blobs(g, 256, 3, spread=0.8, centers=shifted)
    model = tasks.mlp(2, 64, 3)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    return Setup((x, y), model, opt, _ce, epochs=30, batch=32, val=(xv, yv), classes=3), \
        'blobs; validation blobs moved by ~2.5σ per class, Adam 5e-3'


def make_test_shift(g, seed):
    x, y, centers = tasks.blobs(g, 768, 3, spread=1.2)
    shifted = centers + torch.randn(3, 2, generator=g) * 2.0
    xt, yt, _ = tasks.blobs(g, 256, 3, spread=1.2, centers=shifted)
    model = tasks.mlp(2, 32, 3)
    opt = torch.optim.Adam(model.parameters(), lr=[1e-3, 3e-3, 1e-2][seed % 3])
    return Setup((x[:512], y[:512]), model, opt, _ce, epochs=30, batch=32, val=(x[512:], y[512:]), test=(xt, yt), classes=3), \
        'blobs; test blobs moved by ~2σ per class, train and validation alike, Adam'


def make_overfit(g, seed):
    if seed % 2:
        train, val, _ = _split(g, lambda g, n: tasks.spirals(g, n, 2, 0.35), 48, 256)
        task = '48 noisy spiral points'
        classes = 2
    else:
        train, val, _ = _split(g, lambda g, n: tasks.blobs(g, n, 3, spread=1.8)[:2], 48, 256)
        task = '48 overlapping blob points'
        classes = 3
    model = tasks.mlp(2, 256, classes, depth=3)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    return Setup(train, model, opt, _ce, epochs=60, batch=16, val=val, classes=classes), task + ', MLP 3×256, Adam 5e-3'


def make_unshuffled(g, seed):
    x, y, _ = tasks.blobs(g, 768, 4, spread=1.0)
    order = torch.argsort(y[:512] * 1000 + torch.arange(512))  # grouped by class, stable
    model = tasks.mlp(2, 32, 4)
    opt = torch.optim.SGD(model.parameters(), lr=[0.05, 0.1, 0.2][seed % 3])
    return Setup((x[:512], y[:512]), model, opt, _ce, epochs=20, batch=32, val=(x[512:], y[512:]), classes=4,
                 shuffle=False, order=order), 'blobs, 4 classes, data sorted by class and never shuffled, SGD'


def make_memorise(g, seed):
    x = torch.randn(512, 32, generator=g)
    y = torch.randint(0, 4, (512,), generator=g)
    model = tasks.mlp(32, 512, 4)
    opt = torch.optim.Adam(model.parameters(), lr=[2e-3, 3e-3, 1.5e-3][seed % 3])
    return Setup((x[:256], y[:256]), model, opt, _ce, epochs=12, batch=16, val=(x[256:], y[256:]), classes=4), \
        '256 random vectors with random labels, MLP 2×512 (memorises), Adam'


def make_shuffled_labels(g, seed):
    x, y, _ = tasks.blobs(g, 1536, 4, spread=1.0)
    y = y[torch.randperm(1536, generator=g)]
    model = tasks.mlp(2, 16, 4)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    return Setup((x[:1024], y[:1024]), model, opt, _ce, epochs=20, batch=64, val=(x[1024:], y[1024:]), classes=4), \
        'blobs, 4 classes, labels shuffled (independent of inputs), small MLP'


def make_softmax_ce(g, seed):
    x, y, _ = tasks.blobs(g, 1536, 10, spread=2.5, dim=4)
    model = nn.Sequential(tasks.mlp(4, 32, 10), nn.Softmax(dim=1))
    opt = torch.optim.SGD(model.parameters(), lr=[0.003, 0.002, 0.005][seed % 3])
    return Setup((x[:1024], y[:1024]), model, opt, _ce, epochs=20, batch=64, val=(x[1024:], y[1024:]), classes=10), \
        'blobs, 10 classes, softmax layer before CrossEntropyLoss, SGD'


def make_spikes(g, seed):
    x, y, w = tasks.regression(g, 768, 8)
    outlier = torch.rand(768, generator=g) < 0.012
    x = torch.where(outlier[:, None], x * 12, x)
    model = tasks.mlp(8, 64, 1)
    opt = torch.optim.SGD(model.parameters(), lr=[0.01, 0.02, 0.005][seed % 3])
    return Setup((x[:512], y[:512]), model, opt, _mse, epochs=25, batch=16, val=(x[512:], y[512:])), \
        'regression with 1 % of inputs ×12 (outliers), MLP, SGD without gradient clipping'


def _nll_on_logits(out, y):
    return F.nll_loss(out, y)  # the missing log_softmax leaves -logit[y]: no lower bound


def make_unbounded(g, seed):
    x, y, _ = tasks.blobs(g, 768, 3, spread=1.0)
    model = tasks.mlp(2, 32, 3)
    opt = torch.optim.Adam(model.parameters(), lr=[0.01, 0.02, 0.005][seed % 3])
    return Setup((x[:512], y[:512]), model, opt, _nll_on_logits, epochs=25, batch=32, val=(x[512:], y[512:]), classes=3), \
        'blobs, NLLLoss on raw logits (no log_softmax), Adam'


def _manual_bce(out, y):
    p = torch.sigmoid(out[:, 1] - out[:, 0])
    t = y.float()
    # 1 - p rounds to 0 in float32 once a logit passes ~17, and 0 * log(0) = 0 * -inf = NaN
    return -(t * torch.log(p) + (1 - t) * torch.log(1 - p)).mean()


def make_log_zero(g, seed):
    x, y, _ = tasks.blobs(g, 768, 2, spread=0.7)
    x = x / 3
    model = tasks.mlp(2, 64, 2)
    opt = torch.optim.Adam(model.parameters(), lr=[2e-3, 3e-3, 1.5e-3][seed % 3])
    return Setup((x[:512], y[:512]), model, opt, _manual_bce, epochs=40, batch=32, val=(x[512:], y[512:]), classes=2), \
        'separable blobs, hand-written binary cross-entropy log(sigmoid), Adam'


def make_vanishing(g, seed):
    x, y, _ = tasks.blobs(g, 768, 3, spread=1.0)
    depth = [8, 9, 10][seed % 3]
    model = tasks.mlp(2, 32, 3, depth=depth, act=nn.Sigmoid)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    return Setup((x[:512], y[:512]), model, opt, _ce, epochs=100, batch=512, val=(x[512:], y[512:]), classes=3), \
        f'separable blobs, 3 classes, {depth}-layer sigmoid MLP (default init), full-batch SGD 0.5'


def make_exploding_norm(g, seed):
    train, val, _ = _split(g, lambda g, n: tasks.regression(g, n, 8, scale=2.0)[:2], 512, 256)
    model = tasks.mlp(8, 64, 1, depth=4, act=nn.Tanh)
    low, high = 0.01, [3.0, 4.0, 2.5][seed % 3]
    total = 400
    opt = torch.optim.SGD(model.parameters(), lr=low)
    return Setup(train, model, opt, _mse, epochs=total // 4, batch=128, val=val,
                 lr_at=lambda s: low * (high / low) ** (s / total)), \
        f'regression, 4-layer tanh MLP, SGD with the learning rate raised exponentially from {low} to {high}, no clipping'


def _late_swings(log):
    sw = checks.swings(log.series('loss'))
    return [('large epoch-to-epoch swings (median |Δ| ≥ 8 % of the level, ≥ 35 % turns)',
             sw['swing'] >= 0.08 and sw['turns'] >= 0.35 * sw['points'], sw)]


def _no_net_progress(log):
    xs = checks.finite(log.series('loss'))
    half = len(xs) // 2
    first, second = sum(xs[1:half]) / (half - 1), sum(xs[half:]) / (len(xs) - half)
    return [('no net progress (mean of the 2nd half ≥ 0.9 × the 1st half, epoch 0 excluded)', second >= 0.9 * first,
             {'first_half': round(first, 4), 'second_half': round(second, 4)})]


def _learned(fraction):
    def check(log):
        fall = checks.relative_fall(log.series('loss'))
        return [(f'training loss fell ≥ {fraction:.0%}', fall >= fraction, {'train_fall': round(fall, 4)})]
    return check


def _finite_start(log):
    n = len(log.steps) // 5
    ok = all(math.isfinite(s['loss']) for s in log.steps[:n])
    return [('finite for the first 20 % of steps', ok, {})]


def _grad_vanished(log):
    norms = checks.grad_norm_levels(log)
    fall = checks.relative_fall(log.series('loss'))
    return [('gradient norm ≥ ×1000 below its early level for the last quarter', norms['early'] >= 1000 * norms['last_quarter'], norms),
            ('training loss fell < 5 %', fall < 0.05, {'train_fall': round(fall, 4)})]


def _grad_exploded(log):
    norms = checks.grad_norm_growth(log)
    return [('finite gradient norm ends ≥ ×10 its level before the growth', norms['end'] >= 10 * norms['before'], norms)]


def _wrap(name, fn):
    """A check from a function returning (passed, numbers)."""
    return lambda log: [(name, *fn(log))]


def _measured(name, measure, passes):
    """A check from a measurement (log -> numbers) and a test on those numbers."""
    def check(log):
        numbers = measure(log)
        return [(name, passes(numbers), numbers)]
    return check


SCENARIOS = [
    Scenario('healthy-still-learning', 'none: a sound model stopped while both losses still fall',
             '§C1: train and validation falling → still learning; checked: both still fall in the last 30 %.',
             make_healthy_learning, EPOCH_FORMATS + VAL_STEP_FORMATS, _shape_is('still-learning'),
             verdict='still-learning', healthy=True),
    Scenario('healthy-converged', 'none: a sound model trained to its noise floor',
             '§C4 reached on purpose: both curves flat at the Bayes error after a clear fall → converged.',
             make_healthy_converged, EPOCH_FORMATS + VAL_STEP_FORMATS, _shape_is('converged'),
             verdict='converged', healthy=True),
    Scenario('lr-diverge', 'learning rate above 2/λmax after warm-up (plain SGD)',
             '§C5/§T5/§T7: both losses rise geometrically once the step passes the stability bound → diverging.',
             make_lr_diverge, EPOCH_FORMATS + VAL_STEP_FORMATS + TRAIN_ONLY_STEP_FORMATS,
             _both(_shape_is('diverging'), _wrap('all values finite', lambda log: (not checks.nonfinite(log)[0], {}))),
             verdict='diverging', allow=['loss-spikes', 'early-instability', 'exploding-gradients']),
    Scenario('lr-nan', 'learning rate far above the stability bound: the loss overflows to inf/NaN',
             '§T7 exploding updates: the loss turns non-finite after a finite start → non-finite, run diverged.',
             make_lr_nan, EPOCH_FORMATS + VAL_STEP_FORMATS + TRAIN_ONLY_STEP_FORMATS,
             _both(_wrap('a NaN or inf exists', checks.nonfinite), _finite_start),
             verdict='diverging', findings=['non-finite'], allow=['loss-spikes', 'early-instability', 'exploding-gradients']),
    Scenario('lr-oscillation', 'learning rate too high for Adam: the epoch loss jumps around without progress',
             '§T5/§T7: large, irregular swings of the epoch-averaged loss and no net fall → not learning, oscillating.',
             make_lr_oscillation, EPOCH_FORMATS + ['tb-export-csv-epoch'], _both(_late_swings, _no_net_progress),
             verdict='not-learning', verdict_also=['diverging'], findings=['oscillation'],
             allow=['loss-spikes', 'early-instability', 'chance-level', 'held-out-spikes']),
    Scenario('lr-too-low', 'learning rate orders of magnitude too small (SGD ≤ 1e-4)',
             '§T5/§T7: the training loss barely moves (< 5 %) → not learning.',
             make_lr_too_low, EPOCH_FORMATS + VAL_STEP_FORMATS, _shape_is('not-learning'),
             verdict='not-learning', allow=['chance-level']),
    Scenario('batch-size-1', 'batch size 1 with a fixed SGD step',
             '§T8: late training wobbles and does not settle → oscillation; the trend verdict comes from the curves.',
             make_batch_one, EPOCH_FORMATS + ['tb-export-csv-epoch'], _both(_learned(0.3), _late_swings),
             findings=['oscillation'], allow=['loss-spikes', 'held-out-spikes']),
    Scenario('label-noise-train', '44 % of training labels flipped; validation labels clean',
             '§C3 + §T10: training loss stays near the noise entropy while validation falls → data problem.',
             make_label_noise, EPOCH_FORMATS + VAL_STEP_FORMATS, _shape_is('data-problem'), verdict='data-problem'),
    Scenario('train-val-shift', 'validation data drawn from a shifted distribution',
             '§C2/§V: train falls, validation stays flat or turns up → overfitting is what the curves show.',
             make_train_val_shift, EPOCH_FORMATS + VAL_STEP_FORMATS, _shape_is('overfitting'), verdict='overfitting'),
    Scenario('test-shift', 'test data from a shifted distribution; train and validation alike',
             '§S1: train and validation healthy, test loss ≥ 1.5 × validation → test shift.',
             make_test_shift, ['keras-csv', 'keras-history-json', 'hf-trainer-state', 'tfevents'],
             _both(_shape_is('still-learning', 'converged'), _wrap('final test ≥ 1.5 × final validation', checks.test_gap)),
             findings=['test-shift']),
    Scenario('overfit-small-data', '48 training points for a 3×256 MLP',
             '§C2/§V2/§V3: train keeps falling, validation bottoms out early and rises → overfitting.',
             make_overfit, EPOCH_FORMATS + VAL_STEP_FORMATS, _shape_is('overfitting'), verdict='overfitting',
             allow=['epoch-staircase']),
    Scenario('unshuffled-sorted', 'training data sorted by class and never shuffled',
             '§T9: each epoch walks the classes in the same order, so the per-step loss repeats every epoch → epoch-sawtooth.',
             make_unshuffled, VAL_STEP_FORMATS + TRAIN_ONLY_STEP_FORMATS,
             _measured('per-step loss repeats every epoch (acf at one epoch ≥ 0.5)', checks.epoch_period,
                       lambda p: p['acf_epoch'] >= 0.5 and p['acf_epoch'] > p['acf_half_epoch'] + 0.3),
             findings=['epoch-sawtooth'], allow=['oscillation', 'loss-spikes'], per_step=True),
    Scenario('memorisation', 'a large MLP memorising random labels over several epochs',
             'Memorisation: each epoch revisits examples it has stored, so the per-step loss drops at every epoch boundary → epoch-staircase.',
             make_memorise, VAL_STEP_FORMATS + TRAIN_ONLY_STEP_FORMATS,
             _measured('loss drops at ≥ 60 % of epoch boundaries', checks.staircase, lambda p: p['boundaries_with_drop'] >= 0.6),
             findings=['epoch-staircase'], allow=['loss-spikes', 'oscillation'], per_step=True),
    Scenario('chance-shuffled-labels', 'labels shuffled: no relation between inputs and targets',
             '§T10/§T12: accuracy within 0.05 of 1/C and loss at ln C → chance level, not learning.',
             make_shuffled_labels, EPOCH_FORMATS + VAL_STEP_FORMATS, _wrap('accuracy and loss at chance', checks.near_chance),
             verdict='not-learning', findings=['chance-level']),
    Scenario('chance-softmax-ce', 'softmax applied before CrossEntropyLoss (double softmax)',
             '§T4: the wrong output/loss pairing flattens the gradient; kept only where accuracy stays at 1/C → chance level.',
             make_softmax_ce, EPOCH_FORMATS + VAL_STEP_FORMATS, _wrap('accuracy and loss at chance', checks.near_chance),
             verdict='not-learning', findings=['chance-level']),
    Scenario('exploding-gradients', 'rare outlier inputs and no gradient clipping',
             '§T7: an outlier batch blows up the gradient norm and the loss spikes ≥ 5× its recent median → loss spikes.',
             make_spikes, VAL_STEP_FORMATS + TRAIN_ONLY_STEP_FORMATS,
             _both(_learned(0.2), _measured('≥ 2 per-step spikes over 5× the recent median', checks.spikes, lambda p: p['spikes'] >= 2)),
             findings=['loss-spikes'], allow=['early-instability', 'oscillation', 'held-out-spikes'], per_step=True),
    Scenario('unbounded-loss', 'NLLLoss on raw logits (log_softmax missing): the objective has no lower bound',
             '§T4 wrong loss: the loss goes negative and keeps falling without limit → unbounded loss; the run diverges.',
             make_unbounded, EPOCH_FORMATS + VAL_STEP_FORMATS + TRAIN_ONLY_STEP_FORMATS,
             _wrap('loss negative and still falling (< -10 at the end)', checks.unbounded),
             verdict='diverging', findings=['unbounded-loss']),
    Scenario('nan-log-zero', 'hand-written cross-entropy takes log(0) once a probability underflows',
             '§T4/§T7: log(0) = -inf gives an inf loss and NaN gradients → non-finite, the run is lost.',
             make_log_zero, EPOCH_FORMATS + VAL_STEP_FORMATS + TRAIN_ONLY_STEP_FORMATS,
             _both(_wrap('a NaN or inf exists', checks.nonfinite), _finite_start),
             verdict='diverging', findings=['non-finite'], allow=['loss-spikes', 'early-instability']),
    Scenario('vanishing-gradients', 'a deep sigmoid MLP: the gradient shrinks at every layer and the model never learns',
             '§T7/§T4: the gradient norm falls ×1000 below its start while the training loss stays at ln C → not learning, vanishing gradients.',
             make_vanishing, GRAD_NORM_FORMATS, _grad_vanished,
             verdict='not-learning', findings=['vanishing-gradients'], allow=['chance-level'], per_step=True, runs=6),
    Scenario('exploding-grad-norm', 'the learning rate keeps rising past the stability bound of a deep tanh MLP, no gradient clipping',
             '§T7/§T5: the gradient norm grows by orders of magnitude, then the loss blows up to inf/NaN → diverging, exploding gradients.',
             make_exploding_norm, GRAD_NORM_FORMATS, _both(_grad_exploded, _finite_start),
             verdict='diverging', findings=['exploding-gradients'], allow=['non-finite', 'loss-spikes', 'early-instability', 'oscillation', 'held-out-spikes'],
             per_step=True, runs=6),
]
