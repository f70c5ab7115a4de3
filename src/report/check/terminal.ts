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
  ].join('\n');
}
