import { getExitCode } from '../core/exit-code.js';
import type { Finding, RunReport, SeriesReport } from '../core/report-schema.js';
import type { Lang } from '../core/types.js';
import { defuseCommandLines, plainText } from './plain-text.js';
import { num, signedPct, VERDICT_TONE, type Tone } from './shared.js';
import type { Formatter } from './types.js';

/**
 * Compact report for pull-request comments and $GITHUB_STEP_SUMMARY: overall status, one section
 * per run with a table of curves (sparklines) and the findings; causes and evidence collapsed.
 * Everything taken from a log (run, column and file names, messages) goes through `md()`.
 */

const LABELS = {
  en: {
    failed: 'failed',
    passed: 'passed',
    runs: 'run(s)',
    errors: 'error(s)',
    warnings: 'warning(s)',
    infos: 'info',
    curve: 'curve',
    role: 'role',
    shape: 'shape',
    startEnd: 'start → end',
    best: 'best',
    trend: 'last third',
    confidence: 'confidence',
    axis: 'axis',
    noFindings: 'No findings.',
    whatToDo: 'What to do',
    details: 'Likely causes and evidence',
    causes: 'Likely causes',
    evidence: 'Evidence',
    inputWarnings: 'input warning(s)',
    failsAt: 'fail level',
  },
  zh: {
    failed: '未通过',
    passed: '通过',
    runs: '个运行',
    errors: '个错误',
    warnings: '个警告',
    infos: '条信息',
    curve: '曲线',
    role: '角色',
    shape: '形状',
    startEnd: '起 → 止',
    best: '最佳',
    trend: '最后三分之一',
    confidence: '置信度',
    axis: '轴',
    noFindings: '无发现。',
    whatToDo: '建议',
    details: '可能原因与证据',
    causes: '可能原因',
    evidence: '证据',
    inputWarnings: '条输入警告',
    failsAt: '失败阈值',
  },
} satisfies Record<Lang, Record<string, string>>;
type Labels = (typeof LABELS)['en'];

const MARK: Record<Tone, string> = { error: '✖', warning: '▲', info: 'ℹ', ok: '✔' };
/**
 * Markdown-safe inline text: HTML special characters as entities, Markdown punctuation
 * backslash-escaped (so `|` cannot end a table cell nor backticks open code), line breaks folded,
 * other control characters shown as escapes, and `@` defused so a column called `@team` cannot
 * mention anyone.
 */
