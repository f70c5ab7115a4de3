import { createHash } from 'node:crypto';
import { reportAssets } from './assets.ts';
import type { ChartSpec } from './chart-spec.ts';
import { esc, jsonForScript } from './markup.ts';
import { THEME_CSS } from './theme.ts';

/**
 * The page shell shared by the run, compare and tune reports: one self-contained file. Styles, the chart
 * library, the chart data and the bootstrap are inlined; a Content-Security-Policy with `default-src
 * 'none'` forbids every fetch, so the page provably works from a CI artifact with no network, and only the
 * two inlined scripts (allowed by their hashes) can run.
 */

export interface PageInput {
  title: string;
  /** Server-rendered body (already escaped markup). */
  body: string;
  charts: readonly ChartSpec[];
  /** One line in the footer, e.g. "Rendered from result.json (atombench/result@1)". */
  footer: string;
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function renderPage(p: PageInput): string {
  const a = reportAssets();
  const scripts = p.charts.length > 0 ? [a.chartJs, a.bootstrapJs] : [];
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.length > 0 ? scripts.map(sha256).join(' ') : "'none'"}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const tail =
    scripts.length > 0
      ? [
          `<script type="application/json" id="atombench-charts">${jsonForScript(p.charts)}</script>`,
          ...scripts.map((s) => `<script>${s}</script>`),
        ]
      : [];
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${esc(p.title)}</title>`,
    `<style>${a.chartCss}\n${THEME_CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    p.body,
    `<footer>${esc(p.footer)} · charts: ${esc(a.chartLibrary)}, drawn from data embedded in this file; every number is also in the tables.</footer>`,
    '</main>',
    ...tail,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
