/**
 * Pure evaluation of the runbook's health check: measured values in, one row per check out, with the
 * runbook's own verdicts (Hartonomous's operations runbook, "Quick Health Check"):
 *   Service Broker      is_broker_enabled = 1 -> Healthy, else FAILED
 *   OODA Loop           rows in the last hour > 0 -> Healthy, else FAILED
 *   Spatial Indexes     COUNT(*) >= 10 -> Healthy, else WARNING
 *   Workers             atoms in the last 15 min > 0 -> Healthy, else WARNING
 *   Reasoning Frameworks COUNT(*) >= 0 -> Healthy (always: the runbook's check cannot fail; said so)
 * and the Monitoring Metrics against their targets (WARNING when missed): phase success > 95 %,
 * phase average < 5 s, a loop every 15-60 min, queue depth < 10, spatial query average < 50 ms,
 * cache hit > 80 %, coherence > 0.7, > 3 paths, agreement > 0.5.
 * A check that could not run (missing table or column, missing permission) is N/A with the reason.
 */
import type { HealthRow, HealthStatus } from '../../../model/health.ts';

/** A measured number (null: the query returned no value), or why it could not be measured. */
export type Observation = { value: number | null } | { error: string };

export interface PhaseStats {
  Phase: string;
  Executions: number;
  AvgDuration: number | null;
  SuccessRate: number | null;
}

export interface HealthObservations {
  database: string;
  brokerEnabled: Observation;
  oodaLastHour: Observation;
  spatialIndexes: Observation;
  workersLast15Min: Observation;
  reasoningLastHour: Observation;
  oodaPhases: { rows: PhaseStats[] } | { error: string };
  /** Queue name -> messages waiting. */
  queueDepth: Record<string, Observation>;
  spatialAvgMs: Observation;
  spatialAvgLogicalReads: Observation;
  cacheHitPct: Observation;
  coherence: Observation;
  treeOfThought: Observation;
  reflexion: Observation;
}

const QUICK = 'Quick Health Check' as const;
const MON = 'Monitoring Metrics' as const;

function fmt(n: number, digits = 1): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

/** Apply `ok` to a measured value; N/A when not measurable or (unless nullAs) when no value. */
function judge(
  section: HealthRow['section'],
  component: string,
  obs: Observation,
  ok: (v: number) => boolean,
  bad: 'WARNING' | 'FAILED',
  describe: (v: number) => string,
  nullAs?: { status: HealthStatus; detail: string },
): HealthRow {
  if ('error' in obs) return { section, component, status: 'N/A', detail: obs.error };
  if (obs.value === null)
    return { section, component, ...(nullAs ?? { status: 'N/A', detail: 'no data in the window' }) };
  return { section, component, status: ok(obs.value) ? 'Healthy' : bad, detail: describe(obs.value) };
}

function phaseRows(obs: HealthObservations['oodaPhases']): HealthRow[] {
  if ('error' in obs)
    return [{ section: MON, component: 'OODA phases (24 h)', status: 'N/A', detail: obs.error }];
  if (obs.rows.length === 0)
    return [
      {
        section: MON,
        component: 'OODA phases (24 h)',
        status: 'N/A',
        detail: 'no OODA executions in the last 24 h',
      },
    ];
  const out: HealthRow[] = [];
  for (const r of [...obs.rows].sort((a, b) => a.Phase.localeCompare(b.Phase))) {
    const success = r.SuccessRate === null ? undefined : Number(r.SuccessRate);
    const avg = r.AvgDuration === null ? undefined : Number(r.AvgDuration);
    const problems: string[] = [];
    if (success !== undefined && !(success > 95)) problems.push(`success ${fmt(success)} % (target > 95 %)`);
    if (avg !== undefined && !(avg < 5000)) problems.push(`average ${fmt(avg)} ms (target < 5000 ms)`);
    out.push({
      section: MON,
      component: `OODA phase ${r.Phase}`,
      status: problems.length ? 'WARNING' : 'Healthy',
      detail: `${r.Executions} executions, success ${success === undefined ? 'n/a' : `${fmt(success)} %`}, average ${avg === undefined ? 'n/a' : `${fmt(avg)} ms`}${problems.length ? `; ${problems.join('; ')}` : ''}`,
    });
  }
  // Frequency: the loop starts with its first phase; 15-60 min apart means 24..96 loops a day.
  const first = obs.rows.find((r) => r.Phase === 'Analyze') ?? obs.rows[0]!;
  const everyMin = 1440 / Math.max(1, Number(first.Executions));
  out.push({
    section: MON,
    component: 'OODA loop frequency',
    status: everyMin >= 15 && everyMin <= 60 ? 'Healthy' : 'WARNING',
    detail: `${first.Executions} ${first.Phase} executions in 24 h: one every ${fmt(everyMin)} min (target every 15-60 min)`,
  });
  return out;
}

