import { getExitCode } from '../core/exit-code.js';
import type { Finding, Report, RunReport, SeriesReport } from '../core/report-schema.js';
import { say, verdictTitle } from '../messages/index.js';
import type { Lang } from '../core/types.js';
import { defuseCommandLines, plainText } from './plain-text.js';
import { clipMiddle, num, runsInSummaryOrder, signedPct, summaryCells, utf8Length, varyingKeys, VERDICT_TONE, type Tone } from './shared.js';
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
    falling: 'falling',
    flat: 'flat',
    rising: 'rising',
    pointsShort: 'pt',
    noFindings: 'No findings.',
    whatToDo: 'What to do',
    details: 'Likely causes and evidence',
    causes: 'Likely causes',
    evidence: 'Evidence',
    inputWarnings: 'input warning(s)',
    failsAt: 'fail level',
    run: 'run',
    verdict: 'verdict',
    worst: 'worst finding',
    bestHeldOut: 'best held-out loss @ x',
    final: 'final',
    hyperparameters: 'hyperparameters',
    tableCut: (n: number) => `… ${n} more run(s) left out of the table to stay within GitHub's 65,536-character limit (use --format json or html for all of them).`,
    detailsCut: (n: number, byTop: boolean) =>
      byTop ? `Details of ${n} more run(s) left out (--top).` : `Details of ${n} run(s) left out to stay within GitHub's 65,536-character limit (use --top, or --format json or html for all of them).`,
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
    falling: '下降',
    flat: '持平',
    rising: '上升',
    pointsShort: '个点',
    noFindings: '无发现。',
    whatToDo: '建议',
    details: '可能原因与证据',
    causes: '可能原因',
    evidence: '证据',
    inputWarnings: '条输入警告',
    failsAt: '失败阈值',
    run: '运行',
    verdict: '结论',
    worst: '最严重的发现',
    bestHeldOut: '最佳验证损失 @ x',
    final: '最终值',
    hyperparameters: '超参数',
    tableCut: (n: number) => `… 另有 ${n} 个运行未列入表格，以满足 GitHub 65,536 字符的上限（用 --format json 或 html 查看全部）。`,
    detailsCut: (n: number, byTop: boolean) =>
      byTop ? `另有 ${n} 个运行的详情未显示（--top）。` : `为满足 GitHub 65,536 字符的上限，${n} 个运行的详情未显示（可用 --top，或 --format json、html 查看全部）。`,
  },
} satisfies Record<Lang, Record<string, string | ((n: number, byTop: boolean) => string)>>;
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

/** GitHub's limit for a comment body and a step summary. */
export const MARKDOWN_LIMIT = 65_536;

export const formatMarkdown: Formatter = (report, options) => {
  const t = LABELS[options.lang];
  const s = report.summary;
  const failed = getExitCode(report, {
    failOn: options.failOn ?? 'error',
    ...(options.maxWarnings !== undefined ? { maxWarnings: options.maxWarnings } : {}),
  });
  const mark = failed ? MARK.error : s.warnings ? MARK.warning : MARK.ok;
  const head: string[] = [
    `## ${mark} lossdoc: ${failed ? t.failed : t.passed}`,
    '',
    `${report.runs.length} ${t.runs} · ${s.errors} ${t.errors} · ${s.warnings} ${t.warnings} · ${s.infos} ${t.infos} · ${t.failsAt} ${options.failOn ?? 'error'}`,
  ];
  const verbose = options.verbose ?? false;
  if (report.runs.length === 1) {
    return defuseCommandLines(`${[...head, '', ...runSection(report.runs[0], t, options.lang, verbose)].join('\n')}\n`);
  }
  return defuseCommandLines(manyRuns(report, head, t, options.lang, verbose, options.top));
};

/**
 * Two or more runs: the summary table first, then each run's details folded, best run first, as
 * many as fit in MARKDOWN_LIMIT (and --top); a last line says how many were left out.
 */
