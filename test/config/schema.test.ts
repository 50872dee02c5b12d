import { describe, expect, it } from 'vitest';
import {
  closeMatches,
  KNOWN_RULE_IDS,
  mergeTolerances,
  parseConfig,
  parseRuleFlag,
  parseToleranceFlag,
  resolveSettings,
  stripComments,
} from '../../src/config/schema.js';
import { starterConfig } from '../../src/config/starter.js';
import { DEFAULT_TOLERANCES } from '../../src/core/compare.js';
import { UsageError } from '../../src/errors.js';
import { formatNames } from '../../src/formatters/index.js';
import { configErrorOf } from '../helpers/config-error.js';

const parse = (raw: unknown) => parseConfig(raw, { source: 'lossdoc.config.json', formats: formatNames });
const error = (raw: unknown): string => configErrorOf(parse, raw);

describe('parseConfig', () => {
  it('accepts every documented key', () => {
    const config = parse({
      rules: { overfitting: 'error', 'loss-spikes': ['warning', { spikeZ: 9 }], 'val-below-train': 'off', 'regression-final-loss': 'warn' },
      failOn: 'warning',
      maxWarnings: 0,
      train: ['loss'],
      val: ['eval/loss', 'eval/aux'],
      test: ['test_loss'],
      x: 'epoch',
      numClasses: 10,
      maxPoints: 50_000,
      lang: 'zh',
      format: 'markdown',
      compare: { finalLoss: { warning: 0.05, error: 0.2 }, curveArea: { error: null } },
    });
    expect(config).toEqual({
      rules: {
        overfitting: { severity: 'error' },
        'loss-spikes': { severity: 'warning', options: { spikeZ: 9 } },
        'val-below-train': { severity: 'off' },
        'regression-final-loss': { severity: 'warning' },
      },
      failOn: 'warning',
      maxWarnings: 0,
      train: ['loss'],
      val: ['eval/loss', 'eval/aux'],
      test: ['test_loss'],
      x: 'epoch',
      numClasses: 10,
      maxPoints: 50_000,
      lang: 'zh',
      format: 'markdown',
      compare: { finalLoss: { warning: 0.05, error: 0.2 }, curveArea: { error: null } },
    });
  });

  it('ignores "//" comment keys at every level and $schema', () => {
    expect(parse({ '//': 'hi', $schema: 'x', '// failOn': 'c', failOn: 'info', rules: { '// note': 'x' }, compare: { '//': 'c', finalLoss: { '//': 'c', warning: 1 } } })).toEqual({
      failOn: 'info',
      rules: {},
      compare: { finalLoss: { warning: 1 } },
    });
    expect(stripComments([{ '//x': 1, a: 2 }])).toEqual([{ a: 2 }]);
  });

  it('names the key in one line, with close matches', () => {
    expect(error({ rules: { overfiting: 'error' } })).toBe('lossdoc.config.json: rules.overfiting: unknown rule "overfiting" (did you mean "overfitting"?)');
    expect(error({ failon: 'error' })).toBe('lossdoc.config.json: unknown key "failon" (did you mean "failOn"?)');
    expect(error({ failOn: 'fatal' })).toBe('lossdoc.config.json: failOn: expected one of "error", "warning", "info", "none", got "fatal"');
    expect(error({ maxWarnings: -1 })).toMatch(/^lossdoc\.config\.json: maxWarnings: .* \(got -1\)$/);
    expect(error({ train: 'loss' })).toBe('lossdoc.config.json: train: expected array, got "loss"');
    expect(error({ val: ['ok', 3] })).toBe('lossdoc.config.json: val[1]: expected string, got 3');
    expect(error({ rules: { overfitting: 'fatal' } })).toBe('lossdoc.config.json: rules.overfitting: expected one of "off", "info", "warning", "error", got "fatal"');
    expect(error({ rules: { overfitting: ['error', 3] } })).toBe('lossdoc.config.json: rules.overfitting[1]: rule options must be an object, got 3');
    expect(error({ rules: { overfitting: ['error', {}, {}] } })).toMatch(/rules\.overfitting: expected \[severity\] or \[severity, \{options\}\], got 3 items/);
    expect(error({ rules: { overfitting: 3 } })).toMatch(/^lossdoc\.config\.json: rules\.overfitting: expected a severity/);
    expect(error({ format: 'markdwn' })).toMatch(/format: expected one of .* got "markdwn" \(did you mean "markdown"\?\)/);
    expect(error({ compare: { final: {} } })).toBe('lossdoc.config.json: compare: unknown key "final" (did you mean "finalLoss"?)');
    expect(error({ compare: { finalLoss: { warning: 'x' } } })).toBe('lossdoc.config.json: compare.finalLoss.warning: expected number, got "x"');
    expect(error({ rules: { zzzzzzzz: 'off' } })).toMatch(/unknown rule "zzzzzzzz" \(known rules: .*overfitting/);
    expect(error([])).toBe('lossdoc.config.json: expected an object, got []');
    for (const raw of [{ rules: { overfiting: 'error' } }, { failOn: 'x' }]) expect(error(raw)).not.toContain('\n');
  });

  it('the starter config written by init is valid and equals the defaults', () => {
    const config = parse(JSON.parse(starterConfig()));
    expect(resolveSettings(config)).toEqual(resolveSettings(undefined, { rules: [['overfitting', 'warning'], ['regression-new-finding', 'warning']] }));
    expect(resolveSettings(config).compare).toEqual(DEFAULT_TOLERANCES);
    // Every setting is explained by a "// key" comment.
    const raw = JSON.parse(starterConfig()) as Record<string, unknown>;
    for (const key of Object.keys(raw).filter((k) => !k.startsWith('//'))) expect(Object.keys(raw).some((k) => k.startsWith(`// ${key}`))).toBe(true);
  });
});

describe('resolveSettings: defaults < config file < flags', () => {
  const file = parse({ rules: { overfitting: 'error', converged: 'off' }, failOn: 'warning', maxWarnings: 3, val: ['v'], lang: 'zh', format: 'json', compare: { finalLoss: { warning: 0.2 } } });

  it('defaults', () => {
    expect(resolveSettings(undefined)).toEqual({ ruleSeverity: {}, ruleOptions: {}, failOn: 'error', lang: 'en', format: 'text', compare: DEFAULT_TOLERANCES });
  });

  it('the file over the defaults', () => {
    const s = resolveSettings(file);
    expect(s).toMatchObject({ failOn: 'warning', maxWarnings: 3, val: ['v'], lang: 'zh', format: 'json', ruleSeverity: { overfitting: 'error', converged: 'off' } });
    expect(s.compare.finalLoss).toEqual({ warning: 0.2, error: 0.5 });
  });

  it('flags over the file, per key and per rule', () => {
    const s = resolveSettings(file, {
      rules: [['overfitting', 'info']],
      failOn: 'none',
      maxWarnings: 0,
      val: ['other'],
      format: 'markdown',
      compare: { finalLoss: { error: 0.3 } },
    });
    expect(s).toMatchObject({ failOn: 'none', maxWarnings: 0, val: ['other'], lang: 'zh', format: 'markdown' });
    expect(s.ruleSeverity).toEqual({ overfitting: 'info', converged: 'off' });
    expect(s.compare.finalLoss).toEqual({ warning: 0.2, error: 0.3 });
  });

  it('passes validated rule options through', () => {
    expect(resolveSettings(parse({ rules: { 'loss-spikes': ['warning', { spikeZ: 9 }] } })).ruleOptions).toEqual({ 'loss-spikes': { spikeZ: 9 } });
  });
});

describe('flag parsers', () => {
  it('--rule id=severity (comma lists, warn alias)', () => {
    expect(parseRuleFlag('overfitting=error')).toEqual([['overfitting', 'error']]);
    expect(parseRuleFlag('overfitting=off, converged=warn')).toEqual([
      ['overfitting', 'off'],
      ['converged', 'warning'],
    ]);
    expect(() => parseRuleFlag('overfitting')).toThrow(UsageError);
    expect(() => parseRuleFlag('overfit=error')).toThrow('--rule: unknown rule "overfit" (did you mean "overfitting"?)');
    expect(() => parseRuleFlag('overfitting=fatal')).toThrow('--rule overfitting: severity must be one of off, info, warning, error, got "fatal"');
  });

  it('--tolerance metric=warning[:error]', () => {
    expect(parseToleranceFlag('final=0.05:0.2')).toEqual({ finalLoss: { warning: 0.05, error: 0.2 } });
    expect(parseToleranceFlag('best=10%')).toEqual({ bestLoss: { warning: 0.1 } });
    expect(parseToleranceFlag('area=5%:off')).toEqual({ curveArea: { warning: 0.05, error: null } });
    expect(parseToleranceFlag('final=off:off,area=1')).toEqual({ finalLoss: { warning: null, error: null }, curveArea: { warning: 1 } });
    expect(parseToleranceFlag('best=off')).toEqual({ bestLoss: { warning: null, error: null } });
    expect(parseToleranceFlag('best=off:20%')).toEqual({ bestLoss: { warning: null, error: 0.2 } });
    expect(mergeTolerances([parseToleranceFlag('final=0.1:0.2'), parseToleranceFlag('final=0.3')])).toEqual({ finalLoss: { warning: 0.3, error: 0.2 } });
    for (const bad of ['final', 'fnal=1', 'final=x', 'final=-1', 'final=1:2:3']) expect(() => parseToleranceFlag(bad)).toThrow(UsageError);
  });

  it('close matches', () => {
    expect(closeMatches('overfit', KNOWN_RULE_IDS)).toContain('overfitting');
    expect(closeMatches('regression-final', KNOWN_RULE_IDS)[0]).toBe('regression-final-loss');
    expect(closeMatches('qqqq', KNOWN_RULE_IDS)).toEqual([]);
  });
});