export function md(text: string): string {
  // Other control characters (ESC sequences, bidi overrides) become visible escapes, then the
  // backslash of those escapes is itself escaped below.
  return plainText(text.replace(/[\r\n\t\v\f\u2028\u2029]+/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`)
    .replace(/@/g, '@\u200b');
}

/** A code span for plain identifiers; anything else as escaped text (escapes do not work inside code spans). */
function code(text: string): string {
  return /^[\w.\-/:]+$/.test(text) ? `\`${text}\`` : md(text);
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

export const formatMarkdown: Formatter = (report, options) => {
  const t = LABELS[options.lang];
  const s = report.summary;
  const failed = getExitCode(report, {
    failOn: options.failOn ?? 'error',
    ...(options.maxWarnings !== undefined ? { maxWarnings: options.maxWarnings } : {}),
  });
  const mark = failed ? MARK.error : s.warnings ? MARK.warning : MARK.ok;
  const out: string[] = [
    `## ${mark} lossdoc: ${failed ? t.failed : t.passed}`,
    '',
    `${s.runs} ${t.runs} · ${s.errors} ${t.errors} · ${s.warnings} ${t.warnings} · ${s.infos} ${t.infos} · ${t.failsAt} ${options.failOn ?? 'error'}`,
  ];
  for (const run of report.runs) out.push('', ...runSection(run, t, options.verbose ?? false));
  return defuseCommandLines(`${out.join('\n')}\n`);
};

function runSection(run: RunReport, t: Labels, verbose: boolean): string[] {
  const v = run.verdict;
  const lines = [
    `### ${MARK[VERDICT_TONE[v.id]]} ${md(v.title)} — ${md(run.name)}`,
    '',
    `${md(run.format)} · ${run.axis} ${t.axis} · ${t.confidence} ${num(v.confidence)}${run.warnings.length ? ` · ${run.warnings.length} ${t.inputWarnings}` : ''}`,
  ];
  const shown = run.series.filter((s) => s.primary !== null || s.kind === 'loss' || (verbose && s.kind !== 'other'));
  if (shown.length > 0) {
    lines.push('', `| ${t.curve} | ${t.role} | ${t.shape} | ${t.startEnd} | ${t.best} | ${t.trend} |`, '|---|---|---|---|---|---|');
    for (const s of shown) lines.push(seriesRow(s));
  }
  const findings = run.findings.filter((f) => verbose || f.severity !== 'info' || f.tags.includes('verdict'));
  lines.push('');
  if (findings.length === 0) lines.push(t.noFindings);
  for (const f of findings) lines.push(...findingBlock(f, t));
  return lines;
}

function seriesRow(s: SeriesReport): string {
  const role = s.primary ? `**${s.primary}**` : s.kind === 'loss' ? s.role : s.kind;
  const shape = s.sparkline ? `\`${s.sparkline}\`` : '';
  const range = s.trend ? `${num(s.startLevel)} → ${num(s.endLevel)}` : `${s.points} pt`;
  const best = s.min.value !== null ? `${num(s.min.value)} @ ${num(s.min.x)}` : '–';
  const arrow = s.tail ? { falling: '↓', flat: '→', rising: '↑' }[s.tail.direction] : '';
  const trend = s.tail ? `${arrow} ${s.tail.direction} ${signedPct(s.tail.relChange)}` : '';
  const nonFinite = s.nonFinite.count ? ` · ${s.nonFinite.count}× ${md(s.nonFinite.first?.value ?? 'NaN')}` : '';
  return `| ${md(clip(s.name, 60))} | ${role} | ${shape} | ${range} | ${best} | ${trend}${nonFinite} |`;
}

/** Evidence as short text: `key value` pairs, nested objects in braces, numbers as they are. */
function compact(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return '–';
  if (typeof value !== 'object') return String(value);
  if (depth >= 2) return JSON.stringify(value) ?? '';
  if (Array.isArray(value)) return `[${value.map((v) => compact(v, depth + 1)).join(', ')}]`;
  const inner = Object.entries(value).map(([k, v]) => `${k} ${compact(v, depth + 1)}`).join(', ');
  return depth === 0 ? inner : `{${inner}}`;
}

function evidenceValue(value: unknown): string {
  return md(clip(compact(value), 200));
}

function findingBlock(f: Finding, t: Labels): string[] {
  const lines = [`- ${MARK[f.severity]} **${f.severity}: ${md(f.title)}** (${code(f.id)}, ${t.confidence} ${num(f.confidence)}) — ${md(f.message)}`];
  const remedies = f.remedies.slice(0, 4);
  if (remedies.length > 0) {
    lines.push(`  - ${t.whatToDo}:`);
    for (const r of remedies) lines.push(`    - ${md(r.text)}`);
  }
  const evidence = Object.entries(f.evidence);
  if (f.causes.length > 0 || evidence.length > 0) {
    lines.push('', '  <details><summary>' + t.details + '</summary>', '');
    if (f.causes.length > 0) {
      lines.push(`  ${t.causes}:`, '');
      f.causes.slice(0, 4).forEach((c, i) => lines.push(`  ${i + 1}. ${md(c.text)}${c.seed ? ` (${md(c.seed)})` : ''}`));
      lines.push('');
    }
    if (evidence.length > 0) {
      lines.push(`  | ${t.evidence} | |`, '  |---|---|');
      for (const [k, v] of evidence) lines.push(`  | ${md(k)} | ${evidenceValue(v)} |`);
      lines.push('');
    }
    lines.push('  </details>', '');
  }
  return lines;
}
