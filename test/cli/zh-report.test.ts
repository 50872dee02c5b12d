/**
 * A `--lang zh` report holds no English words of lossdoc's own: every word it adds comes from a
 * template of the report language. Allowed in Latin script: what comes from the log or names
 * something (run, file, series and hyperparameter names, format, rule, cause, remedy, verdict and
 * severity ids, axis and command-line names) and the technical terms Chinese texts keep as they are.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { baselineRules, rules } from '../../rules/index.js';
import type { Report } from '../../src/core/report-schema.js';
import { ensureBuilt, lossdoc, ROOT } from './cli-helper.js';

beforeAll(ensureBuilt);

/** Real-shaped logs of several formats and failure classes (each below the CLI helper's output buffer). */
const INPUTS = ['fixtures/demo', 'fixtures/real-runs/hf-trainer-state', 'fixtures/real-runs/keras-stdout', 'fixtures/real-runs/mmengine-jsonl', 'fixtures/real-runs/tb-export-csv', 'fixtures/real-runs/tfevents'];

/** Terms Chinese ML writing keeps in Latin script, and units. */
const TERMS = [
  'NaN', 'Inf', 'softmax', 'sigmoid', 'softplus', 'logits', 'dropout', 'one-hot', 'ReLU', 'LeakyReLU', 'tanh', 'He', 'Glorot',
  'BCE', 'MSE', 'LR', 'ln', 'exp', 'log', 'ACF', 'MAD', 'Theil', 'Sen', 'fp16', 'bf16', 'warm-up', 'ReduceLROnPlateau',
  'TerminateOnNaN', 'check_finite', 'Infinity', 'LoRA', 'Adam', 'buffer', 'DataLoader', 'dataset.shuffle', 'max',
  'Xavier', 'Kaiming', 'GELU',
  // Commands and flags are typed as they are, and so are the JSON fields a description names.
  'compare', 'baseline', 'foundBy',
  // Output formats are ids.
  'json', 'html', 'text', 'markdown', 'github', 'junit', 'batch-norm', 'drop_last', 'True', 'model.eval', 'LLM-Foundry', 'Lightning', 'rtol', 'GitHub', 'HTML',
  // The README section a report points to is named in English.
  'README', 'Knowledge', 'source',
];

/** Identifiers of a report: everything in it that comes from the log or is an id. */
function identifiers(report: Report): Set<string> {
  const ids = new Set<string>(['lossdoc', 'error', 'warning', 'info', 'step', 'epoch', 'train', 'val', 'test', 'lr', 'numClasses']);
  for (const { meta } of [...rules, ...baselineRules]) [meta.id, ...meta.tags, ...Object.keys(meta.options?.defaults ?? {})].forEach((s) => ids.add(s));
  const addAll = (value: unknown): void => {
    if (typeof value === 'string') ids.add(value);
    else if (Array.isArray(value)) value.forEach(addAll);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        ids.add(k);
        addAll(v);
      }
    }
  };
  for (const run of report.runs) {
    [run.verdict.reason, run.verdict.seedRow ?? ''].forEach((s) => ids.add(s));
    [run.name, run.format, run.axis, run.verdict.id, ...run.sources].forEach((s) => ids.add(s));
    for (const s of run.series) [s.name, s.role, s.kind, ...(s.components ?? [])].forEach((v) => addAll(v));
    addAll(run.hyperparameters);
    for (const f of run.findings) {
      [f.id, ...f.tags, ...f.series].forEach((s) => ids.add(s));
      f.causes.forEach((c) => ids.add(c.id));
      f.remedies.forEach((r) => ids.add(r.id));
    }
    for (const w of run.warnings) ids.add(w.code);
  }
  return ids;
}

/**
 * Markup of the output formats (tags, attribute names and ids, workflow commands, placeholders,
 * markdown escapes) and the markdown evidence table (JSON keys and values): no words of a language.
 */
const MARKUP = /<\?xml[^>]*\?>|<\/?[\w:-]+|\b[\w-]+="[\w.-]*"?|::\w+ |\b(file|title|line|col)=[^,:\s]*|\{\{\w+\}\}|^\s*\| [A-Za-z]\w* \| .* \|$/g;
/** Words: Latin letters with the characters names are made of, not inside a number (1e-4) or a seed id (§T5). */
const WORD = /(?<![\w.§-])[A-Za-z][\w.\/@:-]*/g;

/** The Latin-script words left in `output` once markup, identifiers and terms are taken out, with their lines. */
function englishLeft(output: string, ids: ReadonlySet<string>): string[] {
  const terms = new Set(TERMS);
  const allowed = (word: string): boolean => {
    const w = word.replace(/[.:,/-]+$/, '');
    if (ids.has(w) || terms.has(w) || w.length < 2) return true;
    // Names of files and series often carry a path or a split prefix: a/b/c.json, Accuracy/train.
    if (/[/_]|\.\w+$/.test(w) && w.split(/[/]/).every((part) => ids.has(part) || /^[\w.-]+$/.test(part))) return /[/_]|\.(csv|json|jsonl|log|txt|yaml)$/.test(w);
    return false;
  };
  const left: string[] = [];
  for (const line of output.split('\n')) {
    const words = (line.replace(/\\(?=_)/g, '').replace(MARKUP, ' ').match(WORD) ?? []).filter((w) => !allowed(w));
    if (words.length) left.push(`${words.join(' ')}  ←  ${line.trim().slice(0, 140)}`);
  }
  return left;
}

describe('zh reports', () => {
  let reports: Report[];
  let ids: Set<string>;
  beforeAll(() => {
    reports = INPUTS.map((input) => JSON.parse(lossdoc(['analyze', input, '-f', 'json', '--lang', 'zh'], { cwd: ROOT }).stdout) as Report);
    ids = new Set(reports.flatMap((report) => [...identifiers(report)]));
  });

  it.each(['text', 'markdown', 'github', 'junit'])('%s: no English words of lossdoc', (format) => {
    const outputs = INPUTS.map((input) => lossdoc(['analyze', input, '-f', format, '--lang', 'zh', '--verbose'], { cwd: ROOT }));
    const left = englishLeft(outputs.map((r) => `${r.stdout}\n${r.stderr}`).join('\n'), ids);
    expect([...new Set(left)].slice(0, 40)).toEqual([]);
  });

  it('json: finding and verdict texts', () => {
    const texts = reports.flatMap((report) => report.runs).flatMap((run) => [
      run.verdict.title,
      ...run.findings.flatMap((f) => [f.title, f.message, ...f.causes.map((c) => c.text), ...f.remedies.map((r) => r.text)]),
    ]);
    expect([...new Set(englishLeft(texts.join('\n'), ids))].slice(0, 40)).toEqual([]);
  });

  it('rules and explain', () => {
    const rules = lossdoc(['rules', '--lang', 'zh'], { cwd: ROOT }).stdout;
    const explained = ['loss-spikes', 'overfitting', 'chance-level'].map((id) => lossdoc(['explain', id, '--lang', 'zh'], { cwd: ROOT }).stdout);
    expect([...new Set(englishLeft([rules, ...explained].join('\n'), ids))].slice(0, 40)).toEqual([]);
  });
});
