/**
 * The measured index-options sweep (tune.json `measuredOptions`) as table rows and notes, for tune.md
 * and tune.html.
 */
import { mb, ms, sec, type TuneMeasuredOptions } from '../../tune/sweep/measured-options.ts';
import { restoreNotes } from './measured.ts';

const opLatency = (c: TuneMeasuredOptions['configs'][number], op: string) =>
  c.ops.find((o) => o.op === op)?.latencyMs;

export function optionHeaders(m: TuneMeasuredOptions): string[] {
  const h = ['configuration', 'build', 'index MB'];
  for (const q of m.queries) h.push(`${q.op} p50 ms`, `${q.op} p95 ms`, `${q.op} p99 ms`);
  h.push('errors', 'index used (EXPLAIN)');
  return h;
}

export function optionRows(m: TuneMeasuredOptions): string[][] {
  return m.configs.map((c) => {
    const row = [`${c.label}${c.current ? ' (current)' : ''}`, sec(c.buildMs), mb(c.indexSize?.bytes)];
    for (const q of m.queries) {
      const l = opLatency(c, q.op);
      row.push(ms(l?.p50), ms(l?.p95), ms(l?.p99));
    }
    const errors = c.ops.reduce((a, o) => a + o.errors, 0);
    const queries = c.ops.reduce((a, o) => a + o.queries, 0);
    row.push(`${errors}/${queries}`);
    row.push(
      c.plans.map((p) => `${p.op} ${p.samples ? `${p.usedIndex}/${p.samples}` : 'n/a'}`).join(', ') || 'n/a',
    );
    return row;
  });
}

export function optionNotes(m: TuneMeasuredOptions): string[] {
  const out = restoreNotes(m);
  for (const c of m.configs) for (const p of c.problems) out.push(`${c.label}: ${p}`);
  out.push(...m.notes);
  return out;
}

export function renderOptionsMarkdown(m: TuneMeasuredOptions): string[] {
  const what = m.queries.map((q) => `${q.count} ${q.op} (${q.detail})`).join(', ');
  const headers = optionHeaders(m);
  const lines = [
    `## Index options measured on ${m.engine} (${what} per configuration after ${m.warmupQueries} warm-up, one at a time; EXPLAIN of ${m.planSamples} per query set)`,
    '',
    `| ${headers.join(' | ')} |`,
    `|${headers.map((_, i) => (i === 0 || i === headers.length - 1 ? '---' : '---:')).join('|')}|`,
  ];
  for (const r of optionRows(m)) lines.push(`| ${r.join(' | ')} |`);
  lines.push('', '### Findings', '');
  for (const f of m.findings) lines.push(`- ${f}`);
  lines.push('');
  for (const n of optionNotes(m)) lines.push(`- ${n}`);
  if (m.restore.error) lines.push('', '```sql', m.original.ddl, '```');
  return lines;
}
