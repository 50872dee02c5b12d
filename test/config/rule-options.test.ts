import { describe, expect, it } from 'vitest';
import { parseConfig, parseRuleFlag, resolveSettings } from '../../src/config/schema.js';
import { UsageError } from '../../src/errors.js';
import { configErrorOf } from '../helpers/config-error.js';

const source = 'lossdoc.config.json';
const parse = (raw: unknown) => parseConfig(raw, { source });
const error = (raw: unknown): string => configErrorOf(parse, raw);

describe('rule options in the config', () => {
  it('an unknown option names the config file, the rule and the option, and lists the known ones', () => {
    const message = error({ rules: { 'loss-spikes': ['warning', { thresholdz: 99 }] } });
    expect(message).toContain(source);
    expect(message).toContain('loss-spikes');
    expect(message).toContain('"thresholdz"');
    expect(message).toContain('spikeRatio, spikeZ, loneRatio');
    expect(message.split('\n')).toHaveLength(1);
    expect(error({ rules: { 'loss-spikes': ['warning', { spikez: 9 }] } })).toContain('did you mean "spikeZ"');
  });

  it('a mistyped or out-of-range value names the option', () => {
    const message = error({ rules: { 'loss-spikes': ['warning', { spikeZ: 'high' }] } });
    expect(message).toContain('spikeZ');
    expect(message).toContain('loss-spikes');
    expect(message).toContain('"high"');
    expect(error({ rules: { 'loss-spikes': ['warning', { spikeRatio: 0.5 }] } })).toContain('spikeRatio');
    expect(error({ rules: { 'regression-final-loss': ['warning', { warning: -1 }] } })).toContain('warning');
  });

  it('a rule without options takes none (an empty object is fine)', () => {
    expect(error({ rules: { overfitting: ['warning', { patience: 3 }] } })).toContain('overfitting; it takes no options');
    expect(parse({ rules: { overfitting: ['warning', {}] } }).rules?.overfitting).toEqual({ severity: 'warning', options: {} });
    // A "__proto__" option key is an own key of the parsed JSON: reported, not lost.
    expect(error(JSON.parse('{"rules":{"loss-spikes":["warning",{"__proto__":{"spikeZ":1}}]}}'))).toContain('"__proto__"');
  });

  it('unknown rule ids are errors in the config and in --rule, baseline rules are known', () => {
    expect(error({ rules: { 'loss-spike': 'off' } })).toContain('did you mean "loss-spikes"');
    expect(() => parseRuleFlag('loss-spike=off')).toThrow(UsageError);
    expect(parseRuleFlag('regression-final-loss=off')).toEqual([['regression-final-loss', 'off']]);
    expect(parse({ rules: { 'regression-diverged': 'info' } }).rules).toEqual({ 'regression-diverged': { severity: 'info' } });
  });

  it('a measure rule’s options are its tolerance; "compare" and --tolerance win level by level', () => {
    const config = parse({ rules: { 'regression-final-loss': ['warning', { warning: 0.2, error: null }] } });
    expect(resolveSettings(config).compare.finalLoss).toEqual({ warning: 0.2, error: null });
    const both = parse({ rules: { 'regression-final-loss': ['warning', { warning: 0.2, error: null }] }, compare: { finalLoss: { error: 0.4 } } });
    expect(resolveSettings(both).compare.finalLoss).toEqual({ warning: 0.2, error: 0.4 });
    expect(resolveSettings(both, { compare: { finalLoss: { warning: 0.05 } } }).compare.finalLoss).toEqual({ warning: 0.05, error: 0.4 });
  });
});
