import type { Rule } from '../src/core/engine/define-rule.js';
import chanceLevel from './chance-level.js';
import converged from './converged.js';
import dataProblem from './data-problem.js';
import diverging from './diverging.js';
import earlyInstability from './early-instability.js';
import epochSawtooth from './epoch-sawtooth.js';
import epochStaircase from './epoch-staircase.js';
import explodingGradients from './exploding-gradients.js';
import heldOutSpikes from './held-out-spikes.js';
import insufficientData from './insufficient-data.js';
import lossSpikes from './loss-spikes.js';
import lrSchedule from './lr-schedule.js';
import metricCollapse from './metric-collapse.js';
import noisyValidation from './noisy-validation.js';
import nonFinite from './non-finite.js';
import notLearning from './not-learning.js';
import oscillation from './oscillation.js';
import overfitting from './overfitting.js';
import regressionBestLoss from './regression-best-loss.js';
import regressionCurveArea from './regression-curve-area.js';
import regressionDiverged from './regression-diverged.js';
import regressionFinalLoss from './regression-final-loss.js';
import regressionNewFinding from './regression-new-finding.js';
import regressionNotComparable from './regression-not-comparable.js';
import slowConvergence from './slow-convergence.js';
import stillLearning from './still-learning.js';
import testShift from './test-shift.js';
import unboundedLoss from './unbounded-loss.js';
import valBelowTrain from './val-below-train.js';
import vanishingGradients from './vanishing-gradients.js';

/** Every built-in rule, sorted by id. */
export const rules: readonly Rule[] = [
  chanceLevel,
  converged,
  dataProblem,
  diverging,
  earlyInstability,
  epochSawtooth,
  epochStaircase,
  explodingGradients,
  heldOutSpikes,
  insufficientData,
  lossSpikes,
  lrSchedule,
  metricCollapse,
  noisyValidation,
  nonFinite,
  notLearning,
  oscillation,
  overfitting,
  slowConvergence,
  stillLearning,
  testShift,
  unboundedLoss,
  valBelowTrain,
  vanishingGradients,
];

/** Rules that compare a run with a baseline run (`compare`, `--baseline`), sorted by id. */
export const baselineRules: readonly Rule[] = [
  regressionBestLoss,
  regressionCurveArea,
  regressionDiverged,
  regressionFinalLoss,
  regressionNewFinding,
  regressionNotComparable,
];

/** Every rule: the single-run rules, then the baseline rules. */
export const allRules: readonly Rule[] = [...rules, ...baselineRules];

export function findRule(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}
