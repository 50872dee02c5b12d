"""Checks on the logged numbers that decide whether a run really shows its injected cause, and the
verdict the numbers support (the trend table of the seed, §C1–C5). Nothing here looks at lossdoc."""
import math
import statistics


def finite(xs):
    return [x for x in xs if math.isfinite(x)]


def window_mean(xs, start, end):
    n = len(xs)
    part = finite(xs[int(start * n):max(int(start * n) + 1, int(math.ceil(end * n)))])
    return statistics.fmean(part) if part else math.nan


def end_level(xs):
    return window_mean(xs, 0.9, 1.0)


def relative_fall(xs):
    """How much of the first epoch's loss is gone by the last tenth of the run."""
    first = xs[0]
    return (first - end_level(xs)) / abs(first) if first else 0.0


def late_progress(xs):
    """The fall over the last 30 % of the run as a share of the whole fall: ~0 on a plateau."""
    total = xs[0] - min(finite(xs))
    if total <= 0:
        return 0.0
    return (window_mean(xs, 0.6, 0.7) - end_level(xs)) / total


def late_relative(xs):
    """The fall over the last 30 % of the run as a share of the level it ends at: the tail on its own scale."""
    end = end_level(xs)
    return (window_mean(xs, 0.6, 0.7) - end) / abs(end) if end else 0.0


