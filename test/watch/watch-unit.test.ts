import { describe, expect, it } from 'vitest';
import { changes, completeLines, fatalFinding } from '../../src/cli/watch.js';
import { resolveSettings } from '../../src/config/schema.js';
import { fixedReport } from '../formatters/fixed-report.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('watch helpers', () => {
  it('completeLines keeps whole lines of text logs, and tfevents as they are', () => {
    expect(text(completeLines({ name: 'a.csv', bytes: bytes('step,loss\n1,2\n2,1.') }).bytes)).toBe('step,loss\n1,2\n');
    expect(text(completeLines({ name: 'a.csv', bytes: bytes('step,lo') }).bytes)).toBe('');
    const binary = bytes('\u0001\u0002no newline');
    expect(completeLines({ name: 'run/events.out.tfevents.1.host', bytes: binary }).bytes).toBe(binary);
    // A W&B log, by its name or its header bytes.
    expect(completeLines({ name: 'wandb/run-x/run-abc.wandb', bytes: binary }).bytes).toBe(binary);
    const wandb = Uint8Array.of(0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0, 0x0a, 1, 2);
    expect(completeLines({ name: 'renamed', bytes: wandb }).bytes).toBe(wandb);
  });

  it('changes() reports new verdicts, new and gone findings, once', () => {
    const seen = new Map();
    const first = changes(fixedReport, seen);
    expect(first[0]).toBe('[epoch 29] runs/overfit.csv: verdict overfitting — Overfitting');
    expect(first).toContain('[epoch 29] runs/overfit.csv: + warning overfitting — val_loss bottomed at 0.3195 at epoch 15 and has risen 36.5% since (now 0.4569).');
    expect(changes(fixedReport, seen)).toEqual([]);
    const healed = { ...fixedReport, runs: [{ ...fixedReport.runs[0], findings: [] }] };
    expect(changes(healed, seen)).toEqual(['[epoch 29] runs/overfit.csv: - warning overfitting (gone)']);
  });

  it('fatalFinding(): at the fail level; stability findings at once, others after min points', () => {
    const settings = resolveSettings(undefined);
    expect(fatalFinding(fixedReport, settings, 50)?.finding.id).toBe('non-finite');
    const onlyWarning = { ...fixedReport, runs: [fixedReport.runs[0]] };
    expect(fatalFinding(onlyWarning, settings, 50)).toBeUndefined();
    expect(fatalFinding(onlyWarning, resolveSettings({ failOn: 'warning' }), 50)).toBeUndefined(); // 30 points < 50
    expect(fatalFinding(onlyWarning, resolveSettings({ failOn: 'warning' }), 30)?.finding.id).toBe('overfitting');
    expect(fatalFinding(fixedReport, resolveSettings({ failOn: 'none' }), 0)).toBeUndefined();
  });
});
