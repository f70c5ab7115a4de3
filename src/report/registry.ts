import type { CompareResult } from '../compare/model.ts';
import { UserError } from '../errors.ts';
import type { CapacityDocument } from '../model/capacity.ts';
import type { RunResult } from '../model/result.ts';
import type { TuneJson } from '../tune/document.ts';
import { renderCapacityHtml } from './capacity/html.ts';
import { renderCapacityMarkdown } from './capacity/markdown.ts';
import { renderCapacityTerminal } from './capacity/terminal.ts';
import { renderCompareHtml } from './compare/html.ts';
import { renderCompareJunit } from './compare/junit.ts';
import { renderCompareMarkdown } from './compare/markdown.ts';
import { renderCsv } from './run/csv.ts';
import { renderRunHtml } from './run/html.ts';
import { renderJson } from './run/json.ts';
import { renderJunit } from './run/junit.ts';
import { renderMarkdown } from './run/markdown.ts';
import { renderTerminal } from './run/terminal.ts';
import { renderTuneHtml } from './tune/html.ts';
import { renderTuneMarkdown } from './tune/markdown.ts';

/**
 * Every rendering of every document, in one explicit table keyed by document kind and format (no
 * registration by import side effect). To add a format: write src/report/<kind>/<format>.ts exporting a
 * pure `(document, options) => string`, and add a row here.
 */

export interface ReporterOptions {
  /** ANSI colour, for reporters that print to a terminal. */
  color?: boolean;
  /** tune.md: table rows per ranking (default 15). */
  top?: number;
}

export interface Reporter<D> {
  name: string;
  /** File written into the output folder; undefined for reporters that print (terminal). */
  fileName: string | undefined;
  description: string;
  render(doc: D, options?: ReporterOptions): string;
}

export interface Documents {
  run: RunResult;
  compare: CompareResult;
  tune: TuneJson;
  capacity: CapacityDocument;
}
export type DocumentKind = keyof Documents;

const json = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;

/** Added to REPORTERS below (kept apart so the table above stays one kind per block). */
const CAPACITY_REPORTERS: Readonly<Record<string, Reporter<CapacityDocument>>> = {
  json: {
    name: 'json',
    fileName: 'capacity.json',
    description: 'the knee, the scale sweep and the OODA side, every step linked (atombench/capacity@1)',
    render: json,
  },
  md: {
    name: 'md',
    fileName: 'capacity.md',
    description: 'Markdown: the knee, the steps, the sweep with its fits, the OODA side',
    render: renderCapacityMarkdown,
  },
  html: {
    name: 'html',
    fileName: 'capacity.html',
    description: 'self-contained page with the capacity curves (opens offline)',
    render: renderCapacityHtml,
  },
  terminal: {
    name: 'terminal',
    fileName: undefined,
    description: 'the steps and the answer, for the terminal',
    render: renderCapacityTerminal,
  },
};

/**
 * File names differ between kinds (summary.md vs compare.md), so `run --baseline` can write a run's
 * and a comparison's reports into one folder.
 */
export const REPORTERS: { readonly [K in DocumentKind]: Readonly<Record<string, Reporter<Documents[K]>>> } = {
  run: {
    json: {
      name: 'json',
      fileName: 'result.json',
      description: 'the full result (atombench/result@1)',
      render: renderJson,
    },
    md: {
      name: 'md',
      fileName: 'summary.md',
      description: 'Markdown summary for a pull request',
      render: renderMarkdown,
    },
    junit: {
      name: 'junit',
      fileName: 'junit.xml',
      description: 'JUnit XML, one testcase per target',
      render: renderJunit,
    },
    csv: {
      name: 'csv',
      fileName: 'timeseries.csv',
      description: 'per-interval time series',
      render: renderCsv,
    },
    html: {
      name: 'html',
      fileName: 'report.html',
      description: 'self-contained HTML page with charts (opens offline, e.g. from a CI artifact)',
      render: renderRunHtml,
    },
    terminal: {
      name: 'terminal',
      fileName: undefined,
      description: 'compact table for the terminal',
      render: (r, o) => renderTerminal(r, { color: o?.color ?? false }),
    },
  },
  compare: {
    md: {
      name: 'md',
      fileName: 'compare.md',
      description: 'Markdown for a pull request or job summary',
      render: renderCompareMarkdown,
    },
    junit: {
      name: 'junit',
      fileName: 'compare-junit.xml',
      description: 'JUnit XML, one testcase per gated metric',
      render: renderCompareJunit,
    },
    html: {
      name: 'html',
      fileName: 'compare.html',
      description: 'self-contained page with the change of each metric and its interval',
      render: renderCompareHtml,
    },
    json: {
      name: 'json',
      fileName: 'compare.json',
      description: 'the full comparison (atombench/compare@1)',
      render: json,
    },
  },
  tune: {
    json: {
      name: 'json',
      fileName: 'tune.json',
      description: 'the ranking and what was measured (atombench/tune@1)',
      render: json,
    },
    md: {
      name: 'md',
      fileName: 'tune.md',
      description: 'Markdown tables with the findings',
      render: (t, o) => renderTuneMarkdown(t, { top: o?.top }),
    },
    html: {
      name: 'html',
      fileName: 'tune.html',
      description: 'self-contained page with the ranking charts',
      render: (t) => renderTuneHtml(t),
    },
  },
  capacity: CAPACITY_REPORTERS,
};

/** The formats `report` writes for a document when --format is not given. */
export const DEFAULT_FORMATS: { readonly [K in DocumentKind]: readonly string[] } = {
  run: ['md', 'junit', 'csv', 'html'],
  compare: ['md', 'junit', 'html'],
  tune: ['md', 'html'],
  capacity: ['md', 'html'],
};

export function formatNames(kind: DocumentKind): string[] {
  return Object.keys(REPORTERS[kind]);
}

/** The reporter of `kind` called `name`; an unknown name is a user error listing the valid ones. */
export function reporterFor<K extends DocumentKind>(kind: K, name: string): Reporter<Documents[K]> {
  const table = REPORTERS[kind] as Readonly<Record<string, Reporter<Documents[K]>>>;
  const r = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!r) throw new UserError(`unknown report format "${name}"; valid: ${formatNames(kind).join(', ')}`);
  return r;
}

/** Parse `md,junit,json` for `kind`; unknown names are one UserError naming the flag and the valid ones. */
export function parseFormats(kind: DocumentKind, list: string, flag = '--format'): string[] {
  const formats = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = formats.filter((f) => !Object.hasOwn(REPORTERS[kind], f));
  if (unknown.length)
    throw new UserError(
      `${flag}: unknown format(s) ${unknown.join(', ')}; valid: ${formatNames(kind).join(', ')}`,
    );
  return formats;
}