def smoothed(xs):
    """Rolling mean over a tenth of the run (at least 3 points): one noisy evaluation is not a trend."""
    vals = finite(xs)
    w = max(3, len(vals) // 10)
    return [statistics.fmean(vals[max(0, i - w + 1):i + 1]) for i in range(len(vals))]


def val_turned(xs):
    """How far the validation curve climbed back from its (smoothed) minimum, and where that minimum
    lies: a minimum before 70 % of the run and an end ≥ 1.1 × the minimum is overfitting."""
    smooth = smoothed(xs)
    i = smooth.index(min(smooth))
    rise = end_level(xs) / smooth[i] if smooth[i] > 0 else 1.0
    return {'val_min_at': round(i / len(smooth), 3), 'val_end_over_min': round(rise, 3)}


def shape_verdicts(log):
    """The verdicts the epoch curves support, by the seed's table (train × validation trend):
    rising → diverging (§C5), flat train with falling validation → data-problem (§C3), flat/flat →
    not learning when it never fell (§C4), falling train with flat or turning validation →
    overfitting (§C2, §V), falling/falling → still learning (§C1) unless the last 30 % of the run
    adds little (converged). Returns (acceptable verdicts, the expected one first; numbers)."""
    train = log.series('loss')
    val = log.series('val_loss') if log.has('val_loss') else None
    numbers = {'train_fall': round(relative_fall(train), 4), 'train_late_progress': round(late_progress(train), 4)}
    end, low = end_level(train), min(finite(train))
    if end > 2 * low and end > train[0]:
        return ['diverging'], numbers
    if numbers['train_fall'] < 0.05:
        if val and relative_fall(val) >= 0.15:
            numbers['val_fall'] = round(relative_fall(val), 4)
            return ['data-problem'], numbers
        return ['not-learning'], numbers
    close_call = False
    if val:
        numbers['val_fall'] = round(relative_fall(val), 4)
        numbers.update(val_turned(val))
        early, rise = numbers['val_min_at'] < 0.7, numbers['val_end_over_min']
        if (early and rise >= 1.1) or (numbers['val_fall'] < 0.05 and numbers['train_fall'] > 0.3):
            return ['overfitting'], numbers
        close_call = early and rise >= 1.05  # near the line: overfitting is acceptable too
        numbers['val_late_progress'] = round(late_progress(val), 4)
        numbers['val_late_relative'] = round(late_relative(val), 4)
    numbers['train_late_relative'] = round(late_relative(train), 4)
    late = max(numbers['train_late_progress'], numbers.get('val_late_progress', -1))
    if late >= 0.10:
        trend = ['still-learning']
    elif late <= 0.04:
        trend = ['converged']
    else:  # between the two: both are acceptable, the nearer one is expected
        trend = ['still-learning', 'converged'] if late >= 0.07 else ['converged', 'still-learning']
    # The same tail read on its own scale: a loss that still fell by a tenth of its level over the
    # last 30 % is still learning on a log plot however small that is beside the early fall, one
    # that moved under 3 % of its level is flat however large a share of a small total fall that
    # was, and in between both readings hold (as in the band of the share reading above). Where
    # the two readings disagree, both verdicts are acceptable.
    relative = max(numbers['train_late_relative'], numbers.get('val_late_relative', -1))
    if relative > 0.03 and 'still-learning' not in trend:
        trend.append('still-learning')
    if relative < 0.10 and 'converged' not in trend:
        trend.append('converged')
    return trend + (['overfitting'] if close_call else []), numbers


def nonfinite(log):
    bad = [s['step'] for s in log.steps if not math.isfinite(s['loss'])]
    return bool(bad), {'first_nonfinite_step': bad[0] if bad else None, 'nonfinite_steps': len(bad)}


def near_chance(log):
    """Train and validation accuracy within 0.05 of 1/C and the loss within 5 % of ln C."""
    c = log.classes
    acc = window_mean(log.series('accuracy'), 0.7, 1.0)
    val_acc = window_mean(log.series('val_accuracy'), 0.7, 1.0)
    loss = end_level(log.series('loss'))
    ok = abs(acc - 1 / c) <= 0.05 and abs(val_acc - 1 / c) <= 0.05 and abs(loss - math.log(c)) <= 0.05 * math.log(c)
    return ok, {'classes': c, 'train_acc': round(acc, 4), 'val_acc': round(val_acc, 4), 'loss': round(loss, 4), 'ln_c': round(math.log(c), 4)}


def swings(xs, start=0.3):
    """Epoch-to-epoch swings after the first 30 %: their median size relative to the level, the
    number of direction changes, and the net progress over that part."""
    part = finite(xs[int(start * len(xs)):])
    diffs = [b - a for a, b in zip(part, part[1:])]
    turns = sum(1 for a, b in zip(diffs, diffs[1:]) if a * b < 0)
    level = statistics.median(part)
    size = statistics.median(abs(d) for d in diffs) / abs(level) if level else 0.0
    return {'swing': round(size, 4), 'turns': turns, 'points': len(part)}


def epoch_period(log):
    """Autocorrelation of the per-step loss (minus its per-epoch mean) at a lag of one epoch, and
    at half an epoch for contrast: a pattern repeating every epoch correlates at the full lag."""
    n = log.steps_per_epoch
    xs = [s['loss'] for s in log.steps][n:]  # after the first epoch
    resid = []
    for i in range(0, len(xs) - n + 1, n):
        chunk = xs[i:i + n]
        m = statistics.fmean(chunk)
        resid += [x - m for x in chunk]

    def corr(lag):
        a, b = resid[:-lag], resid[lag:]
        va, vb = statistics.pvariance(a), statistics.pvariance(b)
        if va == 0 or vb == 0:
            return 0.0
        ma, mb = statistics.fmean(a), statistics.fmean(b)
        return sum((x - ma) * (y - mb) for x, y in zip(a, b)) / (len(a) * math.sqrt(va * vb))
    return {'acf_epoch': round(corr(n), 4), 'acf_half_epoch': round(corr(max(1, n // 2)), 4)}


def staircase(log):
    """Share of epoch boundaries where the first batches of the new epoch sit clearly below the last
    batches of the previous one, while the loss inside an epoch hardly falls."""
    n = log.steps_per_epoch
    xs = [s['loss'] for s in log.steps]
    k = max(2, n // 5)
    drops, inner = [], []
    for e in range(1, len(xs) // n):
        before = statistics.fmean(xs[e * n - k:e * n])
        after = statistics.fmean(xs[e * n:e * n + k])
        drops.append((before - after) / before)
        start = statistics.fmean(xs[(e - 1) * n:(e - 1) * n + k])
        inner.append((start - before) / start)
    stepped = sum(1 for d, i in zip(drops, inner) if d > 0.05 and d > i) / len(drops)
    return {'boundaries_with_drop': round(stepped, 3), 'median_drop': round(statistics.median(drops), 4), 'median_inside_epoch_fall': round(statistics.median(inner), 4)}


def spikes(log):
    """Logged batches whose loss exceeds 5× the median of the 20 before it (and the gradient norm
    there, where it was logged)."""
    xs = [s['loss'] for s in log.steps]
    hits = []
    for i in range(20, len(xs)):
        ref = statistics.median(xs[i - 20:i])
        if math.isfinite(xs[i]) and xs[i] > 5 * ref:
            hits.append(i)
    grad = [log.steps[i]['grad_norm'] for i in hits]
    med_grad = statistics.median(s['grad_norm'] for s in log.steps)
    return {'spikes': len(hits), 'max_spike_grad_norm_over_median': round(max(grad) / med_grad, 2) if grad else None}


def unbounded(log):
    xs = log.series('loss')
    return xs[-1] < 0 and xs[-1] < xs[len(xs) // 2] - 1 and xs[-1] < -10, {'first': round(xs[0], 4), 'middle': round(xs[len(xs) // 2], 4), 'last': round(xs[-1], 4)}


def test_gap(log):
    test, val = end_level(log.series('test_loss')), end_level(log.series('val_loss'))
    return test >= 1.5 * val, {'test_end': round(test, 4), 'val_end': round(val, 4), 'ratio': round(test / val, 3)}


def grad_norm_levels(log):
    """The per-step gradient norm: median of the first 5 % (≥ 3 steps) and of the last quarter."""
    norms = finite([s['grad_norm'] for s in log.steps])
    head = max(3, len(norms) // 20)
    return {'early': statistics.median(norms[:head]), 'last_quarter': statistics.median(norms[-max(3, len(norms) // 4):])}


def grad_norm_growth(log):
    """The finite per-step gradient norm: its median over the first half of the finite steps, and the
    median of its last 5 finite values (where a growth that ends in NaN has got to)."""
    norms = finite([s['grad_norm'] for s in log.steps])
    return {'before': statistics.median(norms[:len(norms) // 2]), 'end': statistics.median(norms[-5:]),
            'max': max(norms), 'finite_steps': len(norms), 'steps': len(log.steps)}
