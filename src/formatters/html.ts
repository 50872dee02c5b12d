/**
 * `--format html`: one self-contained page (scripts, styles and data inline; it loads nothing)
 * with the verdict, interactive charts of every curve family annotated from the findings, and
 * the ranked findings with causes and remedies. Pure: no file system at run time (uPlot comes
 * from the generated uplot-assets.ts).
 *
 * Charts need the points: analyze with `includeData: true` (see `formatsNeedingData`).
 */
import { readableNumber as num, signedPercent, xLabel as xval } from '../core/number-format.js';
import type { Finding, Report, RunReport, SeriesReport } from '../core/report-schema.js';
import { CLIENT_JS } from './html/client.js';
import { escapeHtml as esc, jsonForScript } from './html/escape.js';
import { HTML_LABELS, type HtmlLabels } from './html/labels.js';
import { prepareRun, type ChartModel, type MarkKind, type RunModel } from './html/prepare.js';
import { REPORT_CSS } from './html/styles.js';
import { UPLOT_CSS, UPLOT_JS, UPLOT_VERSION } from './html/uplot-assets.js';
import { hyperparameterText, runsInSummaryOrder, thousands, varyingKeys, VERDICT_TONE, type Tone } from './shared.js';
import type { Formatter } from './types.js';

/** TensorBoard's default smoothing weight. */
export const DEFAULT_SMOOTHING = 0.6;

const TONE_ICON: Record<Tone, string> = { error: '✖', warning: '▲', info: 'i', ok: '✔' };

