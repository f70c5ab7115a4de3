import { UserError } from '../../errors.ts';
import { renderCompareHtml } from './html.ts';
import { renderCompareJunit } from './junit.ts';
import { renderCompareMarkdown } from './markdown.ts';
import type { CompareResult } from '../../compare/model.ts';

/**
 * compare's reporters, by name, in one explicit table: a pure CompareResult -> string each, and the file
 * it is written to. File names differ from the run's (summary.md, junit.xml), so `run --baseline` can
 * write both into the same folder.
 */
export interface CompareReporter {
  name: string;
  fileName: string;
  description: string;
  render(r: CompareResult): string;
}

export const COMPARE_REPORTERS: Readonly<Record<string, CompareReporter>> = {
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
    render: (r) => `${JSON.stringify(r, null, 2)}\n`,
  },
};

export const COMPARE_FORMATS: readonly string[] = Object.keys(COMPARE_REPORTERS);

/** Parse `md,junit,json`; unknown names are one UserError naming the flag and the valid ones. */
export function compareFormats(list: string, flag = '--format'): string[] {
  const formats = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = formats.filter((f) => !Object.hasOwn(COMPARE_REPORTERS, f));
  if (unknown.length)
    throw new UserError(
      `${flag}: unknown format(s) ${unknown.join(', ')}; valid: ${COMPARE_FORMATS.join(', ')}`,
    );
  return formats;
}
