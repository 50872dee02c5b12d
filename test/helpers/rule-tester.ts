/**
 * ESLint-style RuleTester for curves: every rule gets cases that must trigger it and cases
 * that must not. The tester polices itself: an invalid case needs an expectation, names are
 * unique, and there is at least one case of each kind.
 */
import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../../src/core/analyze.js';
import type { AnalyzeOptions, Rule } from '../../src/core/engine/define-rule.js';
import type { Finding } from '../../src/core/report-schema.js';
import type { Run } from '../../src/core/types.js';
import { rules as allRules } from '../../rules/index.js';

export interface ValidCase {
  name: string;
  run: Run;
  options?: AnalyzeOptions;
}

export interface InvalidCase extends ValidCase {
  /** Checks on the finding (message fragments, evidence, best point...). */
  expect: (finding: Finding) => void;
}

export function runRuleTests(ruleId: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  const rule: Rule | undefined = allRules.find((r) => r.meta.id === ruleId);
  const names = [...cases.valid, ...cases.invalid].map((c) => c.name);
  describe(`rule ${ruleId}`, () => {
    it('is registered and has cases of both kinds with unique names', () => {
      expect(rule).toBeDefined();
      expect(cases.valid.length).toBeGreaterThan(0);
      expect(cases.invalid.length).toBeGreaterThan(0);
      expect(new Set(names).size).toBe(names.length);
    });
    for (const c of cases.invalid) {
      it(`fires: ${c.name}`, () => {
        const report = analyzeRun(c.run, [rule!], c.options ?? {});
        const finding = report.findings.find((f) => f.id === ruleId);
        expect(finding, `verdict was ${report.verdict.id} (${report.verdict.reason})`).toBeDefined();
        expect(finding!.confidence).toBeGreaterThan(0);
        expect(finding!.message).not.toMatch(/\{\{/);
        for (const r of finding!.remedies) expect(r.text).not.toMatch(/\{\{/);
        c.expect(finding!);
      });
    }
    for (const c of cases.valid) {
      it(`stays silent: ${c.name}`, () => {
        const report = analyzeRun(c.run, [rule!], c.options ?? {});
        const finding = report.findings.find((f) => f.id === ruleId);
        expect(finding, finding ? `fired: ${finding.message} (verdict ${report.verdict.id})` : '').toBeUndefined();
      });
    }
  });
}