export function evaluateHealth(o: HealthObservations): HealthRow[] {
  const rows: HealthRow[] = [
    judge(
      QUICK,
      'Service Broker',
      o.brokerEnabled,
      (v) => v === 1,
      'FAILED',
      (v) => (v === 1 ? `enabled in ${o.database}` : `disabled in ${o.database}`),
      {
        status: 'FAILED',
        detail: `database ${o.database} not found in sys.databases`,
      },
    ),
    judge(
      QUICK,
      'OODA Loop',
      o.oodaLastHour,
      (v) => v > 0,
      'FAILED',
      (v) => `${v} OODALoopMetrics rows in the last hour`,
    ),
    judge(
      QUICK,
      'Spatial Indexes',
      o.spatialIndexes,
      (v) => v >= 10,
      'WARNING',
      (v) => `${v} spatial indexes (runbook wants >= 10)`,
    ),
    judge(
      QUICK,
      'Workers',
      o.workersLast15Min,
      (v) => v > 0,
      'WARNING',
      (v) => `${v} atoms created in the last 15 min`,
    ),
    judge(
      QUICK,
      'Reasoning Frameworks',
      o.reasoningLastHour,
      (v) => v >= 0,
      'WARNING',
      (v) => `${v} reasoning chains in the last hour (the runbook's check, COUNT(*) >= 0, always passes)`,
    ),
    ...phaseRows(o.oodaPhases),
  ];
  for (const [queue, obs] of Object.entries(o.queueDepth))
    rows.push(
      judge(
        MON,
        `Queue depth ${queue}`,
        obs,
        (v) => v < 10,
        'WARNING',
        (v) => `${v} messages (target < 10)`,
      ),
    );
  const reads =
    'value' in o.spatialAvgLogicalReads && o.spatialAvgLogicalReads.value !== null
      ? `, ${fmt(o.spatialAvgLogicalReads.value)} logical reads`
      : '';
  rows.push(
    judge(
      MON,
      'Spatial query average',
      o.spatialAvgMs,
      (v) => v < 50,
      'WARNING',
      (v) => `${fmt(v, 2)} ms per execution${reads} (target < 50 ms at 1M atoms)`,
      {
        status: 'N/A',
        detail: 'no cached statement on the embeddings table uses STIntersects',
      },
    ),
    judge(
      MON,
      'Buffer cache hit ratio',
      o.cacheHitPct,
      (v) => v > 80,
      'WARNING',
      (v) => `${fmt(v, 2)} % (target > 80 %)`,
      { status: 'N/A', detail: 'buffer manager counters not available' },
    ),
    judge(
      MON,
      'Chain of Thought coherence',
      o.coherence,
      (v) => v > 0.7,
      'WARNING',
      (v) => `average ${fmt(v, 3)} (target > 0.7)`,
      { status: 'N/A', detail: 'no reasoning chains in the last 24 h' },
    ),
    judge(
      MON,
      'Tree of Thought paths',
      o.treeOfThought,
      (v) => v > 3,
      'WARNING',
      (v) => `average ${fmt(v, 2)} paths (target > 3)`,
      { status: 'N/A', detail: 'no multi-path reasoning in the last 24 h' },
    ),
    judge(
      MON,
      'Reflexion agreement',
      o.reflexion,
      (v) => v > 0.5,
      'WARNING',
      (v) => `average ${fmt(v, 3)} (target > 0.5)`,
      { status: 'N/A', detail: 'no self-consistency results in the last 24 h' },
    ),
  );
  return rows;
}
