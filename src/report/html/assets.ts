import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The files a report inlines: uPlot's minified bundle and stylesheet (from node_modules, the version
 * package.json pins) and the page's own bootstrap.js. Read once per process and cached; the renderers stay
 * pure apart from this one read of files that ship with atombench.
 */

export interface ReportAssets {
  chartJs: string;
  chartCss: string;
  bootstrapJs: string;
  /** e.g. "uPlot 1.6.32", printed in the page's footer. */
  chartLibrary: string;
}

let cached: ReportAssets | undefined;

/** A script's text must not contain "</script" (it would end the element early): fail loudly if it does. */
function inlineSafe(name: string, text: string): string {
  if (/<\/script/i.test(text) || /<!--/.test(text))
    throw new Error(`${name} cannot be inlined: it contains </script or <!--`);
  return text;
}

export function reportAssets(): ReportAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const read = (spec: string): string => readFileSync(require.resolve(spec), 'utf8');
  const version = (JSON.parse(read('uplot/package.json')) as { version: string }).version;
  cached = {
    chartJs: inlineSafe('uPlot', read('uplot/dist/uPlot.iife.min.js')),
    chartCss: read('uplot/dist/uPlot.min.css'),
    bootstrapJs: inlineSafe(
      'bootstrap.js',
      readFileSync(fileURLToPath(new URL('./bootstrap.js', import.meta.url)), 'utf8'),
    ),
    chartLibrary: `uPlot ${version}`,
  };
  return cached;
}
