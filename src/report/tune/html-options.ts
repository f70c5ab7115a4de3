import { type TuneMeasuredOptions } from '../../tune/sweep/measured-options.ts';
import { optionHeaders, optionNotes, optionRows } from './options.ts';
import { esc, pre, section, table } from '../html/markup.ts';

/**
 * tune.html's section for measured index options (tune --engine postgis): one row per configuration
 * (build, size, latency per query set, EXPLAIN index use), the findings in plain words, then the notes.
 * The same rows and words as tune.md (tune/measured-options.ts).
 */
export function measuredOptionsSection(m: TuneMeasuredOptions): string {
  const what = m.queries.map((q) => `${q.count} ${q.op} (${q.detail})`).join(', ');
  const headers = optionHeaders(m);
  const list = (xs: readonly string[]) => `<ul>\n${xs.map((x) => `<li>${esc(x)}</li>`).join('\n')}\n</ul>`;
  const body =
    `<p>${esc(`${what} per configuration after ${m.warmupQueries} warm-up, one at a time; EXPLAIN of ${m.planSamples} per query set.`)}</p>\n` +
    table(headers, optionRows(m), {
      numeric: headers.map((_, i) => i).filter((i) => i > 0 && i < headers.length - 1),
      rowClass: (i) =>
        m.configs[i]!.problems.length ? 'fail' : m.configs[i]!.current ? 'current' : undefined,
    }) +
    `\n<h3>Findings</h3>\n${list(m.findings)}\n${list(optionNotes(m))}` +
    (m.restore.error ? `\n${pre(m.original.ddl, 'sql')}` : '');
  return section('measured-options', `Index options measured on ${m.engine}`, body);
}
