import { UserError } from '../errors.ts';
import { renderCsv } from './run/csv.ts';
import { renderRunHtml } from './run/html.ts';
import { renderJson } from './run/json.ts';
import { renderJunit } from './run/junit.ts';
import { renderMarkdown } from './run/markdown.ts';
import type { RunResult } from '../model/result.ts';
import { renderTerminal } from './run/terminal.ts';

/**
 * Every reporter, by name, in one explicit table (no registration by import side effect). To add one:
 * write src/report/<name>.ts exporting a pure `(RunResult, options) => string`, and add a row here.
 */

export interface ReporterOptions {
  /** ANSI colour, for reporters that print to a terminal. */
  color?: boolean;
}

export interface Reporter {
  name: string;
  /** File written into the run's output folder; undefined for reporters that print (terminal). */
  fileName: string | undefined;
  description: string;
  render(result: RunResult, options?: ReporterOptions): string;
}

export const REPORTERS: Readonly<Record<string, Reporter>> = {
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
};

export const REPORTER_NAMES: readonly string[] = Object.keys(REPORTERS);

/** The reporter called `name`; an unknown name is a user error listing the valid ones. */
export function reporterFor(name: string): Reporter {
  const r = Object.hasOwn(REPORTERS, name) ? REPORTERS[name] : undefined;
  if (!r) throw new UserError(`unknown report format "${name}"; valid: ${REPORTER_NAMES.join(', ')}`);
  return r;
}
