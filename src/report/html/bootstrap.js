/* global uPlot, document, window, getComputedStyle, matchMedia, devicePixelRatio */
/**
 * atombench report: draws the charts described in <script id="atombench-charts" type="application/json">
 * (specs built by src/report/html/*-charts.ts) with uPlot, which the page inlines before this script.
 * Progressive enhancement only: every number is also in a server-rendered table. Colours come from the
 * theme's CSS custom properties, so the charts are redrawn when prefers-color-scheme changes.
 * Instances are exposed as window.atombenchCharts[id] for the browser test.
 */
(function () {
  'use strict';
  var root = document.documentElement;
  var dataEl = document.getElementById('atombench-charts');
  var specs = dataEl ? JSON.parse(dataEl.textContent || '[]') : [];
  var charts = {};
  window.atombenchCharts = charts;

  function css(name) {
    return getComputedStyle(root)
      .getPropertyValue('--' + name)
      .trim();
  }
  function alpha(color, a) {
    var m = /^#([0-9a-f]{6})$/i.exec(color);
    if (!m) return color;
    var n = parseInt(m[1], 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }
  function num(v) {
    if (v === 0) return '0';
    var abs = Math.abs(v);
    if (abs >= 1000) return Math.round(v).toLocaleString('en-US');
    return String(Number(v.toPrecision(abs < 1 ? 2 : 3)));
  }
  function pctOfX(x, digits) {
    return (100 - 100 / x).toFixed(digits) + '%';
  }
  // One formatter per AxisKind of chart-spec.ts: [axis tick label, legend value].
  var FORMAT = {
    sec: [
      num,
      function (v) {
        return v.toFixed(1) + ' s';
      },
    ],
    ms: [
      num,
      function (v) {
        return num(v) + ' ms';
      },
    ],
    count: [num, num],
    rate: [
      num,
      function (v) {
        return num(v) + '/s';
      },
    ],
    ratio: [
      function (v) {
        return Math.round(v * 100) + '%';
      },
      function (v) {
        return (v * 100).toFixed(1) + '%';
      },
    ],
    change: [
      function (v) {
        return (v > 0 ? '+' : '') + Math.round(v * 100) + '%';
      },
      function (v) {
        return (v > 0 ? '+' : '') + (v * 100).toFixed(1) + '%';
      },
    ],
    percentile: [
      function (x) {
        return pctOfX(x, Math.max(0, Math.round(Math.log10(x)) - 2));
      },
      function (x) {
        return pctOfX(x, 3);
      },
    ],
    category: [num, num],
  };
  function fmt(kind, which) {
    return (FORMAT[kind] || FORMAT.count)[which];
  }

  function scale(axis) {
    var s = { distr: axis.log ? 3 : 1, log: 10 };
    if (axis.kind === 'category')
      s.range = function (_u, min, max) {
        return [min - 0.5, max + 0.5];
      };
    if (axis.fromZero && !axis.log)
      s.range = function (_u, _min, max) {
        return [0, max > 0 ? max * 1.06 : 1];
      };
    return s;
  }

  function axisOpts(axis, scaleKey, side, spec) {
    var tick = fmt(axis.kind, 0);
    var a = {
      scale: scaleKey,
      side: side,
      label: axis.label,
      labelSize: 16,
      labelGap: 0,
      size: side === 2 ? 28 : side === 1 ? 44 : 52,
      labelFont: '12px system-ui, sans-serif',
      font: '11px system-ui, sans-serif',
      stroke: css('chart-axis'),
      grid: { show: side !== 1, stroke: css('chart-grid'), width: 1 },
      ticks: { stroke: css('chart-grid'), width: 1 },
      values: function (_u, splits) {
        return splits.map(function (v) {
          return v == null ? '' : tick(v);
        });
      },
    };
    if (axis.kind === 'percentile')
      a.splits = function (_u, _i, min, max) {
        var out = [];
        for (var x = 1; x <= max * 1.0001; x *= 10) if (x >= min / 1.0001) out.push(x);
        return out;
      };
    if (axis.kind === 'category' && spec.xLabels) {
      var labels = spec.xLabels;
      a.splits = function () {
        return labels.map(function (_l, i) {
          return i;
        });
      };
      a.values = function (_u, splits) {
        return splits.map(function (i) {
          return labels[i] || '';
        });
      };
      a.rotate = -35;
      a.size = 110;
      a.gap = 2;
    }
    return a;
  }

  // Warm-up (and any other x range) shaded behind the series, labelled at its top left.
  function shadePlugin(ranges) {
    return {
      hooks: {
        drawClear: [
          function (u) {
            if (!ranges || ranges.length === 0) return;
            var ctx = u.ctx;
            var dpr = devicePixelRatio || 1;
            var left = u.bbox.left;
            var right = u.bbox.left + u.bbox.width;
            ranges.forEach(function (r) {
              var x0 = Math.max(left, u.valToPos(r.from, 'x', true));
              var x1 = Math.min(right, u.valToPos(r.to, 'x', true));
              if (!(x1 > x0)) return;
              ctx.save();
              ctx.fillStyle = css('chart-warmup');
              ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
              ctx.fillStyle = css('chart-axis');
              ctx.font = Math.round(11 * dpr) + 'px system-ui, sans-serif';
              ctx.textBaseline = 'top';
              ctx.fillText(r.label, x0 + 4 * dpr, u.bbox.top + 4 * dpr);
              ctx.restore();
            });
          },
        ],
      },
    };
  }

  function seriesOpts(s, spec) {
    var color = css('chart-' + s.color);
    var yAxis = s.axis === 'y2' ? spec.y2 : spec.y;
    var o = {
      label: s.label,
      scale: s.axis === 'y2' ? 'y2' : 'y',
      stroke: color,
      width: s.dash ? 1.25 : 1.75,
      spanGaps: false,
      value: function (_u, v) {
        return v == null ? '–' : fmt(yAxis.kind, 1)(v);
      },
    };
    if (s.dash) {
      o.dash = [6, 4];
      o.points = { show: false };
    }
    if (s.style === 'bars') {
      // Fill only: a bar of height 0 (an interval without errors) then draws nothing.
      var bars = { size: [s.barAlign ? 0.4 : 0.6, 40], align: s.barAlign || 0 };
      if (s.fills) {
        var fills = s.fills.map(function (c) {
          return alpha(c ? css('chart-' + c) : color, 0.75);
        });
        bars.disp = {
          fill: {
            unit: 3,
            values: function () {
              return fills;
            },
          },
        };
      }
      o.paths = uPlot.paths.bars(bars);
      o.fill = alpha(color, 0.6);
      o.width = 0;
      o.points = { show: false };
    }
    if (s.style === 'points') {
      o.paths = function () {
        return null;
      };
      o.points = { show: true, size: 8, fill: color };
    }
    if (s.style === 'line') o.points = { show: false };
    return o;
  }

  function options(spec, width) {
    var xValue = fmt(spec.x.kind, 1);
    var opts = {
      width: width,
      height: spec.x.kind === 'category' ? 340 : 250,
      scales: { x: Object.assign(scale(spec.x), { time: false }), y: scale(spec.y) },
      axes: [axisOpts(spec.x, 'x', 2, spec), axisOpts(spec.y, 'y', 3, spec)],
      series: [
        {
          label: spec.x.label,
          value: function (_u, v) {
            if (v == null) return '–';
            if (spec.xLabels && spec.xLabels[v] !== undefined) return spec.xLabels[v];
            return xValue(v);
          },
        },
      ].concat(
        spec.series.map(function (s) {
          return seriesOpts(s, spec);
        }),
      ),
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      plugins: [shadePlugin(spec.shade)],
    };
    // Rotated category labels reach right of the last bar: leave them room.
    if (spec.x.kind === 'category') opts.padding = [8, spec.y2 ? 8 : 40, 0, 0];
    if (spec.y2) {
      opts.scales.y2 = scale(spec.y2);
      opts.axes.push(axisOpts(spec.y2, 'y2', 1, spec));
    }
    return opts;
  }

  function renderAll() {
    Object.keys(charts).forEach(function (id) {
      charts[id].destroy();
      delete charts[id];
    });
    specs.forEach(function (spec) {
      var el = document.querySelector('[data-chart="' + spec.id + '"]');
      if (!el) return;
      el.textContent = '';
      try {
        charts[spec.id] = new uPlot(options(spec, Math.max(280, el.clientWidth)), spec.data, el);
      } catch (e) {
        el.textContent = 'This chart could not be drawn: ' + e;
        console.error('atombench chart ' + spec.id + ': ' + e);
      }
    });
  }

  function resize() {
    Object.keys(charts).forEach(function (id) {
      var u = charts[id];
      var el = u.root.parentElement;
      if (el && el.clientWidth > 0 && Math.abs(el.clientWidth - u.width) > 1)
        u.setSize({ width: Math.max(280, el.clientWidth), height: u.height });
    });
  }

  root.classList.add('js');
  renderAll();
  var resizeTimer = 0;
  window.addEventListener('resize', function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(resize, 100);
  });
  var dark = matchMedia('(prefers-color-scheme: dark)');
  if (dark.addEventListener) dark.addEventListener('change', renderAll);
  window.atombenchReady = true;
})();
