/**
 * The operations runbook's "Common Issues" as `check` findings (pure): which issues the measured values
 * show, in the runbook's own words, with its fixes as advice. Engines measure, run the diagnosis
 * queries read-only and pass the outputs in; nothing here touches a database.
 *   OODA Loop Stopped               "No entries in OODALoopMetrics for >1 hour"
 *   Slow Spatial Queries            "Queries taking >100ms on <1M atoms"
 *   Worker Service Not Processing   "No new atoms created for >15 minutes"
 */
import type { HealthFinding, HealthRow } from '../model/health.ts';
import type { ObjectNames } from '../scenario/names.ts';

export const SLOW_SPATIAL_MS = 100;
export const SLOW_SPATIAL_MAX_ATOMS = 1_000_000;

export type CommonIssue = 'ooda-stopped' | 'slow-spatial' | 'workers-idle';

interface IssueText {
  issue: string;
  symptoms: string;
  fix: string[];
}

/** The runbook's text (reference/operations-runbook.md, "Common Issues"). */
export const COMMON_ISSUES: Record<CommonIssue, IssueText> = {
  'ooda-stopped': {
    issue: 'OODA Loop Stopped',
    symptoms: 'No entries in OODALoopMetrics for >1 hour',
    fix: [
      'Restart OODA loop: BEGIN DIALOG + SEND a manual trigger to AnalyzeService (atombench does not send it)',
    ],
  },
  'slow-spatial': {
    issue: 'Slow Spatial Queries',
    symptoms: 'Queries taking >100ms on <1M atoms',
    fix: ['Rebuild spatial index', 'Update statistics (WITH FULLSCAN)'],
  },
  'workers-idle': {
    issue: 'Worker Service Not Processing',
    symptoms: 'No new atoms created for >15 minutes',
    fix: [
      'Restart worker service',
      'Check appsettings.json connection string',
      'Clear Service Broker queue if backlogged',
    ],
  },
};

/** A count, or undefined when it could not be measured (then the issue is not judged). */
export interface CommonIssueObservations {
  /** OODALoopMetrics rows in the last hour. */
  oodaLastHour?: number;
  /** Atoms created in the last 15 minutes. */
  atomsLast15Min?: number;
  /** Average spatial query time, ms, and where it comes from. */
  spatialAvgMs?: { value: number; source: string };
  atoms?: number;
}

/** The issues present, each with what was observed. */
export function detectCommonIssues(o: CommonIssueObservations): { issue: CommonIssue; observed: string }[] {
  const out: { issue: CommonIssue; observed: string }[] = [];
  if (o.oodaLastHour === 0)
    out.push({ issue: 'ooda-stopped', observed: 'no OODALoopMetrics rows with ExecutedAt in the last hour' });
  if (
    o.spatialAvgMs !== undefined &&
    o.spatialAvgMs.value > SLOW_SPATIAL_MS &&
    o.atoms !== undefined &&
    o.atoms < SLOW_SPATIAL_MAX_ATOMS
  )
    out.push({
      issue: 'slow-spatial',
      observed: `spatial query average ${o.spatialAvgMs.value.toFixed(1)} ms (${o.spatialAvgMs.source}) on ${o.atoms} atoms`,
    });
  if (o.atomsLast15Min === 0)
    out.push({ issue: 'workers-idle', observed: 'no atoms with CreatedAt in the last 15 minutes' });
  return out;
}

export function commonIssueFinding(
  issue: CommonIssue,
  observed: string,
  diagnosis: { query: string; output: string }[],
): HealthFinding {
  const t = COMMON_ISSUES[issue];
  return { issue: t.issue, symptoms: t.symptoms, observed, diagnosis, fix: [...t.fix] };
}

/** A diagnosis query's rows as one line of text for the report. */
export function rowsText(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)';
  return rows
    .map((r) =>
      Object.entries(r)
        .map(([k, v]) => `${k}=${v instanceof Date ? v.toISOString() : String(v)}`)
        .join(', '),
    )
    .join('; ');
}

/**
 * The runbook's Quick Health Check rows an engine without Service Broker can answer from counts (the
 * SQLite and PostGIS checks): OODA rows in the last hour, the spatial index, atoms in the last 15
 * minutes, and Service Broker as n/a with the engine's reason. undefined count = the table is missing.
 */
export function quickCheckRows(o: {
  names: Pick<ObjectNames, 'metricsTable' | 'atomsTable'>;
  oodaLastHour: number | undefined;
  spatialIndexes: number;
  /** What the index row says when the index exists / when it is missing. */
  indexDetail: { present: string; missing: string };
  atomsLast15Min: number | undefined;
  noBroker: string;
}): HealthRow[] {
  const section = 'Quick Health Check' as const;
  const { oodaLastHour: ooda, atomsLast15Min: workers, spatialIndexes: ix } = o;
  return [
    {
      section,
      component: 'OODA Loop',
      status: ooda === undefined ? 'N/A' : ooda > 0 ? 'Healthy' : 'FAILED',
      detail:
        ooda === undefined
          ? `no ${o.names.metricsTable} table`
          : `${ooda} OODALoopMetrics rows in the last hour`,
    },
    {
      section,
      component: 'Spatial Indexes',
      status: ix > 0 ? 'Healthy' : 'WARNING',
      detail: ix > 0 ? o.indexDetail.present : o.indexDetail.missing,
    },
    {
      section,
      component: 'Workers',
      status: workers === undefined ? 'N/A' : workers > 0 ? 'Healthy' : 'WARNING',
      detail:
        workers === undefined
          ? `no ${o.names.atomsTable} table`
          : `${workers} atoms created in the last 15 minutes`,
    },
    { section, component: 'Service Broker', status: 'N/A', detail: o.noBroker },
  ];
}
