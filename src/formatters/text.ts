import { Chalk, type ChalkInstance } from 'chalk';
import type { Finding, Report, RunReport, SeriesReport } from '../core/report-schema.js';
import type { Lang } from '../core/types.js';
import { defuseCommandLines, plainStrings } from './plain-text.js';
import { clipMiddle, num, runsInSummaryOrder, signedPct, summaryCells, thousands, varyingKeys, VERDICT_TONE, xOrDash, type SummaryCells } from './shared.js';
import { say, verdictTitle } from '../messages/index.js';
import type { Formatter } from './types.js';

const LABELS = {
  en: {
    errorCount: (n: number) => (n === 0 ? '0 errors' : `${n} error(s)`),
    warningCount: (n: number) => (n === 0 ? '0 warnings' : `${n} warning(s)`),
    infoCount: (n: number) => `${n} info`,
    uncertainCount: (n: number) => `${n} uncertain`,
    curves: 'curves',
    curvesNote: 'start → end: medians of the first and last points; best: the lowest point',
    findings: 'findings',
    causes: 'likely causes',
    remedies: 'what to do',
    confidence: 'confidence',
    uncertain: 'uncertain: not counted for --fail-on',
    noFindings: 'no findings',
    runs: 'run(s)',
    config: 'config',
    summary: 'summary',
    lastThird: 'last third',
    best: 'best',
    warnings: 'input warning(s), see stderr',
    tableRow: 'trend table row',
    sources: '§ ids and trend-table rows: README, section "Knowledge source"',
    falling: 'falling',
    flat: 'flat',
    rising: 'rising',
    unclear: 'no clear trend',
    topCut: (n: number) => `details of ${n} more run(s) left out (--top)`,
    sampled: (names: string, stride: number, points: number) =>
      `analysed on 1 point in ${stride} of ${thousands(points)} (spikes, NaN edges and extremes kept; --max-points 0 reads every point): ${names}`,
  },
  zh: {
    errorCount: (n: number) => `${n} 个错误`,
    warningCount: (n: number) => `${n} 个警告`,
    infoCount: (n: number) => `${n} 条提示`,
    uncertainCount: (n: number) => `${n} 条不确定`,
    curves: '曲线',
    curvesNote: '起点 → 终点：开头和结尾若干点的中位数；最佳：最低点',
    findings: '诊断',
    causes: '可能原因',
    remedies: '建议',
    confidence: '置信度',
    uncertain: '不确定：不计入 --fail-on',
    noFindings: '无发现',
    runs: '个运行',
    config: '配置文件',
    summary: '汇总',
    lastThird: '最后三分之一',
    best: '最佳',
    warnings: '条输入警告，见 stderr',
    tableRow: '趋势表',
    sources: '§ 编号与趋势表各行的含义：见 README 的“Knowledge source”一节',
    falling: '下降',
    flat: '持平',
    rising: '上升',
    unclear: '无明确趋势',
    topCut: (n: number) => `另有 ${n} 个运行的详情未显示（--top）`,
    sampled: (names: string, stride: number, points: number) =>
      `长序列每 ${stride} 个点取 1 个分析（共 ${points} 个点；尖峰、NaN 边界和极值保留；--max-points 0 分析全部点）：${names}`,
  },
} satisfies Record<Lang, Record<string, string | ((n: number) => string) | ((names: string, stride: number, points: number) => string)>>;

function pad(s: string, width: number): string {
  const len = [...s].length;
  return len >= width ? s : s + ' '.repeat(width - len);
}