/** No URL in here: the report must work from disk with no network, and may load nothing. */
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export const formatHtml: Formatter = (report) => {
  const lang = report.lang;
  const t = HTML_LABELS[lang] ?? HTML_LABELS.en;
  const models = report.runs.map((run, i) => prepareRun(run, i, t));
  const anyChart = models.some((m) => m.charts.length > 0);
  const single = report.runs.length === 1 ? report.runs[0] : undefined;
  const title = single ? `${t.docTitle}: ${single.verdict.title} · ${single.name}` : `${t.docTitle}: ${report.runs.length} ${t.runs}`;

  const data = {
    smoothing: DEFAULT_SMOOTHING,
    labels: { raw: t.raw, smoothed: t.smoothed, best: t.best, lrDrop: t.lrDrop },
    runs: models.map((m) => ({ axis: m.axis, axisWord: t[m.axis], charts: m.charts })),
  };

  const body: string[] = [];
  body.push(masthead(report, t));
  if (anyChart) body.push(toolbar(t));
  if (report.runs.length > 1) body.push(indexTable(report, t));
  report.runs.forEach((run, i) => body.push(runSection(run, models[i], t, report.runs.length > 1)));
  body.push(
    `<footer>${esc(t.generatedBy)} ${esc(report.tool.name)} ${esc(report.tool.version)} · ${esc(t.chartsBy)} uPlot ${esc(UPLOT_VERSION)} (MIT, Leon Sorokin)</footer>`,
  );

  return [
    '<!doctype html>',
    `<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    `<meta name="generator" content="${esc(`${report.tool.name} ${report.tool.version}`)}">`,
    `<title>${esc(title)}</title>`,
    `<style>${UPLOT_CSS}</style>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body,
    '</main>',
    `<script type="application/json" id="lossdoc-data">${jsonForScript(data)}</script>`,
    ...(anyChart ? [`<script>${UPLOT_JS}</script>`, `<script>${CLIENT_JS}</script>`] : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
};

function masthead(report: Report, t: HtmlLabels): string {
  const s = report.summary;
  const chips = [
    `<span class="chip">${count(report.runs.length, t.runs, t.one.runs)}</span>`,
    `<span class="chip${s.errors ? ' error' : ''}">${count(s.errors, t.errors, t.one.errors)}</span>`,
    `<span class="chip${s.warnings ? ' warning' : ''}">${count(s.warnings, t.warnings, t.one.warnings)}</span>`,
    `<span class="chip${s.infos ? ' info' : ''}">${count(s.infos, t.infos, t.one.infos)}</span>`,
  ];
  return (
    `<header class="masthead"><div class="brand">loss<span>doc</span></div>` +
    `<div class="subtitle">${esc(t.subtitle)}</div><div class="summary">${chips.join('')}</div></header>`
  );
}

function count(n: number, many: string, one: string): string {
  return `${n} ${esc(n === 1 ? one : many)}`;
}

function toolbar(t: HtmlLabels): string {
  return (
    `<div class="toolbar" role="toolbar">` +
    `<label for="smoothing" title="${esc(t.smoothingHelp)}">${esc(t.smoothing)}</label>` +
    `<input type="range" id="smoothing" min="0" max="0.999" step="0.001" value="${DEFAULT_SMOOTHING}" title="${esc(t.smoothingHelp)}">` +
    `<output id="smoothing-value" for="smoothing">${DEFAULT_SMOOTHING}</output>` +
    `<span class="hint">${esc(t.hint)}</span></div>`
  );
}

/** The runs, best held-out loss first: the summary's order and columns, each name linking to its section. */
function indexTable(report: Report, t: HtmlLabels): string {
  const position = new Map(report.runs.map((run, i) => [run, i]));
  const keys = varyingKeys(report.summary.runs);
  const rows = runsInSummaryOrder(report).map((run, k) => {
    const i = position.get(run)!;
    const row = report.summary.runs[k];
    const tone = VERDICT_TONE[run.verdict.id];
    const worst = run.findings[0];
    const worstCell = worst
      ? `<span class="chip ${worst.severity}">${esc(t.severity[worst.severity])}</span> ${esc(worst.title)}`
      : `<span class="empty">${esc(t.noFindings)}</span>`;
    const b = row.bestHeldOut;
    const best = b && b.value !== null ? `${num(b.value)} @ ${b.x === null ? '–' : xval(b.x)}` : '–';
    const hyper = hyperparameterText(row.hyperparameters.filter(([key]) => keys.has(key)), 120);
    return (
      `<tr><td class="num">${k + 1}</td><td class="mono name"><a href="#run-${i + 1}" title="${esc(run.name)}">${esc(run.name)}</a></td>` +
      `<td><span class="chip ${tone}">${TONE_ICON[tone]} ${esc(run.verdict.title)}</span></td>` +
      `<td>${worstCell}</td><td class="num">${esc(best)}</td><td class="mono hp">${esc(hyper)}</td><td class="num">${run.findings.length}</td></tr>`
    );
  });
  return (
    `<nav class="card index" id="index"><h2>${esc(t.index)}</h2><table>` +
    `<colgroup><col class="c-num"><col class="c-run"><col class="c-verdict"><col class="c-worst"><col class="c-best"><col class="c-hp"><col class="c-count"></colgroup>` +
    `<thead><tr><th class="num">#</th><th>${esc(t.run)}</th><th>${esc(t.verdict)}</th><th>${esc(t.worstFinding)}</th>` +
    `<th class="num">${esc(t.bestHeldOut)}</th><th>${esc(t.hyperparameters)}</th>` +
    `<th class="num">${esc(t.findingsCount)}</th></tr></thead><tbody>${rows.join('')}</tbody></table></nav>`
  );
}

function runSection(run: RunReport, model: RunModel, t: HtmlLabels, several: boolean): string {
  const out: string[] = [];
  out.push(`<section class="run" id="${model.id}">`);
  out.push(
    `<div class="run-head"><h2>${esc(run.name)}</h2><span class="run-meta">${esc(run.format)} · ${esc(t.axis)}: ${esc(t[run.axis])}` +
      `${run.sources.length > 1 || run.sources[0] !== run.name ? ` · ${esc(t.sources)}: ${run.sources.map(esc).join(', ')}` : ''}</span>` +
      `${several ? `<a class="back" href="#index">↑ ${esc(t.backToIndex)}</a>` : ''}</div>`,
  );
  out.push(verdictBanner(run, t));
  if (model.charts.length > 0) {
    out.push('<div class="charts">');
    // The loss chart spans the row; the others go two by two, an odd last one spanning its row.
    const halves = model.charts.filter((c) => c.family !== 'loss');
    const last = halves.length % 2 === 1 ? halves[halves.length - 1] : undefined;
    for (const chart of model.charts) out.push(chartFigure(chart, t, chart.family === 'loss' || chart === last));
    out.push('</div>');
  } else if (!model.hasData && run.series.length > 0) {
    out.push(`<p class="card empty">${esc(t.noData)}</p>`);
  }
  out.push(seriesTable(run, model, t));
  out.push(`<h3 class="section">${esc(t.findings)}</h3>`);
  if (run.findings.length === 0) out.push(`<p class="card empty">${esc(t.noFindings)}</p>`);
  for (const f of run.findings) out.push(findingCard(f, t));
  if (run.warnings.length > 0) {
    const items = run.warnings
      .slice(0, 200)
      .map((w) => `<li>${w.line !== null ? `<span class="seed">${esc(t.line)} ${w.line}</span> ` : ''}${esc(w.message)} <code>${esc(w.code)}</code></li>`);
    out.push(
      `<details class="card warnings"><summary>${run.warnings.length} ${esc(t.inputWarnings)}</summary><ul>${items.join('')}</ul></details>`,
    );
  }
  out.push('</section>');
  return out.join('\n');
}

function verdictBanner(run: RunReport, t: HtmlLabels): string {
  const v = run.verdict;
  const tone = VERDICT_TONE[v.id];
  const lead = run.findings.find((f) => f.id === v.id) ?? run.findings.find((f) => f.tags.includes('verdict'));
  return (
    `<div class="card verdict ${tone}"><div class="icon" aria-hidden="true">${TONE_ICON[tone]}</div>` +
    `<div><h3>${esc(v.title)}</h3>${lead ? `<p>${esc(lead.message)}</p>` : ''}</div>` +
    `<div class="conf">${esc(t.confidence)}<b>${Math.round(v.confidence * 100)}%</b></div></div>`
  );
}

const KEY_ORDER: MarkKind[] = ['best', 'spike', 'nan', 'lrdrop', 'phase', 'range'];

function chartFigure(chart: ChartModel, t: HtmlLabels, wide: boolean): string {
  const kinds = new Set(chart.marks.map((m) => m.kind));
  const keyText: Record<MarkKind, string> = {
    best: t.best,
    spike: t.spike,
    nan: t.nan,
    lrdrop: t.lrDrop,
    phase: t.phase,
    range: t.range,
  };
  const keys = KEY_ORDER.filter((k) => kinds.has(k)).map((k) => {
    if (k === 'nan') return `<span class="key"><i class="k-nan">×</i>${esc(keyText[k])}</span>`;
    if (k === 'range') {
      const sev = chart.marks.find((m) => m.kind === 'range')?.severity ?? 'warning';
      return `<span class="key"><i class="k-range ${sev}"></i>${esc(keyText[k])}</span>`;
    }
    return `<span class="key"><i class="k-${k}"></i>${esc(keyText[k])}</span>`;
  });
  const decimated = chart.series.filter((s) => s.shown < s.points);
  if (decimated.length > 0) {
    const shown = decimated.reduce((n, s) => n + s.shown, 0);
    const total = decimated.reduce((n, s) => n + s.points, 0);
    keys.push(
      `<span class="key decimated" title="${esc(t.decimatedNote)}">${thousands(shown)} ${esc(t.shownOf)} ${thousands(total)}</span>`,
    );
  }
  return (
    `<figure class="card chart${wide ? ' wide' : ''}" id="${chart.id}">` +
    `<figcaption class="chart-head"><h4>${esc(chart.title)}</h4>` +
    `<label class="switch"><input type="checkbox" data-log${chart.log ? ' checked' : ''}${chart.canLog ? '' : ' disabled'}><span>${esc(t.logScale)}</span></label></figcaption>` +
    `<div class="legend" data-legend></div>` +
    `<div class="plot" data-plot><noscript><p class="nojs">${esc(t.noScript)}</p></noscript></div>` +
    `<div class="keys">${keys.join('')}</div></figure>`
  );
}

function fmt(v: number | null): string {
  return v === null ? '–' : num(v);
}

function at(v: { x: number | null; value: number | null }): string {
  return v.value === null ? '–' : `${num(v.value)}<span class="seed"> @ ${v.x === null ? '–' : xval(v.x)}</span>`;
}

function seriesTable(run: RunReport, model: RunModel, t: HtmlLabels): string {
  const colors = new Map<string, string>();
  for (const c of model.charts) for (const s of c.series) colors.set(s.name, s.color);
  // Primary curves first (train, val, test), then the families in chart order.
  const rank = (s: SeriesReport) =>
    s.primary === 'train' ? 0 : s.primary === 'val' ? 1 : s.primary === 'test' ? 2 : 3 + ['loss', 'metric', 'grad-norm', 'lr'].indexOf(s.kind);
  const shown = run.series.filter((s) => s.kind !== 'other' || s.primary !== null).sort((a, b) => rank(a) - rank(b));
  if (shown.length === 0) return '';
  const rows = shown.map((s: SeriesReport) => {
    const color = colors.get(s.name);
    const sw = color ? `<i class="sw-inline" style="background:${esc(color)}"></i>` : '';
    const role = s.primary ? `<span class="lg-role lg-${s.primary}">${esc(s.primary)}</span>` : `<span class="seed">${esc(s.kind === 'loss' ? s.role : s.kind)}</span>`;
    const tail = s.tail
      ? `<span class="dir-${s.tail.direction}">${s.tail.direction === 'falling' ? '↘' : s.tail.direction === 'rising' ? '↗' : '→'} ${esc(t.direction[s.tail.direction])}</span>` +
        `${s.tail.relChange !== null ? ` <span class="seed">${signedPercent(s.tail.relChange, 2)}</span>` : ''}`
      : '–';
    const nonFinite = s.nonFinite.count ? ` <span class="chip error">${s.nonFinite.count}× ${esc(s.nonFinite.first?.value ?? 'NaN')}</span>` : '';
    return (
      `<tr><td class="name">${sw}${esc(s.name)}${nonFinite}</td><td>${role}</td><td class="num">${s.points}</td>` +
      `<td class="num">${fmt(s.startLevel)} → ${fmt(s.endLevel)}</td><td class="num">${at(s.min)}</td><td class="num">${at(s.max)}</td>` +
      `<td>${tail}</td><td class="spark">${esc(s.sparkline)}</td></tr>`
    );
  });
  return (
    `<div class="card series-table"><table><thead><tr><th>${esc(t.series)}</th><th>${esc(t.role)}</th><th class="num">${esc(t.points)}</th>` +
    `<th class="num">${esc(t.startEnd)}</th><th class="num">${esc(t.min)}</th><th class="num">${esc(t.max)}</th><th>${esc(t.trend)}</th><th></th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

function findingCard(f: Finding, t: HtmlLabels): string {
  const causes = f.causes.map((c) => `<li>${esc(c.text)}${c.seed ? `<span class="seed">${esc(c.seed)}</span>` : ''}</li>`);
  const remedies = f.remedies.map((r) => `<li>${esc(r.text)}</li>`);
  const pct = Math.round(f.confidence * 100);
  return (
    `<article class="card finding ${f.severity}">` +
    `<div class="finding-head"><span class="chip ${f.severity}">${esc(t.severity[f.severity])}</span><h4>${esc(f.title)}</h4>` +
    `<span class="rule">[${esc(f.id)}]</span>` +
    `<span class="confbar" title="${esc(t.confidence)} ${pct}%">${esc(t.confidence)} <span><i style="width:${pct}%"></i></span> ${pct}%</span></div>` +
    `<p class="message">${esc(f.message)}</p>` +
    (causes.length || remedies.length
      ? `<div class="advice">` +
        (causes.length ? `<div><h5>${esc(t.causes)}</h5><ol>${causes.join('')}</ol></div>` : '<div></div>') +
        (remedies.length ? `<div><h5>${esc(t.remedies)}</h5><ul>${remedies.join('')}</ul></div>` : '') +
        `</div>`
      : '') +
    `</article>`
  );
}
