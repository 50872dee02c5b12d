/**
 * The verdicts a run can get, in report order: the one list of their ids. Their headlines are
 * shared texts (`verdict.<id>` in src/messages/texts), which verdict rules use as their titles.
 */
export const VERDICT_IDS = ['still-learning', 'converged', 'overfitting', 'not-learning', 'data-problem', 'diverging', 'insufficient-data'] as const;

export type VerdictId = (typeof VERDICT_IDS)[number];