/** Human report: verdict headline, one line per curve, ranked findings with causes and remedies. */
export const formatText: Formatter = (input, options) => {
  // Names and messages come from the logs: no control character or CI command may reach the terminal.
  const report = plainStrings(input, new Set(['data']));
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const t = LABELS[options.lang];
  const out: string[] = [];
  if (report.config) out.push(c.dim(`${t.config}: ${report.config}`), '');
  let details = report.runs;
  if (report.runs.length > 1) {
    out.push(...summaryTable(report, c, options.lang), '');
    details = runsInSummaryOrder(report).slice(0, options.top ?? report.runs.length);
  }
  for (const run of details) out.push(...runLines(run, c, t, options.verbose ?? false, options.lang), '');
  if (details.length < report.runs.length) out.push(c.dim(t.topCut(report.runs.length - details.length)), '');
  const s = report.summary;
  const counts = [
    s.errors ? c.red(t.errorCount(s.errors)) : t.errorCount(0),
    s.warnings ? c.yellow(t.warningCount(s.warnings)) : t.warningCount(0),
    t.infoCount(s.infos),
    ...(s.uncertain ? [c.dim(t.uncertainCount(s.uncertain))] : []),
  ];
  out.push(c.bold(`${report.runs.length} ${t.runs}: `) + counts.join(', '));
  if (report.runs.some((r) => r.findings.length > 0)) out.push(c.dim(t.sources));
  return defuseCommandLines(`${out.join('\n')}\n`);
};

function runLines(run: RunReport, c: ChalkInstance, t: (typeof LABELS)['en'], verbose: boolean, lang: Lang): string[] {
  const lines: string[] = [];
  const v = run.verdict;
  const mark = { error: c.red('✖'), warning: c.yellow('▲'), info: c.blue('ℹ'), ok: c.green('✔') }[VERDICT_TONE[v.id]];
  lines.push(c.underline(run.name) + c.dim(`  (${run.format}, ${say('report.axis', lang, { axis: run.axis })})`));
  const row = v.seedRow ? ` · ${t.tableRow} ${v.seedRow}` : '';
  lines.push(`  ${mark} ${c.bold(v.title)}${c.dim(`  ${t.confidence} ${num(v.confidence)}${row}`)}`);
  lines.push('', `  ${c.bold(t.curves)}  ${c.dim(`(${t.curvesNote})`)}`);
  const shown = run.series.filter((s) => s.kind === 'loss' || s.primary !== null || verbose || s.kind === 'lr');
  const nameWidth = Math.min(40, Math.max(...shown.map((s) => [...s.name].length), 4));
  for (const s of shown) lines.push(`    ${seriesLine(s, nameWidth, c, t, lang)}`);
  const hidden = run.series.length - shown.length;
  if (hidden > 0) {
    const names = `${run.series.filter((s) => !shown.includes(s)).map((s) => s.name).slice(0, 6).join(', ')}${hidden > 6 ? ', …' : ''}`;
    lines.push(c.dim(`    (${say('report.other-series', lang, { count: hidden, names })})`));
  }
  const sampled = shown.filter((s) => s.sampling !== null);
  if (sampled.length > 0) {
    const widest = sampled.reduce((a, b) => (b.points > a.points ? b : a));
    lines.push(c.dim(`    ${t.sampled(sampled.map((s) => s.name).join(', '), widest.sampling!.stride, widest.points)}`));
  }
  lines.push('', `  ${c.bold(t.findings)}`);
  const findings = run.findings.filter((f) => verbose || f.severity !== 'info' || f.tags.includes('verdict'));
  if (findings.length === 0) lines.push(c.dim(`    ${t.noFindings}`));
  for (const f of findings) lines.push(...findingLines(f, c, t));
  if (run.warnings.length > 0) lines.push('', c.dim(`  ${run.warnings.length} ${t.warnings}`));
  return lines;
}

