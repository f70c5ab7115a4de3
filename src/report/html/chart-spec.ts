import { esc } from './markup.ts';

/**
 * The declarative chart description the pages embed as JSON and bootstrap.js hands to uPlot. Specs are
 * plain data (no functions), built by pure functions and unit-tested; everything that needs the browser
 * (colours from the theme, axis label formatting, the warm-up shading) is chosen in bootstrap.js by the
 * names used here.
 */

/** How an axis formats its values; bootstrap.js has one formatter per kind. */
export type AxisKind = 'sec' | 'ms' | 'count' | 'rate' | 'ratio' | 'change' | 'percentile' | 'category';

export interface AxisSpec {
  label: string;
  kind: AxisKind;
  /** Base-10 log scale (every value must then be > 0 or null). */
  log?: boolean;
  /** Start the axis at 0 even when the data starts later (time axes, counts). */
  fromZero?: boolean;
}

/** Palette slots c0..c7 and the named roles defined in theme.ts as --chart-<name>. */
export type ChartColor =
  'c0' | 'c1' | 'c2' | 'c3' | 'c4' | 'c5' | 'c6' | 'c7' | 'error' | 'threshold' | 'pass' | 'fail' | 'neutral';

export const PALETTE: readonly ChartColor[] = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];

export interface SeriesSpec {
  label: string;
  color: ChartColor;
  /** 'y' (left, default) or 'y2' (right). */
  axis?: 'y' | 'y2';
  /** Default: a line with points where they fit; 'line' never draws points; 'points' draws only markers. */
  style?: 'line' | 'bars' | 'points';
  /** Bars only: -1 left of the x position, 1 right of it, for two series side by side (default centred). */
  barAlign?: -1 | 1;
  /** Bars only: a colour per data point (e.g. by verdict); null keeps the series colour. */
  fills?: (ChartColor | null)[];
  /** Dashed: thresholds and other reference lines. */
  dash?: boolean;
}

export interface ShadeSpec {
  from: number;
  to: number;
  label: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** One sentence under the chart: what is plotted, and what is not (and why). */
  note?: string;
  x: AxisSpec;
  y: AxisSpec;
  y2?: AxisSpec;
  series: SeriesSpec[];
  /** Columnar, uPlot's layout: data[0] are the x values, data[i + 1] the values of series[i]; null is a gap. */
  data: (number | null)[][];
  /** x ranges shaded behind the series (warm-up). */
  shade?: ShadeSpec[];
  /** Category charts (x kind 'category'): the label of x = 0, 1, 2..., on the axis and in the legend. */
  xLabels?: string[];
}

/** True when at least one series has a value: a chart of nothing is replaced by its reason. */
export function hasPoints(spec: ChartSpec): boolean {
  return spec.data.slice(1).some((col) => col.some((v) => v !== null));
}

/** A horizontal reference line across the chart (a target threshold) as one more, dashed series. */
export function thresholdSeries(
  xs: readonly number[],
  value: number,
  label: string,
): { series: SeriesSpec; values: number[] } {
  return { series: { label, color: 'threshold', dash: true }, values: xs.map(() => value) };
}

/**
 * The figure a chart is drawn into. Without JavaScript the figure keeps its title and note and says where
 * the numbers are, so the page still reads top to bottom.
 */
export function figureHtml(spec: ChartSpec, fallback: string): string {
  const note = spec.note ? `\n<p class="note">${esc(spec.note)}</p>` : '';
  return (
    `<figure class="chart-card" id="fig-${esc(spec.id)}">\n<figcaption>${esc(spec.title)}</figcaption>\n` +
    `<div class="chart" data-chart="${esc(spec.id)}" role="img" aria-label="${esc(spec.title)}"></div>\n` +
    `<noscript><p class="note">Charts need JavaScript. ${esc(fallback)}</p></noscript>${note}\n</figure>`
  );
}
