/**
 * The report's stylesheet: a light and a dark theme chosen by prefers-color-scheme, as CSS custom
 * properties. The chart colours live here too (--chart-*), and bootstrap.js reads them when it draws, so
 * the charts follow the same theme as the tables. Layout: the verdict and the target table first, then the
 * charts two to a row on wide screens, so both land above the fold of a laptop screen.
 */
export const THEME_CSS = `
:root {
  color-scheme: light dark;
  --bg: #f7f8fa; --card: #ffffff; --fg: #1b1f24; --muted: #5b6470; --line: #d8dde3;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #c62828; --fail-bg: #ffe3e0; --na: #8a6100; --na-bg: #fff3c4;
  --warn-bg: #fff1c2; --warn-fg: #5c4400; --warn-line: #e0b400;
  --chart-c0: #1f6feb; --chart-c1: #e07b00; --chart-c2: #0f9d58; --chart-c3: #8e44ad;
  --chart-c4: #00838f; --chart-c5: #c2185b; --chart-c6: #6d7a00; --chart-c7: #7f5539;
  --chart-error: #d32f2f; --chart-threshold: #b42318;
  --chart-pass: #1a7f37; --chart-fail: #d32f2f; --chart-neutral: #8c959f;
  --chart-axis: #5b6470; --chart-grid: rgba(0, 0, 0, 0.08); --chart-warmup: rgba(110, 120, 140, 0.14);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1318; --card: #171c22; --fg: #e6e9ed; --muted: #9aa4b0; --line: #2c333c;
    --pass: #4ac26b; --pass-bg: #12361f; --fail: #ff7b72; --fail-bg: #4a1614; --na: #e3b341; --na-bg: #3d2e00;
    --warn-bg: #3d2e00; --warn-fg: #f5d77a; --warn-line: #9e7700;
    --chart-c0: #58a6ff; --chart-c1: #ffa657; --chart-c2: #3fb950; --chart-c3: #d2a8ff;
    --chart-c4: #39c5cf; --chart-c5: #ff7b9c; --chart-c6: #c9d36a; --chart-c7: #d4a373;
    --chart-error: #ff6b6b; --chart-threshold: #ff8f70;
    --chart-pass: #4ac26b; --chart-fail: #ff6b6b; --chart-neutral: #6e7781;
    --chart-axis: #9aa4b0; --chart-grid: rgba(255, 255, 255, 0.09); --chart-warmup: rgba(200, 205, 220, 0.11);
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
}
main { max-width: 1480px; margin: 0 auto; padding: 12px 20px 40px; }
h1 { font-size: 20px; margin: 0; }
h2 { font-size: 16px; margin: 16px 0 6px; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
pre { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow-x: auto; white-space: pre-wrap; }
.verdict-bar { display: flex; align-items: center; gap: 16px; padding: 8px 14px; border-radius: 8px;
  background: var(--card); border: 1px solid var(--line); border-left: 8px solid var(--na); }
.verdict-bar.pass { border-left-color: var(--pass); }
.verdict-bar.fail { border-left-color: var(--fail); }
.verdict-bar.info { border-left-color: var(--chart-c0); }
.verdict-bar.info .verdict { background: color-mix(in srgb, var(--chart-c0) 15%, transparent); color: var(--chart-c0); }
.verdict-bar p { margin: 2px 0 0; }
.verdict { font-size: 26px; font-weight: 800; letter-spacing: 0.04em; padding: 4px 14px; border-radius: 6px; background: var(--na-bg); color: var(--na); }
.verdict-bar.pass .verdict { background: var(--pass-bg); color: var(--pass); }
.verdict-bar.fail .verdict { background: var(--fail-bg); color: var(--fail); }
.band { margin: 8px 0 0; padding: 8px 12px; border-radius: 6px; border: 1px solid var(--warn-line);
  background: repeating-linear-gradient(135deg, var(--warn-bg) 0 14px, transparent 14px 28px), var(--warn-bg); color: var(--warn-fg); }
.badge { display: inline-block; min-width: 3.2em; text-align: center; font-size: 11px; font-weight: 700; padding: 1px 6px; border-radius: 4px; background: var(--na-bg); color: var(--na); }
.badge.pass { background: var(--pass-bg); color: var(--pass); }
.badge.fail { background: var(--fail-bg); color: var(--fail); }
.top { display: grid; grid-template-columns: minmax(0, 1fr) 270px; gap: 0 14px; }
@media (max-width: 980px) { .top { grid-template-columns: minmax(0, 1fr); } }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 6px; margin: 4px 0 8px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
#charts { margin-top: 14px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 5px 10px;
  display: grid; grid-template-columns: minmax(0, 1fr) auto; align-items: baseline; gap: 0 8px; }
.tile .bar, .tile-detail { grid-column: 1 / -1; }
.tile.fail { border-color: var(--fail); }
.tile-label { font-size: 12px; color: var(--muted); }
.tile-value { font-size: 17px; font-weight: 700; white-space: nowrap; }
.tile-value .badge { vertical-align: middle; }
.tile-detail { font-size: 11.5px; color: var(--muted); }
.bar { height: 4px; background: var(--line); border-radius: 2px; margin: 3px 0; overflow: hidden; }
.bar span { display: block; height: 100%; background: var(--chart-c0); }
.tile.pass .bar span { background: var(--pass); }
.tile.fail .bar span { background: var(--fail); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line); border-radius: 6px; margin: 4px 0 8px; }
caption { caption-side: bottom; text-align: left; font-size: 12px; color: var(--muted); padding: 3px 2px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 700; }
table.kv { width: auto; min-width: 50%; }
table.targets td { font-size: 13px; }
table.targets td:nth-child(n + 2):nth-child(-n + 5) { white-space: nowrap; }
tr.fail td:first-child { box-shadow: inset 3px 0 0 var(--fail); }
table:not(.targets) tr.pass td:first-child { box-shadow: inset 3px 0 0 var(--pass); }
tr.current td { background: color-mix(in srgb, var(--chart-c1) 12%, transparent); }
.source { font-size: 11.5px; color: var(--muted); }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 4px 16px; margin: 4px 0 8px; }
.facts div { display: flex; gap: 8px; }
.facts dt { color: var(--muted); min-width: 12em; }
.facts dd { margin: 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 12px; }
.chart-card { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; min-width: 0; }
.chart-card figcaption { font-weight: 600; margin-bottom: 4px; }
.chart { width: 100%; }
.note { font-size: 12px; color: var(--muted); margin: 4px 0 0; }
.missing { font-size: 13px; color: var(--muted); }
.uplot { width: 100%; color: var(--fg); }
.u-legend { font-size: 12px; }
.u-legend .u-series > * { padding: 1px 4px; }
footer { margin-top: 28px; font-size: 12px; color: var(--muted); }
`;
