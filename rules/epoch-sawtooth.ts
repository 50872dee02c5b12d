import { detectStaircase, epochGrid, indexAtOrAfter, inferPeriodGrid, logCurve, MIN_POINTS_PER_EPOCH, rollingLevel, trainSeries, type EpochGrid } from '../src/core/curve-signals.js';
import { defineRule } from '../src/core/engine/define-rule.js';
import { ref } from '../src/core/engine/messages.js';
import { num, pct, xval } from '../src/core/engine/rule-helpers.js';
import { detectLrSchedule } from '../src/core/lr-schedule.js';
import { finitePoints } from '../src/core/stats/decimate.js';
import { median, robustNoise } from '../src/core/stats/robust.js';

/** The within-epoch pattern of a per-step curve, folded on the epoch. */
export interface PhaseProfile {
  bins: number;
  /** Median detrended value per phase bin (log scale for a loss). */
  profile: number[];
  /** Epochs with enough points to count. */
  epochs: number;
  /** Autocorrelation of the binned residuals at one epoch, and at half an epoch. */
  acfEpoch: number;
  acfHalf: number;
  pairs: number;
  /** Share of the binned residual variance the shared profile explains. */
  r2: number;
  /** Peak-to-peak of the profile, and its standard error per bin. */
  amplitude: number;
  se: number;
  /** Slope of the one-epoch moving average, per x unit (median). */
  slope: number;
}

/**
 * Fold a curve on its epochs: remove a centred one-epoch moving average (which cancels anything
 * that repeats every epoch, so the residual keeps it), bin the residual by the phase inside the
 * epoch, and measure how much the bins repeat from one epoch to the next. O(n).
 */
export function phaseProfile(x: Float64Array, v: Float64Array, grid: EpochGrid): PhaseProfile | undefined {
  const n = v.length;
  const P = grid.stepsPerEpoch;
  if (n < 3 * MIN_POINTS_PER_EPOCH || !(P > 0)) return undefined;
  const span = x[n - 1] - x[0];
  const perEpoch = (n / span) * P;
  if (span < 3 * P || perEpoch < MIN_POINTS_PER_EPOCH) return undefined;
  // Winsorise against a short rolling median so that spikes do not leak into the moving average.
  const sigma = robustNoise(v) || 1e-12;
  const local = rollingLevel(v, 5);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = Math.min(local[i] + 4 * sigma, Math.max(local[i] - 4 * sigma, v[i]));
  // Centred moving average over exactly one epoch (two pointers, irregular x).
  const trend = new Float64Array(n).fill(Number.NaN);
  let lo = 0;
  let hi = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    while (hi < n && x[hi] <= x[i] + P / 2) sum += w[hi++];
    while (x[lo] < x[i] - P / 2) sum -= w[lo++];
    if (x[i] - P / 2 >= x[0] && x[i] + P / 2 <= x[n - 1]) trend[i] = sum / (hi - lo);
  }
  const bins = Math.max(6, Math.min(24, Math.round(perEpoch / 3)));
  const b = grid.boundaries;
  const cells = new Map<number, number[]>();
  let minEpoch = Number.POSITIVE_INFINITY;
  let maxEpoch = Number.NEGATIVE_INFINITY;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(trend[i])) continue;
    const { epoch, phase } = phaseOf(x[i], b, P);
    const bin = Math.min(bins - 1, Math.floor(phase * bins));
    const key = epoch * bins + bin;
    const list = cells.get(key);
    if (list) list.push(w[i] - trend[i]);
    else cells.set(key, [w[i] - trend[i]]);
    minEpoch = Math.min(minEpoch, epoch);
    maxEpoch = Math.max(maxEpoch, epoch);
  }
  for (let i = 1; i < n; i++) {
    if (Number.isFinite(trend[i]) && Number.isFinite(trend[i - 1]) && x[i] > x[i - 1]) slopes.push((trend[i] - trend[i - 1]) / (x[i] - x[i - 1]));
  }
  if (!Number.isFinite(minEpoch)) return undefined;
  const grid2: number[][] = [];
  let counted = 0;
  for (let e = minEpoch; e <= maxEpoch; e++) {
    const row: number[] = [];
    let filled = 0;
    for (let k = 0; k < bins; k++) {
      const list = cells.get(e * bins + k);
      const m = list ? median(list) : Number.NaN;
      if (Number.isFinite(m)) filled++;
      row.push(m);
    }
    if (filled >= bins / 2) counted++;
    else row.fill(Number.NaN);
    grid2.push(row);
  }
  if (counted < 2) return undefined;
  const profile: number[] = [];
  for (let k = 0; k < bins; k++) profile.push(median(grid2.map((row) => row[k])));
  // ACF of the flattened binned residuals.
  const flat = grid2.flat();
  let mean = 0;
  let count = 0;
  for (const f of flat) if (Number.isFinite(f)) (mean += f), count++;
  mean /= count || 1;
  let c0 = 0;
  for (const f of flat) if (Number.isFinite(f)) c0 += (f - mean) ** 2;
  c0 /= count || 1;
  const acfAt = (lag: number): { r: number; pairs: number } => {
    let c = 0;
    let pairs = 0;
    for (let t = 0; t + lag < flat.length; t++) {
      if (Number.isFinite(flat[t]) && Number.isFinite(flat[t + lag])) {
        c += (flat[t] - mean) * (flat[t + lag] - mean);
        pairs++;
      }
    }
    return { r: pairs && c0 > 0 ? c / pairs / c0 : 0, pairs };
  };
  const epochAcf = acfAt(bins);
  const halfAcf = acfAt(Math.round(bins / 2));
  let ssRes = 0;
  let ssTot = 0;
  grid2.forEach((row) =>
    row.forEach((m, k) => {
      if (!Number.isFinite(m)) return;
      ssRes += (m - profile[k]) ** 2;
      ssTot += (m - mean) ** 2;
    }),
  );
  const perBin = Math.max(1, (perEpoch / bins) * counted);
  return {
    bins,
    profile,
    epochs: counted,
    acfEpoch: epochAcf.r,
    acfHalf: halfAcf.r,
    pairs: epochAcf.pairs,
    r2: ssTot > 0 ? 1 - ssRes / ssTot : 0,
    amplitude: Math.max(...profile) - Math.min(...profile),
    se: (1.2533 * sigma) / Math.sqrt(perBin),
    slope: slopes.length ? median(slopes) : 0,
  };
}

