import { describe, expect, it } from 'vitest';
import { analyzeRuns, analyzeWithBaseline } from '../../src/index.js';
import { makeRun, steps } from '../helpers/curves.js';

const run = (name: string, floor: number) => {
  const x = steps(500);
  return makeRun([{ name: 'loss', x, y: Float64Array.from(x, (_, i) => floor + 2 * Math.exp(-i / 80)) }], { axis: 'step', name });
};

describe('analyzeWithBaseline (library API)', () => {
  it('adds the regressions against the paired baseline run to each run’s analysis', () => {
    const current = [run('a.csv', 0.6), run('b.csv', 0.5)];
    const baseline = [run('b.csv', 0.5), run('a.csv', 0.5)];
    const report = analyzeWithBaseline(current, baseline);
    const ids = report.runs.map((r) => r.findings.filter((f) => f.tags.includes('regression')).map((f) => f.id));
    expect(ids[0]).toContain('regression-final-loss');
    expect(ids[1]).toEqual([]);
    // The analysis findings are kept, and the summary counts the regressions.
    const plain = analyzeRuns(current);
    expect(report.runs[0].findings.filter((f) => !f.tags.includes('regression'))).toEqual(plain.runs[0].findings);
    expect(report.summary.warnings).toBeGreaterThan(plain.summary.warnings);
  });

  it('takes tolerances, rule severities and lang like compare', () => {
    const report = analyzeWithBaseline([run('a.csv', 0.6)], [run('base.csv', 0.5)], {
      finalLoss: { warning: 0.5 },
      ruleSeverity: { 'regression-curve-area': 'off' },
      lang: 'zh',
    });
    const ids = report.runs[0].findings.map((f) => f.id);
    expect(ids).not.toContain('regression-final-loss');
    expect(ids).not.toContain('regression-curve-area');
    expect(report.runs[0].findings.find((f) => f.id === 'regression-best-loss')?.title).toBe('最佳损失比基线差');
  });
});
