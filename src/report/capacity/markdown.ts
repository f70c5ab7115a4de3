import type { CapacityDocument } from '../../model/capacity.ts';
import { fitRows, kneeFacts, oodaRows, stepRows, sweepRows, type Rows } from './rows.ts';

/** capacity.md: the answer first, then the steps, the scale sweep with its fits, and the OODA side. */

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function mdTable(t: Rows): string {
  const align = t.header.map((_, i) => (t.numeric.includes(i) ? '---:' : '---'));
  return [
    `| ${t.header.map(cell).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

export function renderCapacityMarkdown(d: CapacityDocument): string {
  const out: string[] = [`# atombench capacity: ${d.scenarioName}`, ''];
  out.push(
    `${d.engine.engine} (${d.engine.serverVersion}), ${d.dataset.atoms.toLocaleString('en-US')} atoms (${d.dataset.distribution}, seed ${d.dataset.seed}); ` +
      `${d.budget.stepsRun} steps in ${Math.round(d.budget.elapsedSec)} s (budget: ${d.budget.maxSteps} steps, ${d.budget.maxMinutes} min)${d.interrupted ? '; **interrupted**' : ''}.`,
    '',
  );
  if (d.search) {
    out.push('## Rate search', '', `**${d.search.summary}**`, '');
    out.push(...kneeFacts(d).map(([k, v]) => `- ${k}: ${v}`), '');
    out.push(mdTable(stepRows(d)), '');
  }
  if (d.sweep) {
    out.push('## Scale sweep', '', mdTable(sweepRows(d)), '');
    if (d.sweep.growthExact !== null)
      out.push(
        d.sweep.growthExact
          ? "Every grown dataset's stored digest equals a fresh seed's: growing in place measured the same data."
          : '**A grown dataset differs from a fresh seed of its size: the sweep did not measure the same data.**',
        '',
      );
    if (d.sweep.fits.length)
      out.push(
        'How cost grows (log-log least squares; predictions beyond the largest measured size are extrapolated, never measurements):',
        '',
        mdTable(fitRows(d)),
        '',
      );
  }
  if (d.ooda) out.push('## OODA side', '', `**${d.ooda.summary}**`, '', mdTable(oodaRows(d)), '');
  out.push(
    '## Targets judged at every step',
    '',
    ...d.targets.map((t) => `- ${t.check}: ${t.expression} (${t.source})`),
    `- dropRatio: <= ${(Number(d.config.maxDropRatio ?? 0) * 100).toFixed(1)} % of arrivals (capacity.maxDropRatio)`,
    '',
    `Rendered from capacity.json (${d.schema}); each step's full result is its result.json.`,
    '',
  );
  return out.join('\n');
}
