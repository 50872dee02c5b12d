/** The report's own stylesheet (uPlot's comes from uplot-assets.ts). No fonts or images are loaded. */
export const REPORT_CSS = String.raw`
:root {
  --bg: #f4f6f9; --card: #ffffff; --ink: #0f172a; --ink-2: #334155; --muted: #64748b; --line: #e2e8f0;
  --error: #dc2626; --error-bg: #fef2f2; --warning: #b45309; --warning-bg: #fffbeb;
  --info: #2563eb; --info-bg: #eff6ff; --ok: #15803d; --ok-bg: #f0fdf4;
  --train: #2563eb; --val: #ea580c; --test: #16a34a;
  --sans: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", sans-serif;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.55 var(--sans); }
main { max-width: 1180px; margin: 0 auto; padding: 0 24px 48px; }
a { color: var(--info); text-decoration: none; }
a:hover { text-decoration: underline; }
code, .mono { font-family: var(--mono); font-size: 0.92em; }
.masthead { display: flex; align-items: baseline; gap: 14px; flex-wrap: wrap; padding: 26px 0 6px; }
.brand { font-weight: 800; font-size: 22px; letter-spacing: -0.02em; }
.brand span { color: var(--info); }
.subtitle { color: var(--muted); }
.summary { margin-left: auto; display: flex; gap: 8px; flex-wrap: wrap; }
.chip { display: inline-flex; align-items: center; gap: 6px; padding: 2px 10px; border-radius: 999px; font-size: 13px; font-weight: 600; background: #e2e8f0; color: var(--ink-2); white-space: nowrap; }
.chip.error { background: var(--error-bg); color: var(--error); }
.chip.warning { background: var(--warning-bg); color: var(--warning); }
.chip.info { background: var(--info-bg); color: var(--info); }
.chip.ok { background: var(--ok-bg); color: var(--ok); }
.toolbar { position: sticky; top: 0; z-index: 20; margin: 10px -24px 18px; padding: 10px 24px; display: flex; align-items: center; gap: 14px; flex-wrap: wrap; background: rgba(244,246,249,0.92); backdrop-filter: blur(6px); border-bottom: 1px solid var(--line); }
.toolbar label { font-weight: 600; }
.toolbar input[type=range] { width: 220px; accent-color: var(--info); }
.toolbar output { font-family: var(--mono); min-width: 3.5em; display: inline-block; }
.toolbar .hint { color: var(--muted); font-size: 13px; margin-left: auto; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; box-shadow: 0 1px 2px rgba(15,23,42,0.04); }
.index { padding: 6px 0; margin-bottom: 22px; overflow-x: auto; }
.index table { table-layout: fixed; }
.index col.c-num { width: 40px; } .index col.c-run { width: 30%; } .index col.c-verdict { width: 170px; }
.index col.c-best { width: 110px; } .index col.c-hp { width: 20%; } .index col.c-count { width: 100px; }
.index td, .index th, .index td.num, .index th.num, .index .chip { overflow-wrap: anywhere; white-space: normal; }
.index td.name a { display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.index td.hp { font-size: 12px; color: var(--ink-2); }
.index h2 { font-size: 15px; margin: 10px 18px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 7px 12px; border-top: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 600; border-top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.run { margin: 0 0 40px; scroll-margin-top: 70px; }
.run-head { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; margin: 8px 0 12px; }
.run-head h2 { font-size: 20px; margin: 0; overflow-wrap: anywhere; font-family: var(--mono); font-weight: 700; }
.run-meta { color: var(--muted); font-size: 13px; }
.back { margin-left: auto; font-size: 13px; }
.verdict { display: flex; gap: 16px; align-items: flex-start; padding: 16px 20px; border-left: 6px solid var(--muted); margin-bottom: 16px; }
.verdict.error { border-left-color: var(--error); }
.verdict.warning { border-left-color: #f59e0b; }
.verdict.info { border-left-color: var(--info); }
.verdict.ok { border-left-color: #22c55e; }
.verdict .icon { font-size: 26px; line-height: 1.1; width: 34px; height: 34px; border-radius: 50%; display: grid; place-items: center; flex: none; font-weight: 700; }
.verdict.error .icon { background: var(--error-bg); color: var(--error); }
.verdict.warning .icon { background: var(--warning-bg); color: var(--warning); }
.verdict.info .icon { background: var(--info-bg); color: var(--info); }
.verdict.ok .icon { background: var(--ok-bg); color: var(--ok); }
.verdict h3 { margin: 0; font-size: 24px; letter-spacing: -0.01em; }
.verdict p { margin: 4px 0 0; color: var(--ink-2); max-width: 80ch; }
.verdict .conf { margin-left: auto; text-align: right; color: var(--muted); font-size: 13px; white-space: nowrap; }
.verdict .conf b { display: block; font-size: 20px; color: var(--ink); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; margin-bottom: 16px; }
.chart { margin: 0; padding: 12px 14px 10px; min-width: 0; }
.chart.wide { grid-column: 1 / -1; }
.chart-head { display: flex; align-items: center; gap: 12px; margin-bottom: 4px; }
.chart-head h4 { margin: 0; font-size: 15px; }
.chart-head .axis-note { color: var(--muted); font-size: 12px; }
.switch { margin-left: auto; display: inline-flex; align-items: center; gap: 6px; font-size: 13px; color: var(--ink-2); cursor: pointer; user-select: none; }
.switch input { accent-color: var(--info); margin: 0; }
.switch input:disabled + span { opacity: 0.45; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 6px; margin: 2px 0 6px; min-height: 26px; }
.lg { display: inline-flex; align-items: center; gap: 6px; padding: 2px 8px 2px 6px; border: 1px solid transparent; border-radius: 6px; background: none; font: inherit; font-size: 13px; color: var(--ink); cursor: pointer; max-width: 100%; }
.lg:hover { background: #f1f5f9; border-color: var(--line); }
.lg.off { opacity: 0.4; }
.lg.off .lg-name { text-decoration: line-through; }
.lg-sw { width: 18px; height: 4px; border-radius: 2px; flex: none; }
.lg-name { font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; text-align: left; }
.lg-role { font-size: 10.5px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.05em; padding: 0 5px; border-radius: 4px; }
.lg-train { background: #dbeafe; color: #1d4ed8; }
.lg-val { background: #ffedd5; color: #c2410c; }
.lg-test { background: #dcfce7; color: #15803d; }
.plot { position: relative; width: 100%; min-height: 120px; overflow: hidden; }
.plot .uplot { font-family: var(--sans); }
.nojs { color: var(--muted); font-size: 13px; padding: 20px 0; }
.charts-ready .nojs { display: none; }
.tip { position: absolute; z-index: 5; pointer-events: none; background: rgba(15,23,42,0.94); color: #f8fafc; border-radius: 8px; padding: 8px 10px; font-size: 12.5px; line-height: 1.45; box-shadow: 0 6px 18px rgba(15,23,42,0.25); max-width: 420px; }
.tip-x { font-weight: 700; margin-bottom: 3px; color: #cbd5e1; }
.tip-row { display: flex; align-items: center; gap: 7px; white-space: nowrap; }
.tip-row .sw { width: 10px; height: 10px; border-radius: 2px; flex: none; }
.tip-name { font-family: var(--mono); overflow: hidden; text-overflow: ellipsis; max-width: 200px; }
.tip-val { margin-left: auto; padding-left: 10px; font-variant-numeric: tabular-nums; }
.tip-raw { color: #94a3b8; font-variant-numeric: tabular-nums; }
.tip-mark { margin-top: 4px; padding-top: 4px; border-top: 1px solid rgba(148,163,184,0.3); color: #fde68a; white-space: normal; }
.tip-nan, .tip-spike { color: #fca5a5; }
.keys { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 6px; font-size: 12px; color: var(--muted); }
.key { display: inline-flex; align-items: center; gap: 6px; }
.key i { display: inline-block; flex: none; }
.k-best { width: 10px; height: 10px; border-radius: 50%; border: 2.5px solid var(--ink-2); background: #fff; }
.k-spike { width: 0; height: 0; border-left: 5px solid transparent; border-right: 5px solid transparent; border-top: 8px solid #be123c; }
.k-nan { color: var(--error); font-style: normal; font-weight: 800; }
.k-lrdrop { width: 0; height: 12px; border-left: 1.5px dashed #475569; }
.k-phase { width: 0; height: 12px; border-left: 1.5px dotted #64748b; }
.k-range { width: 16px; height: 10px; background: rgba(217,119,6,0.14); border-top: 2px solid rgba(217,119,6,0.6); }
.k-range.error { background: rgba(220,38,38,0.12); border-top-color: rgba(220,38,38,0.6); }
.k-range.info { background: rgba(37,99,235,0.1); border-top-color: rgba(37,99,235,0.55); }
.decimated { margin-left: auto; }
.series-table { margin-bottom: 16px; overflow-x: auto; }
.series-table td { font-size: 13.5px; }
.series-table td.name { font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
.spark { font-family: var(--mono); color: #94a3b8; font-size: 12px; letter-spacing: -0.5px; white-space: nowrap; }
.sw-inline { display: inline-block; width: 12px; height: 4px; border-radius: 2px; margin-right: 8px; vertical-align: middle; }
.dir-falling { color: var(--ok); } .dir-rising { color: var(--error); } .dir-flat { color: var(--muted); }
.run h3.section { font-size: 16px; margin: 22px 0 10px; }
.finding { padding: 14px 18px; margin-bottom: 12px; border-left: 4px solid var(--line); }
.finding.error { border-left-color: var(--error); }
.finding.warning { border-left-color: #f59e0b; }
.finding.info { border-left-color: #60a5fa; }
.finding-head { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.finding-head h4 { margin: 0; font-size: 16px; }
.finding-head .rule { color: var(--muted); font-family: var(--mono); font-size: 12px; }
.confbar { margin-left: auto; display: inline-flex; align-items: center; gap: 8px; font-size: 12px; color: var(--muted); }
.confbar span { display: inline-block; width: 64px; height: 6px; border-radius: 3px; background: #e2e8f0; overflow: hidden; }
.confbar span i { display: block; height: 100%; background: var(--ink-2); }
.finding .message { margin: 8px 0 10px; color: var(--ink); overflow-wrap: anywhere; }
.advice { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 28px; }
.advice h5 { margin: 0 0 4px; font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
.advice ol, .advice ul { margin: 0; padding-left: 20px; color: var(--ink-2); font-size: 14px; }
.advice li { margin: 2px 0; }
.advice ul { list-style: none; padding-left: 0; }
.advice ul li::before { content: "→"; color: var(--info); font-weight: 700; margin-right: 8px; }
.seed { color: var(--muted); font-size: 12px; margin-left: 4px; }
.empty { color: var(--muted); padding: 12px 18px; }
details.warnings { margin-top: 12px; padding: 10px 16px; font-size: 13.5px; }
details.warnings summary { cursor: pointer; color: var(--ink-2); font-weight: 600; }
details.warnings li { overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 12.5px; border-top: 1px solid var(--line); padding-top: 14px; margin-top: 24px; }
@media (max-width: 720px) {
  .advice { grid-template-columns: 1fr; }
  .charts { grid-template-columns: 1fr; }
  .toolbar .hint { display: none; }
}
@media print {
  .toolbar { position: static; }
  .card { box-shadow: none; break-inside: avoid; }
}
`;
