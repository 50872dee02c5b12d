/**
 * A fixed report for formatter snapshots: written by hand (not computed), so the snapshots change
 * only when a formatter changes. Run 2 carries hostile names as a log could: pipes, backticks, HTML,
 * `@mentions`, workflow commands, newlines, `%`, `]]>` and a control character.
 */
import type { Finding, Report, RunReport, SeriesReport } from '../../src/core/report-schema.js';
import { summarizeRuns } from '../../src/core/summary.js';

const trend = (direction: 'falling' | 'flat' | 'rising', relChange: number) => ({
  direction,
  p: 0.001,
  tau: direction === 'rising' ? 0.8 : -0.8,
  slope: relChange / 10,
  relChange,
  confidence: 0.99,
  from: 20,
  to: 29,
  n: 10,
});

function series(name: string, role: SeriesReport['role'], primary: SeriesReport['primary'], over: Partial<SeriesReport> = {}): SeriesReport {
  return {
    name,
    role,
    kind: 'loss',
    primary,
    better: null,
    points: 30,
    sampling: null,
    sparkline: '█▇▆▅▄▃▂▂▁▁▁▁▁▁▁▁▁▁▁▁▂▂▂▃',
    nonFinite: { count: 0, first: null },
    span: [0, 29],
    first: { x: 0, value: 1.8 },
    last: { x: 29, value: 0.45 },
    min: { x: 15, value: 0.3195 },
    max: { x: 0, value: 1.8 },
    startLevel: 1.6,
    endLevel: 0.45,
    noise: 0.01,
    relNoise: 0.02,
    improvement: 0.72,
    riseSinceMin: 4.2,
    trend: trend('falling', -0.9),
    tail: trend('rising', 0.24),
    phases: [],
    ...over,
  };
}

function finding(over: Partial<Finding> & Pick<Finding, 'id' | 'severity' | 'title' | 'message'>): Finding {
  return {
    confidence: 1,
    uncertain: false,
    series: [],
    range: null,
    best: null,
    evidence: {},
    causes: [],
    remedies: [],
    seed: [],
    tags: [],
    ...over,
  };
}

const overfit: RunReport = {
  name: 'runs/overfit.csv',
  sources: ['runs/overfit.csv'],
  format: 'keras-csv',
  axis: 'epoch',
  series: [series('loss', 'train', 'train', { tail: trend('falling', -0.7), min: { x: 29, value: 0.08 }, endLevel: 0.08 }), series('val_loss', 'val', 'val'), { ...series('lr', 'other', null), kind: 'lr', trend: null, tail: null }],
  gap: null,
  verdict: { id: 'overfitting', title: 'Overfitting', train: 'falling', heldOut: 'rising', heldOutRole: 'val', seedRow: 'C2', confidence: 1, reason: 'held-out-rising' },
  findings: [
    finding({
      id: 'overfitting',
      severity: 'warning',
      title: 'Overfitting',
      message: 'val_loss bottomed at 0.3195 at epoch 15 and has risen 36.5% since (now 0.4569).',
      series: ['val_loss', 'loss'],
      range: { from: 15, to: 29, axis: 'epoch' },
      best: { x: 15, axis: 'epoch', value: 0.3195, series: 'val_loss' },
      evidence: { best: { x: 15, value: 0.3195 }, riseSinceBest: { relative: 0.3647, noiseUnits: 4.26 } },
      causes: [{ id: 'memorising', seed: '§V', text: 'The model memorises the training set' }],
      remedies: [
        { id: 'restore-best', text: 'Restore the checkpoint from epoch 15 (val_loss 0.3195)' },
        { id: 'regularise', text: 'Add regularisation: weight decay, dropout' },
      ],
      tags: ['verdict', 'generalisation'],
    }),
  ],
  warnings: [],
  hyperparameters: [['lr', 0.001], ['optimizer', 'adam']],
};

const hostileName = 'evil|run `x` <b>@team</b>\n::error::pwned%2C,a:b ]]> \u0001';
const hostileSeries = 'loss|`tick`<i>@ops</i>';

const hostile: RunReport = {
  name: hostileName,
  sources: ['logs/a,b:c%.csv'],
  format: 'csv',
  axis: 'step',
  series: [
    series(hostileSeries, 'train', 'train', {
      nonFinite: { count: 3, first: { x: 1200, value: 'NaN' } },
      span: [0, 1290],
      tail: trend('rising', 9.4),
    }),
  ],
  gap: null,
  verdict: { id: 'diverging', title: 'Diverging', train: 'broken', heldOut: null, heldOutRole: null, seedRow: null, confidence: 0.95, reason: 'train-nan' },
  findings: [
    finding({
      id: 'non-finite',
      severity: 'error',
      title: 'NaN or Inf loss',
      message: `${hostileSeries} is NaN at step 1200 (100% broken)\r\n::warning::injected`,
      series: [hostileSeries],
      range: { from: 1200, to: 1290, axis: 'step' },
      evidence: { first: { x: 1200, value: 'NaN' }, column: hostileSeries },
      causes: [{ id: 'lr', seed: '§T5', text: 'Learning rate too high' }],
      remedies: [{ id: 'clip', text: 'Clip gradients (max norm 1.0) for <script>' }],
      tags: ['numerics', 'stability'],
    }),
    finding({ id: 'still-learning', severity: 'info', title: 'Still learning', message: 'an info finding', tags: ['progress'] }),
  ],
  warnings: [{ code: 'restart', message: 'step goes back', line: 7 }],
  hyperparameters: [['__proto__', 'x|y'], ['@team', true]],
};

export const fixedReport: Report = {
  schemaVersion: 1,
  tool: { name: 'lossdoc', version: '0.0.0-test' },
  lang: 'en',
  runs: [overfit, hostile],
  summary: { runs: summarizeRuns([overfit, hostile]), errors: 1, warnings: 1, infos: 1, uncertain: 0, verdicts: { overfitting: 1, diverging: 1 } },
};

export const HOSTILE_NAME = hostileName;
export const HOSTILE_SERIES = hostileSeries;
