import { describe, expect, it } from 'vitest';
import { getExitCode } from '../../src/core/exit-code.js';
import type { Report } from '../../src/core/report-schema.js';

const finding = (severity: 'error' | 'warning' | 'info', uncertain: boolean) => ({ id: 'x', severity, uncertain, confidence: uncertain ? 0.3 : 0.9 });
const report = (findings: ReturnType<typeof finding>[]) => ({ runs: [{ findings }] }) as unknown as Report;

describe('exit code and uncertain findings', () => {
  it('an uncertain error does not fail the run; a certain one does', () => {
    expect(getExitCode(report([finding('error', true)]))).toBe(0);
    expect(getExitCode(report([finding('error', false)]))).toBe(1);
  });
  it('uncertain warnings are not counted by --max-warnings or --fail-on warning', () => {
    expect(getExitCode(report([finding('warning', true), finding('warning', true)]), { maxWarnings: 1 })).toBe(0);
    expect(getExitCode(report([finding('warning', true)]), { failOn: 'warning' })).toBe(0);
    expect(getExitCode(report([finding('warning', false)]), { failOn: 'warning' })).toBe(1);
  });
});
