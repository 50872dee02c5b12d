/**
 * The browser side of the HTML report, as plain ES2017 script text (inlined into the report).
 * It reads the chart model from `<script type="application/json" id="lossdoc-data">`, draws each
 * chart with uPlot, and wires the smoothing slider, log toggles, legends and the hover tooltip.
 * Everything from the log is put into the page with textContent, never innerHTML.
 */

/**
 * TensorBoard's smoothing, exactly: `classicSmoothing` in tensorboard/webapp/widgets/
 * line_chart_v2/data_transformer.ts (see anchors-formats-methods.md §2.1). A debiased EMA
 * initialised at 0; non-finite values (null here) pass through uncounted; a constant series is
 * returned unchanged (TensorBoard #786).
 */
export const SMOOTH_JS = String.raw`
function tbSmooth(ys, weight) {
  var w = isFinite(weight) ? weight : 0;
  w = Math.max(0, Math.min(w, 1));
  var out = new Array(ys.length);
  var first = ys.length ? ys[0] : undefined;
  var constant = true;
  for (var k = 0; k < ys.length; k++) if (!(ys[k] == first)) { constant = false; break; }
  if (constant) { for (var c = 0; c < ys.length; c++) out[c] = ys[c]; return out; }
  var last = 0, n = 0;
  for (var i = 0; i < ys.length; i++) {
    var y = ys[i];
    if (y === null || y === undefined || !isFinite(y)) { out[i] = y === undefined ? null : y; continue; }
    last = last * w + (1 - w) * y;
    n++;
    var debias = w === 1 ? 1 : 1 - Math.pow(w, n);
    out[i] = last / debias;
  }
  return out;
}
`;

export const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var el = document.getElementById('lossdoc-data');
  if (!el || typeof uPlot === 'undefined') return;
  var DATA = JSON.parse(el.textContent);
  var L = DATA.labels;
  var charts = [];
  var smoothing = DATA.smoothing;
