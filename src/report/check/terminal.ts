import type { HealthReport } from '../../model/health.ts';

/** The health report as a table for the terminal, with the counts per status. */
export function renderHealthReport(report: HealthReport): string {
  const header = ['Section', 'Component', 'Status', 'Detail'];
  const table = report.rows.map((r) => [r.section, r.component, r.status, r.detail]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const counts = (['Healthy', 'WARNING', 'FAILED', 'N/A'] as const).map(
    (s) => `${report.rows.filter((r) => r.status === s).length} ${s}`,
  );
  return [
    `Hartonomous health check: ${report.database} on ${report.server}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...table.map(line),
    '',
    `${counts.join(', ')}${report.failed ? ' - FAILED' : ''}`,
    ...findingLines(report),
  ].join('\n');
}

/** The runbook's Common Issues found present: symptom, what was observed, diagnosis output, fix. */
function findingLines(report: HealthReport): string[] {
  const out: string[] = [];
  for (const f of report.findings ?? []) {
    out.push(
      '',
      `Common issue: ${f.issue}`,
      `  Symptoms: ${f.symptoms}`,
      `  Observed: ${f.observed}`,
      '  Diagnosis (read-only):',
    );
    for (const d of f.diagnosis) out.push(`    ${d.query.replace(/\s+/g, ' ')}`, `      -> ${d.output}`);
    out.push(`  Fix (the runbook's; atombench does not run it): ${f.fix.join('; ')}`);
  }
  return out;
}