function seriesLine(s: SeriesReport, nameWidth: number, c: ChalkInstance, t: (typeof LABELS)['en'], lang: Lang): string {
  const role = s.primary ? c.bold(pad(s.primary, 6)) : c.dim(pad(s.kind === 'loss' ? s.role : s.kind, 6));
  const name = pad([...s.name].length > nameWidth ? `${[...s.name].slice(0, nameWidth - 1).join('')}…` : s.name, nameWidth);
  if (s.trend === null || s.tail === null) {
    return `${name}  ${role}  ${pad(s.sparkline, 24)}  ${c.dim(say('report.points', lang, { points: s.points }))}`;
  }
  if (s.kind !== 'loss') {
    // Learning rates and metrics are context for the losses: where they went, not a verdict.
    return `${name}  ${role}  ${c.dim(pad(s.sparkline, 24))}  ${c.dim(`${num(s.first.value)} → ${num(s.last.value)}`)}`;
  }
  const dir = s.tail.direction;
  const arrow = dir === 'falling' ? '↓' : dir === 'rising' ? '↑' : '→';
  // "flat" beside a large change would contradict its own number: a large change that is not
  // significant (noise) is said as no clear trend.
  const word = dir === 'flat' && Math.abs(s.tail.relChange ?? 0) >= 0.05 ? t.unclear : t[dir];
  const trend = `${arrow} ${word} (${signedPct(s.tail.relChange)} ${t.lastThird})`;
  const nonFinite = s.nonFinite.count ? c.red(`  ${s.nonFinite.count}× ${s.nonFinite.first?.value}`) : '';
  return (
    `${name}  ${role}  ${c.cyan(pad(s.sparkline, 24))}  ${pad(`${num(s.startLevel)} → ${num(s.endLevel)}`, 19)}  ` +
    `${pad(trend, 30)}  ${c.dim(`${t.best} ${num(s.min.value)} @ ${xOrDash(s.min.x)}`)}${nonFinite}`
  );
}

function findingLines(f: Finding, c: ChalkInstance, t: (typeof LABELS)['en']): string[] {
  const sev = { error: c.red('error  '), warning: c.yellow('warning'), info: c.blue('info   ') }[f.severity];
  const unsure = f.uncertain ? c.dim(` (${t.uncertain})`) : '';
  const lines = [`    ${sev}  ${c.bold(f.title)} ${c.dim(`[${f.id}]  ${t.confidence} ${num(f.confidence)}`)}${unsure}`];
  lines.push(`             ${f.message}`);
  if (f.causes.length > 0) {
    lines.push(c.dim(`             ${t.causes}:`));
    f.causes.slice(0, 4).forEach((cause, i) => lines.push(`               ${i + 1}. ${cause.text}${cause.seed ? c.dim(` (${cause.seed})`) : ''}`));
  }
  if (f.remedies.length > 0) {
    lines.push(c.dim(`             ${t.remedies}:`));
    for (const r of f.remedies.slice(0, 4)) lines.push(`               → ${r.text}`);
  }
  return lines;
}

const SUMMARY_HEAD: Record<Lang, SummaryCells> = {
  en: { run: 'run', verdict: 'verdict', worst: 'worst finding', best: 'best held-out @ x', final: 'final', hyperparameters: 'hyperparameters' },
  zh: { run: '运行', verdict: '结论', worst: '最严重的发现', best: '最佳验证损失 @ x', final: '最终值', hyperparameters: '超参数' },
};

/** Several runs: one aligned line per run, best held-out loss first. */
function summaryTable(report: Report, c: ChalkInstance, lang: Lang): string[] {
  const shown = varyingKeys(report.summary.runs);
  const rows = report.summary.runs.map((row) => ({ tone: VERDICT_TONE[row.verdict], cells: summaryCells(row, (id) => verdictTitle(id, lang), shown) }));
  const keys = ['run', 'verdict', 'worst', 'best', 'final', 'hyperparameters'] as const;
  const width = (k: (typeof keys)[number]) =>
    Math.min(k === 'run' ? 64 : 32, Math.max([...SUMMARY_HEAD[lang][k]].length, ...rows.map((r) => [...r.cells[k]].length)));
  const widths = keys.map(width);
  const line = (cells: SummaryCells) =>
    keys
      .map((k, i) => (k === 'hyperparameters' ? cells[k] : pad(clipMiddle(cells[k], widths[i]), widths[i])))
      .join('  ')
      .trimEnd();
  const mark = { error: c.red('✖'), warning: c.yellow('▲'), info: c.blue('ℹ'), ok: c.green('✔') };
  return [c.bold(`  ${line(SUMMARY_HEAD[lang])}`), ...rows.map((r) => `${mark[r.tone]} ${line(r.cells)}`)];
}
