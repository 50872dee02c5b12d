import type { Rule } from '../src/core/engine/define-rule.js';
import converged from './converged.js';
import dataProblem from './data-problem.js';
import diverging from './diverging.js';
import insufficientData from './insufficient-data.js';
import nonFinite from './non-finite.js';
import notLearning from './not-learning.js';
import overfitting from './overfitting.js';
import stillLearning from './still-learning.js';
import testShift from './test-shift.js';
import valBelowTrain from './val-below-train.js';

/** Every built-in rule, sorted by id. */
export const rules: readonly Rule[] = [
  converged,
  dataProblem,
  diverging,
  insufficientData,
  nonFinite,
  notLearning,
  overfitting,
  stillLearning,
  testShift,
  valBelowTrain,
];

export function findRule(id: string): Rule | undefined {
  return rules.find((r) => r.meta.id === id);
}
