export { planRuns, type PlanOptions } from './plan.js';
export { recogniseFile } from './recognise.js';
export { folderSources, sources } from './registry.js';
export { defineSource, type LogInput, type PlannedRun, type PlanProblem, type RunPlan, type Source } from './types.js';