/** Epoch index (0 = the epoch starting at the first boundary, −1 before it) and phase in [0, 1). */
function phaseOf(x: number, boundaries: number[], P: number): { epoch: number; phase: number } {
  if (boundaries.length === 0) {
    const d = x / P;
    return { epoch: Math.floor(d), phase: d - Math.floor(d) };
  }
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (boundaries[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  const k = lo; // boundaries ≤ x
  if (k === 0 || k === boundaries.length) {
    const ref = k === 0 ? boundaries[0] : boundaries[boundaries.length - 1];
    const d = (x - ref) / P;
    const f = Math.floor(d);
    return { epoch: (k === 0 ? 0 : k - 1) + f, phase: d - f };
  }
  const a = boundaries[k - 1];
  const c = boundaries[k];
  return { epoch: k - 1, phase: Math.min(0.999999, (x - a) / (c - a || 1)) };
}

/** Largest upward move of the raw (trend + profile) curve inside an epoch or across its boundary. */
function largestRise(p: PhaseProfile, P: number): { rise: number; at: 'boundary' | 'inside'; phase: number } {
  const B = p.bins;
  const step = (p.slope * P) / B;
  const raw = p.profile.map((s, k) => s + step * k);
  let best = { rise: Number.NEGATIVE_INFINITY, at: 'inside' as 'boundary' | 'inside', phase: 0 };
  let lowest = raw[0];
  let lowestAt = 0;
  for (let k = 1; k < B; k++) {
    if (raw[k] - lowest > best.rise) best = { rise: raw[k] - lowest, at: 'inside', phase: (lowestAt + k) / 2 / B };
    if (raw[k] < lowest) {
      lowest = raw[k];
      lowestAt = k;
    }
  }
  const boundary = p.profile[0] - p.profile[B - 1] + step;
  if (boundary > best.rise) best = { rise: boundary, at: 'boundary', phase: 0 };
  return best;
}

export default defineRule({
  meta: {
    id: 'epoch-sawtooth',
    severity: 'warning',
    tags: ['data', 'periodicity'],
    seed: ['§T9'],
    title: { en: 'Pattern repeating every epoch', zh: '每轮重复的锯齿模式' },
    description: {
      en: 'A per-step loss whose ups and downs repeat every epoch: the same batches come at the same point of each epoch, so the data is not being shuffled. The steps per epoch come from the log\'s step→epoch mapping. The curve (log scale) minus its centred one-epoch moving average is folded on the epoch into phase bins; it fires when the binned residuals correlate at a lag of one epoch (ACF ≥ 0.3, above 2.5/√pairs, and at least 0.3 above the ACF at half an epoch), the shared profile explains ≥ 25% of their variance, its amplitude is ≥ 3% and 4 standard errors, and the raw curve really goes up somewhere in the cycle (a pure staircase is left to epoch-staircase). It stays silent when the learning rate repeats at the same period (cyclic or per-epoch schedules) and on per-epoch logs.',
      zh: '按步记录的损失，其起伏每个轮次重复一次：同样的批次总在每轮的同一位置出现，说明数据没有被打乱。每轮步数取自日志中步数到轮次的对应关系。把曲线（对数尺度）减去居中的一轮移动平均后，按轮内相位分箱折叠；当分箱残差在一轮的滞后处相关（ACF ≥ 0.3，高于 2.5/√对数，且比半轮滞后处的 ACF 至少高 0.3）、共同模式解释其方差的 25% 以上、幅度 ≥ 3% 且 ≥ 4 个标准误，并且原始曲线在周期中确有上升（纯阶梯形交给 epoch-staircase）时触发。当学习率以相同周期重复（周期性或按轮调度）时，以及对按轮记录的日志，不触发。',
    },
    message: {
      en: '{{series}} repeats the same pattern every {{cycle}} ({{period}} {{axis}}s): the within-{{cycle}} profile swings {{amplitude}} and correlates {{acf}} from one {{cycle}} to the next over {{epochs}} {{cycle}}s; the loss goes up {{rise}} {{where}}.',
      zh: '{{series}} 每{{cycle}}（{{period}} 个 {{axis}}）重复同样的模式：{{cycle}}内起伏 {{amplitude}}，相邻{{cycle}}之间的相关系数为 {{acf}}（共 {{epochs}} {{cycle}}）；损失{{where}}上升 {{rise}}。',
    },
    fragments: {
      'cycle.inferred': { en: 'cycle', zh: '个周期' },
      'cycle.epoch': { en: 'epoch', zh: '轮' },
      'where.inferred-cycle': {
        en: 'about {{phase}} into every cycle (the period was found in the curve itself: the log has no epoch column)',
        zh: '在每个周期约 {{phase}} 处（周期由曲线本身求得：日志中没有轮次列）',
      },
      'where.epoch-start': { en: 'at the start of every epoch', zh: '在每轮开始时' },
      'where.into-epoch': { en: 'about {{phase}} into every epoch', zh: '在每轮约 {{phase}} 处' },
    },
    causes: [
      { id: 'not-shuffled', seed: '§T9', text: { en: 'The data is not shuffled: the same batches come at the same point of every epoch and bias the gradient', zh: '数据没有打乱：同样的批次在每轮的同一位置出现，使梯度产生偏差' } },
      { id: 'ordered-data', seed: '§T9', text: { en: 'The data set is stored in order (by class, source or length) and read sequentially', zh: '数据集按顺序存放（按类别、来源或长度）并被顺序读取' } },
      { id: 'epoch-effects', seed: '§T10', text: { en: 'Something changes at each epoch start: a small last batch, a per-epoch augmentation or data reload', zh: '每轮开始时有东西发生变化：最后一个批次很小、按轮变化的数据增强或重新加载数据' } },
    ],
    remedies: [
      { id: 'shuffle', seed: '§T9', text: { en: 'Shuffle every epoch (DataLoader(shuffle=True), dataset.shuffle(buffer) with a buffer as large as the data set, or a new random order per epoch)', zh: '每轮都打乱数据（DataLoader(shuffle=True)，或使用与数据集同样大的缓冲区（buffer）做 dataset.shuffle，或每轮生成新的随机顺序）' } },
      { id: 'interleave', seed: '§T9', text: { en: 'If the data is stored by class or source, interleave the sources so every batch mixes them', zh: '如果数据按类别或来源存放，把各来源交错混合，使每个批次都包含多种数据' } },
      { id: 'drop-last', seed: '§T10', text: { en: 'Drop a small last batch (drop_last=True) and check what is reloaded or re-augmented at each epoch start', zh: '丢弃过小的最后一个批次（drop_last=True），并检查每轮开始时重新加载或重新增强了什么' } },
    ],
  },
  check(ctx) {
    const series = trainSeries(ctx.run, ctx.series);
    const curve = logCurve(series, 3 * MIN_POINTS_PER_EPOCH);
    if (!series || !curve) return undefined;
    const { x, v } = curve;
    const n = v.length;
    // Without epochs in the log (a TensorBoard CSV export has only steps), the period comes from the curve.
    const grid = epochGrid(ctx.run, x[0], x[n - 1]) ?? (series.axis === 'step' ? inferPeriodGrid(x, v) : undefined);
    if (!grid) return undefined;
    const p = phaseProfile(x, v, grid);
    if (!p || p.epochs < 3) return undefined;
    const band = 2.5 / Math.sqrt(Math.max(1, p.pairs));
    const periodic = p.acfEpoch >= Math.max(0.3, band) && p.acfEpoch - p.acfHalf >= 0.3 && p.r2 >= 0.25;
    if (!periodic) return undefined;
    if (p.amplitude < Math.max(Math.log(1.03), 4 * p.se)) return undefined;
    const rise = largestRise(p, grid.stepsPerEpoch);
    if (rise.rise < Math.max(Math.log(1.02), 3 * p.se)) return undefined;
    const staircase = grid.boundaries.length >= 2 ? detectStaircase(curve, grid) : undefined;
    if (staircase?.fires) return undefined;

    // A learning rate that repeats at the same period explains the pattern.
    let lrPeriodic = false;
    if (ctx.lr) {
      const schedule = detectLrSchedule(ctx.lr);
      if (schedule?.cycles) {
        const ratio = schedule.cycles.period / grid.stepsPerEpoch;
        const nearest = Math.max(1, Math.round(ratio));
        if (Math.abs(ratio - nearest) <= 0.15 * nearest || Math.abs(1 / ratio - Math.round(1 / ratio)) <= 0.15) lrPeriodic = true;
      }
      const lrPts = finitePoints(ctx.lr.x, ctx.lr.y);
      if (!lrPeriodic && lrPts.y.length >= 3 * MIN_POINTS_PER_EPOCH && lrPts.y.every((y) => y > 0)) {
        const lv = Float64Array.from(lrPts.y, (y) => Math.log(y));
        const q = phaseProfile(lrPts.x, lv, grid);
        if (q && q.amplitude >= Math.log(1.05) && q.acfEpoch >= 0.5) lrPeriodic = true;
      }
      if (lrPeriodic) return undefined;
    }

    const phase = pct(rise.phase);
    const where = grid.inferred
      ? ref('where.inferred-cycle', { phase })
      : rise.at === 'boundary'
        ? ref('where.epoch-start')
        : ref('where.into-epoch', { phase });
    const confidence = Math.min(0.9, 0.4 + 0.4 * Math.min(1, p.acfEpoch) + 0.1 * Math.min(1, (p.epochs - 2) / 4));
    const first = indexAtOrAfter(x, grid.boundaries[0] ?? x[0]);
    return {
      confidence,
      data: {
        series: series.name,
        period: xval(Math.round(grid.stepsPerEpoch)),
        cycle: ref(grid.inferred ? 'cycle.inferred' : 'cycle.epoch'),
        axis: series.axis,
        amplitude: pct(Math.exp(p.amplitude) - 1),
        acf: num(Math.round(p.acfEpoch * 100) / 100),
        epochs: p.epochs,
        rise: pct(Math.exp(rise.rise) - 1),
        where,
      },
      evidence: {
        stepsPerEpoch: grid.stepsPerEpoch,
        periodInferred: grid.inferred === true,
        epochs: p.epochs,
        bins: p.bins,
        acfAtEpoch: p.acfEpoch,
        acfAtHalfEpoch: p.acfHalf,
        significanceBand: band,
        r2: p.r2,
        amplitudeRel: Math.exp(p.amplitude) - 1,
        profileRel: p.profile.map((s) => Math.exp(s) - 1),
        rise: { rel: Math.exp(rise.rise) - 1, at: rise.at, phase: rise.phase },
        lrChecked: ctx.lr !== undefined,
      },
      series: [series.name],
      range: { from: x[Math.min(first, n - 1)], to: x[n - 1], axis: series.axis },
      causeOrder: rise.at === 'boundary' ? ['not-shuffled', 'epoch-effects', 'ordered-data'] : ['not-shuffled', 'ordered-data', 'epoch-effects'],
    };
  },
});