function manyRuns(report: Report, head: string[], t: Labels, lang: Lang, verbose: boolean, top: number | undefined): string {
  const ordered = runsInSummaryOrder(report);
  const rows = report.summary.runs;
  // Room kept for the closing note (and the table's own cut note).
  const reserve = 400;
  let used = utf8Length(head.join('\n')) + 2;
  const out = [...head, ''];
  const table = [`| | ${t.run} | ${t.verdict} | ${t.worst} | ${t.bestHeldOut} | ${t.final} | ${t.hyperparameters} |`, '|---|---|---|---|---|---|---|'];
  for (const line of table) used += utf8Length(line) + 1;
  out.push(...table);
  let tableRows = 0;
  const keys = varyingKeys(rows);
  for (const row of rows) {
    const c = summaryCells(row, (id) => verdictTitle(id, lang), keys);
    const line = `| ${MARK[VERDICT_TONE[row.verdict]]} | ${md(clipMiddle(c.run, 90))} | ${md(c.verdict)} | ${md(c.worst)} | ${c.best} | ${c.final} | ${md(c.hyperparameters)} |`;
    const size = utf8Length(line) + 1;
    if (used + size > MARKDOWN_LIMIT - reserve) break;
    out.push(line);
    used += size;
    tableRows++;
  }
  if (tableRows < rows.length) {
    const note = t.tableCut(rows.length - tableRows);
    out.push('', note);
    used += utf8Length(note) + 2;
  }
  const wanted = Math.min(top ?? rows.length, tableRows);
  let shown = 0;
  for (const run of ordered.slice(0, wanted)) {
    const section = [
      '',
      `<details><summary>${MARK[VERDICT_TONE[run.verdict.id]]} ${md(run.verdict.title)} — ${md(run.name)}</summary>`,
      '',
      ...runSection(run, t, lang, verbose).slice(2),
      '',
      '</details>',
    ].join('\n');
    const size = utf8Length(section) + 1;
    if (used + size > MARKDOWN_LIMIT - reserve) break;
    out.push(section);
    used += size;
    shown++;
  }
  if (shown < rows.length) out.push('', t.detailsCut(rows.length - shown, top !== undefined && shown === wanted && wanted < tableRows));
  return `${out.join('\n')}\n`;
}

function runSection(run: RunReport, t: Labels, lang: Lang, verbose: boolean): string[] {
  const v = run.verdict;
  const lines = [
    `### ${MARK[VERDICT_TONE[v.id]]} ${md(v.title)} — ${md(run.name)}`,
    '',
    `${md(run.format)} · ${run.axis} ${t.axis} · ${t.confidence} ${num(v.confidence)}${run.warnings.length ? ` · ${run.warnings.length} ${t.inputWarnings}` : ''}`,
  ];
  const shown = run.series.filter((s) => s.primary !== null || s.kind === 'loss' || (verbose && s.kind !== 'other'));
  if (shown.length > 0) {
    lines.push('', `| ${t.curve} | ${t.role} | ${t.shape} | ${t.startEnd} | ${t.best} | ${t.trend} |`, '|---|---|---|---|---|---|');
    for (const s of shown) lines.push(seriesRow(s, t));
  }
  const findings = run.findings.filter((f) => verbose || f.severity !== 'info' || f.tags.includes('verdict'));
  lines.push('');
  if (findings.length === 0) lines.push(t.noFindings);
  for (const f of findings) lines.push(...findingBlock(f, t, lang));
  return lines;
}

function seriesRow(s: SeriesReport, t: Labels): string {
  const role = s.primary ? `**${s.primary}**` : s.kind === 'loss' ? s.role : s.kind;
  const shape = s.sparkline ? `\`${s.sparkline}\`` : '';
  const range = s.trend ? `${num(s.startLevel)} → ${num(s.endLevel)}` : `${s.points} ${t.pointsShort}`;
  const best = s.min.value !== null ? `${num(s.min.value)} @ ${num(s.min.x)}` : '–';
  const arrow = s.tail ? { falling: '↓', flat: '→', rising: '↑' }[s.tail.direction] : '';
  const trend = s.tail ? `${arrow} ${t[s.tail.direction]} ${signedPct(s.tail.relChange)}` : '';
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

function findingBlock(f: Finding, t: Labels, lang: Lang): string[] {
  const lines = [`- ${MARK[f.severity]} **${f.severity}: ${md(f.title)}** (${code(f.id)}, ${t.confidence} ${num(f.confidence)}${f.uncertain ? `, ${say('report.uncertain', lang)}` : ''}) — ${md(f.message)}`];
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
