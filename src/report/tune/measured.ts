/**
 * The measured grid sweep (tune.json `measured`) as table rows and notes, for tune.md and tune.html.
 */
import { boxText, int, num, pct } from '../../tune/model/findings.ts';
import type { MeasuredConfig, TuneMeasured } from '../../tune/sweep/measured.ts';

const ms = (x: number | undefined): string => (x === undefined ? 'n/a' : x >= 100 ? x.toFixed(0) : num(x));
const mbText = (bytes: number): string => num(bytes / 1024 / 1024);

export function configLabel(c: Pick<MeasuredConfig, 'box' | 'boundingBox' | 'grids'>): string {
  return `${c.box} ${boxText(c.boundingBox)} ${c.grids.join(', ')}`;
}

/** One line per measured configuration, prediction beside measurement. */
export function measuredRows(m: TuneMeasured): string[][] {
  return m.configs.map((c) => {
    const cpo = [c.cellsPerObject, ...c.sameAsCellsPerObject].sort((a, b) => a - b).join(', ');
    const f = c.primaryFilter;
    return [
      `${c.rank}${c.current ? ' (current)' : ''}`,
      configLabel(c),
      cpo,
      c.buildMs === undefined ? 'n/a' : `${(c.buildMs / 1000).toFixed(2)} s`,
      ms(c.latencyMs?.p50),
      ms(c.latencyMs?.p95),
      ms(c.latencyMs?.p99),
      `${c.errors}/${c.queries}`,
      pct(c.predicted.primaryFilterEfficiency),
      f ? pct(f.efficiency) : 'n/a',
      int(c.predicted.indexRows),
      c.indexSize ? int(c.indexSize.rows) : 'n/a',
      c.indexSize ? mbText(c.indexSize.reservedBytes) : 'n/a',
    ];
  });
}

export const MEASURED_HEADERS = [
  'rank',
  'configuration',
  'CELLS_PER_OBJECT',
  'build',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'errors',
  'predicted efficiency',
  'measured efficiency',
  'predicted index rows',
  'index rows',
  'index MB',
];

/** Interruption and how the original index was put back, in plain words (every measured sweep). */
export function restoreNotes(m: Pick<TuneMeasured, 'interrupted' | 'restore'>): string[] {
  const out: string[] = [];
  if (m.interrupted) out.push('Interrupted: the configurations after the last one shown were not measured.');
  if (m.restore.error)
    out.push(`Restoring the original index FAILED: ${m.restore.error}. Rebuild it with the statement below.`);
  else if (m.restore.rebuilt)
    out.push(
      `The original index was rebuilt at the end${m.restore.durationMs === undefined ? '' : ` in ${(m.restore.durationMs / 1000).toFixed(2)} s`}.`,
    );
  else out.push('The last configuration measured was the original one, so the index was left as it is.');
  return out;
}

/** Plain-language lines under the table: restore, interruption, problems, notes. */
export function measuredNotes(m: TuneMeasured): string[] {
  const out = restoreNotes(m);
  for (const c of m.configs) for (const p of c.problems) out.push(`rank ${c.rank} (${configLabel(c)}): ${p}`);
  out.push(...m.notes);
  return out;
}

export function renderMeasuredMarkdown(m: TuneMeasured): string[] {
  const lines = [
    `## Measured on ${m.engine} (${m.section}: ${m.queries} queries per configuration after ${m.warmupQueries} warm-up, one at a time; primary filter on ${m.filterSamples} sample windows)`,
    '',
    `| ${MEASURED_HEADERS.join(' | ')} |`,
    `|${MEASURED_HEADERS.map((_, i) => (i === 1 || i === 2 ? '---' : '---:')).join('|')}|`,
  ];
  for (const r of measuredRows(m)) lines.push(`| ${r.join(' | ')} |`);
  lines.push('');
  for (const n of measuredNotes(m)) lines.push(`- ${n}`);
  if (m.restore.error) lines.push('', '```sql', m.original.ddl, '```');
  return lines;
}