` + SMOOTH_JS + String.raw`
  function pxr() { return uPlot.pxRatio || window.devicePixelRatio || 1; }

  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    if (v === 0) return '0';
    var a = Math.abs(v);
    if (a >= 1e5 || a < 1e-3) return v.toExponential(3).replace('e+', 'e');
    return String(Number(v.toPrecision(5)));
  }
  function fmtX(v) { return Number.isInteger(v) ? String(v) : fmt(v); }
  function fmt4(v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    var a = Math.abs(v);
    if (v !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2).replace('e+', 'e');
    return String(Number(v.toPrecision(4)));
  }

  function rgba(hex, alpha) {
    var h = hex.replace('#', '');
    var r = parseInt(h.slice(0, 2), 16), g = parseInt(h.slice(2, 4), 16), b = parseInt(h.slice(4, 6), 16);
    return 'rgba(' + r + ',' + g + ',' + b + ',' + alpha + ')';
  }

  var SEVERITY_COLOR = { error: '#dc2626', warning: '#d97706', info: '#2563eb' };
  var NAN_COLOR = '#dc2626';
  var GRID = 'rgba(15,23,42,0.07)';
  var AXIS_TEXT = '#475569';
  var FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif';

  function make(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Joined uPlot data: x, then per curve [raw, smoothed]. Nulls (non-finite, or <= 0 on a log
  // axis) are gaps; points another curve has and this one lacks are undefined and spanned.
  function buildData(model, log) {
    var tables = [], modes = [];
    model.series.forEach(function (s) {
      var ry = log ? s.y.map(function (v) { return v !== null && v > 0 ? v : null; }) : s.y.slice();
      var sx = model.smooth && s.sx ? s.sx : s.x, sy = model.smooth && s.sy ? s.sy : s.y;
      var sm = model.smooth ? tbSmooth(sy, smoothing) : sy.slice();
      if (log) sm = sm.map(function (v) { return v !== null && v > 0 ? v : null; });
      tables.push([s.x, ry]); modes.push([null, 1]);
      tables.push([sx, sm]); modes.push([null, 1]);
    });
    return uPlot.join(tables, modes);
  }

  function xPos(u, x) { return u.valToPos(x, 'x', true); }

  function inPlotX(u, px) { return px >= u.bbox.left - 1 && px <= u.bbox.left + u.bbox.width + 1; }

  function label(ctx, text, x, y, color, align, boxed) {
    var r = pxr();
    ctx.font = '600 ' + Math.round(11 * r) + 'px ' + FONT;
    ctx.textAlign = align || 'left';
    ctx.textBaseline = 'middle';
    if (boxed) {
      var w = ctx.measureText(text).width, pad = 4 * r, h = 16 * r;
      var left = align === 'right' ? x - w - pad : align === 'center' ? x - w / 2 - pad : x - pad;
      ctx.fillStyle = 'rgba(255,255,255,0.88)';
      ctx.fillRect(left, y - h / 2, w + 2 * pad, h);
    }
    ctx.fillStyle = color;
    ctx.fillText(text, x, y);
  }

  function vline(ctx, u, x, color, dash, width) {
    var px = Math.round(xPos(u, x)) + 0.5;
    if (!inPlotX(u, px)) return;
    ctx.save();
    ctx.strokeStyle = color;
    ctx.lineWidth = (width || 1) * pxr();
    ctx.setLineDash(dash.map(function (d) { return d * pxr(); }));
    ctx.beginPath();
    ctx.moveTo(px, u.bbox.top);
    ctx.lineTo(px, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.restore();
  }

  function clipPlot(ctx, u) {
    ctx.beginPath();
    ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
    ctx.clip();
  }

  // Under the curves: finding ranges, NaN stretches, LR drops, trend changes.
  function drawUnder(model) {
    return function (u) {
      var ctx = u.ctx, r = pxr(), top = u.bbox.top, h = u.bbox.height;
      ctx.save();
      clipPlot(ctx, u);
      var ranges = 0;
      model.marks.forEach(function (m) {
        if (m.kind === 'range') {
          var a = xPos(u, m.x), b = xPos(u, m.x2);
          var col = SEVERITY_COLOR[m.severity] || SEVERITY_COLOR.info;
          ctx.fillStyle = rgba(col, 0.08);
          ctx.fillRect(a, top, Math.max(b - a, 2 * r), h);
          ctx.fillStyle = rgba(col, 0.55);
          ctx.fillRect(a, top, Math.max(b - a, 2 * r), 3 * r);
          label(ctx, m.label, Math.max(a, u.bbox.left) + 6 * r, top + (12 + 16 * ranges) * r, col, 'left', true);
          ranges++;
        } else if (m.kind === 'nan') {
          var na = xPos(u, m.x), nb = xPos(u, m.x2);
          ctx.fillStyle = rgba(NAN_COLOR, 0.10);
          ctx.fillRect(na - 1.5 * r, top, Math.max(nb - na, 0) + 3 * r, h);
        } else if (m.kind === 'lrdrop') {
          vline(ctx, u, m.x, 'rgba(71,85,105,0.75)', [5, 4], 1.25);
        } else if (m.kind === 'phase') {
          vline(ctx, u, m.x, rgba(m.color || '#64748b', 0.55), [2, 3], 1);
        }
      });
      ctx.restore();
    };
  }

  // Over the curves: best points, spikes, NaN markers, and the small labels.
  function drawOver(model) {
    return function (u) {
      var ctx = u.ctx, r = pxr(), bottom = u.bbox.top + u.bbox.height;
      ctx.save();
      clipPlot(ctx, u);
      model.marks.forEach(function (m) {
        var px = xPos(u, m.x);
        if (!inPlotX(u, px)) return;
        if (m.kind === 'best' && m.y !== undefined && m.y !== null) {
          var py = u.valToPos(m.y, 'y', true);
          if (!isFinite(py)) return;
          var col = m.color || '#0f172a';
          ctx.beginPath();
          ctx.arc(px, py, 7 * r, 0, 2 * Math.PI);
          ctx.fillStyle = 'rgba(255,255,255,0.9)';
          ctx.fill();
          ctx.lineWidth = 2.5 * r;
          ctx.strokeStyle = col;
          ctx.stroke();
          ctx.beginPath();
          ctx.arc(px, py, 3 * r, 0, 2 * Math.PI);
          ctx.fillStyle = col;
          ctx.fill();
          var right = px > u.bbox.left + u.bbox.width * 0.7;
          var above = py - u.bbox.top > 40 * r;
          label(ctx, '★ ' + m.short, px + (right ? -10 : 10) * r, py + (above ? -18 : 18) * r, col, right ? 'right' : 'left', true);
        } else if (m.kind === 'spike') {
          var sy = m.y !== undefined && m.y !== null ? u.valToPos(m.y, 'y', true) : u.bbox.top + 10 * r;
          if (!isFinite(sy)) sy = u.bbox.top + 10 * r;
          sy = Math.max(u.bbox.top + 10 * r, sy - 9 * r);
          ctx.beginPath();
          ctx.moveTo(px, sy + 5 * r);
          ctx.lineTo(px - 5 * r, sy - 4 * r);
          ctx.lineTo(px + 5 * r, sy - 4 * r);
          ctx.closePath();
          ctx.fillStyle = '#be123c';
          ctx.fill();
        } else if (m.kind === 'nan') {
          var s = 4.5 * r, cy = bottom - 9 * r;
          ctx.strokeStyle = NAN_COLOR;
          ctx.lineWidth = 2 * r;
          ctx.beginPath();
          ctx.moveTo(px - s, cy - s); ctx.lineTo(px + s, cy + s);
          ctx.moveTo(px + s, cy - s); ctx.lineTo(px - s, cy + s);
          ctx.stroke();
          if (m.first) label(ctx, m.short, px + 9 * r, cy, NAN_COLOR, 'left', true);
        } else if (m.kind === 'lrdrop') {
          label(ctx, '↓ ' + L.lrDrop, px + 4 * r, bottom - 24 * r, '#475569', 'left', true);
        }
      });
      ctx.restore();
    };
  }

  function tooltipFor(chart) {
    var tip = chart.tip;
    if (!tip) {
      tip = chart.tip = make('div', 'tip');
      tip.hidden = true;
      chart.plotEl.appendChild(tip);
    }
    return function (u) {
      var idx = u.cursor.idx;
      if (idx === null || idx === undefined || u.cursor.left < 0) { tip.hidden = true; return; }
      var x = u.data[0][idx];
      while (tip.firstChild) tip.removeChild(tip.firstChild);
      tip.appendChild(make('div', 'tip-x', chart.axisWord + ' ' + fmtX(x)));
      var rows = 0;
      chart.model.series.forEach(function (s, i) {
        var rawIdx = 1 + 2 * i, smIdx = 2 + 2 * i;
        if (!u.series[smIdx].show) return;
        var ri = u.cursor.idxs[rawIdx], si = u.cursor.idxs[smIdx];
        var raw = ri === null || ri === undefined ? null : u.data[rawIdx][ri];
        var sm = si === null || si === undefined ? null : u.data[smIdx][si];
        if ((raw === null || raw === undefined) && (sm === null || sm === undefined)) return;
        var row = make('div', 'tip-row');
        var sw = make('span', 'sw');
        sw.style.background = s.color;
        row.appendChild(sw);
        row.appendChild(make('span', 'tip-name', s.name));
        row.appendChild(make('b', 'tip-val', fmt(sm)));
        var rx = ri === null || ri === undefined ? x : u.data[0][ri];
        if (chart.model.smooth) row.appendChild(make('span', 'tip-raw', L.raw + ' ' + fmt(raw) + (rx !== x ? ' @ ' + fmtX(rx) : '')));
        else if (rx !== x) row.appendChild(make('span', 'tip-raw', '@ ' + fmtX(rx)));
        tip.appendChild(row);
        rows++;
      });
      var r = pxr(), cx = xPos(u, x);
      var near = chart.model.marks.filter(function (m) {
        if (m.kind === 'phase' && !m.series) return false;
        var a = xPos(u, m.x), b = m.x2 !== undefined ? xPos(u, m.x2) : a;
        if (m.kind === 'range') return false;
        return cx >= a - 6 * r && cx <= b + 6 * r;
      });
      near.slice(0, 6).forEach(function (m) { tip.appendChild(make('div', 'tip-mark tip-' + m.kind, m.label)); });
      if (!rows && !near.length) { tip.hidden = true; return; }
      tip.hidden = false;
      var left = u.cursor.left + u.over.offsetLeft, topPx = u.cursor.top + u.over.offsetTop;
      var w = tip.offsetWidth, h = tip.offsetHeight, W = chart.plotEl.clientWidth;
      tip.style.left = (left + 14 + w > W ? Math.max(0, left - 14 - w) : left + 14) + 'px';
      tip.style.top = Math.max(0, Math.min(topPx - h / 2, chart.plotEl.clientHeight - h)) + 'px';
    };
  }

  // One notation per axis: exponents when the largest tick is tiny or huge, decimals otherwise.
  function yValues(log) {
    return function (u, splits) {
      var max = 0;
      splits.forEach(function (v) { if (v !== null && isFinite(v)) max = Math.max(max, Math.abs(v)); });
      var exp = max >= 1e5 || (max > 0 && max < 1e-3);
      return splits.map(function (v) {
        if (v === null || v === undefined) return '';
        if (log) {
          var e = Math.log10(v);
          if (Math.abs(e - Math.round(e)) > 1e-6) return '';
          return Math.abs(e) >= 4 ? '1e' + Math.round(e) : String(Number(v.toPrecision(3)));
        }
        if (exp && v !== 0) return v.toExponential(1).replace('e+', 'e');
        return String(Number(v.toPrecision(6)));
      });
    };
  }

  var EPOCH_INCRS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

  function optsFor(chart, width) {
    var model = chart.model, log = chart.log;
    var series = [{ label: chart.axisWord }];
    model.series.forEach(function (s, i) {
      var visible = chart.visible[i];
      var faint = model.smooth ? (s.dots ? 0.35 : 0.28) : 0;
      series.push({
        label: s.name + ' (' + L.raw + ')',
        stroke: rgba(s.color, faint),
        width: 1,
        show: visible,
        points: { show: model.smooth && s.dots, size: 5, width: 0, fill: rgba(s.color, 0.45), stroke: rgba(s.color, 0) },
      });
      series.push({
        label: s.name,
        stroke: s.color,
        width: 2.25,
        dash: s.dash,
        show: visible,
        points: { show: false },
      });
    });
    var axis = {
      stroke: AXIS_TEXT,
      font: '12px ' + FONT,
      labelFont: '600 12px ' + FONT,
      grid: { stroke: GRID, width: 1 },
      ticks: { stroke: GRID, width: 1, size: 4 },
    };
    return {
      width: width,
      height: chart.height,
      series: series,
      legend: { show: false },
      cursor: { points: { size: 7, width: 2 }, drag: { x: true, y: false, setScale: true } },
      scales: {
        x: { time: false },
        y: log ? { distr: 3, log: 10 } : { auto: true },
      },
      axes: [
        // Epochs are whole numbers: ticks only at whole epochs.
        Object.assign({}, axis, { label: chart.axisWord, labelSize: 22, size: 36 }, chart.epochAxis ? { incrs: EPOCH_INCRS } : {}),
        Object.assign({}, axis, { size: 62, values: yValues(log) }),
      ],
      hooks: {
        drawClear: [drawUnder(model)],
        draw: [drawOver(model)],
        setCursor: [chart.onCursor],
      },
    };
  }

  function render(chart) {
    if (chart.u) chart.u.destroy();
    var width = Math.max(280, chart.plotEl.clientWidth);
    chart.onCursor = tooltipFor(chart);
    chart.u = new uPlot(optsFor(chart, width), buildData(chart.model, chart.log), chart.plotEl);
  }

  function legend(chart) {
    var box = chart.root.querySelector('[data-legend]');
    chart.model.series.forEach(function (s, i) {
      var item = make('button', 'lg');
      item.type = 'button';
      item.setAttribute('aria-pressed', 'true');
      var sw = make('span', 'lg-sw');
      // A dashed curve gets a dashed swatch: same hue as its solid train twin.
      sw.style.background = s.dash ? 'repeating-linear-gradient(90deg,' + s.color + ' 0 4px,transparent 4px 6px)' : s.color;
      item.appendChild(sw);
      item.appendChild(make('span', 'lg-name', s.name));
      if (s.primary) item.appendChild(make('span', 'lg-role lg-' + s.primary, s.primary));
      item.addEventListener('click', function () {
        chart.visible[i] = !chart.visible[i];
        item.setAttribute('aria-pressed', String(chart.visible[i]));
        item.classList.toggle('off', !chart.visible[i]);
        chart.u.setSeries(1 + 2 * i, { show: chart.visible[i] });
        chart.u.setSeries(2 + 2 * i, { show: chart.visible[i] });
      });
      box.appendChild(item);
    });
  }

  DATA.runs.forEach(function (run) {
    run.charts.forEach(function (model) {
      var root = document.getElementById(model.id);
      if (!root) return;
      model.marks.forEach(function (m) {
        var at = m.label.lastIndexOf(' @ ');
        m.short = m.label;
        if (m.kind === 'best') m.short = L.best + ' ' + fmt4(m.y) + ' @ ' + fmtX(m.x);
        if (m.kind === 'nan') m.short = m.label.slice(m.label.indexOf(': ') + 2, at > 0 ? at : undefined);
      });
      // Keyed by series names from the log: no prototype (a series named "constructor" is not already seen).
      var seen = Object.create(null);
      model.marks.forEach(function (m) {
        if (m.kind === 'nan' && !seen[m.series]) { m.first = true; seen[m.series] = true; }
      });
      var chart = {
        model: model,
        root: root,
        plotEl: root.querySelector('[data-plot]'),
        log: model.log,
        height: model.family === 'loss' ? 340 : 260,
        visible: model.series.map(function () { return true; }),
        u: null,
        tip: null,
        axisWord: run.axisWord,
        epochAxis: run.axis === 'epoch',
      };
      legend(chart);
      var toggle = root.querySelector('[data-log]');
      if (toggle) {
        toggle.checked = chart.log;
        toggle.disabled = !model.canLog;
        toggle.addEventListener('change', function () { chart.log = toggle.checked; render(chart); });
      }
      render(chart);
      charts.push(chart);
    });
  });

  var slider = document.getElementById('smoothing');
  var out = document.getElementById('smoothing-value');
  if (slider) {
    slider.value = String(smoothing);
    slider.addEventListener('input', function () {
      smoothing = Number(slider.value);
      if (out) out.textContent = smoothing.toFixed(3).replace(/0+$/, '').replace(/\.$/, '.0');
      charts.forEach(function (c) { c.u.setData(buildData(c.model, c.log), false); c.u.redraw(); });
    });
  }

  var pending = 0;
  window.addEventListener('resize', function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      charts.forEach(function (c) {
        var w = Math.max(280, c.plotEl.clientWidth);
        if (w !== c.u.width) c.u.setSize({ width: w, height: c.height });
      });
    });
  });
  document.documentElement.classList.add('charts-ready');
})();
`;
