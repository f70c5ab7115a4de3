/**
 * probe() for SQL Server, on the probe pool: queue depth per phase queue (from the server), broker
 * gauges (open conversations by state, sys.transmission_queue, disabled queues), buffer cache hit ratio
 * and the runbook's statement stats. A metric whose permission is missing becomes unsupported with the
 * reason (the capabilities object is shared with the poller, which then reports n/a), never 0.
 */
import type sql from 'mssql';
import { PHASES, type ObjectNames, type Phase } from '../../../scenario/names.ts';
import type { Capabilities, ProbeSample } from '../../types.ts';
import { queueDepthQuery } from '../broker/dialect.ts';
import {
  activationGauges,
  activationQuery,
  type ActivationRow,
  BUFFER_CACHE_SQL,
  conversationStatesQuery,
  disabledQueuesQuery,
  PERMISSIONS_SQL,
  queryStatsQuery,
  statementStatsQuery,
  transmissionQueueQuery,
} from '../sql/dialect-probes.ts';
import { isServerStatePermissionError } from '../error-class.ts';
import { phaseQueues } from '../sql/object-names.ts';
import type { Redactor } from '../redact.ts';
import type { PrimaryFilterStats } from './primary-filter.ts';
import { exec, rows } from '../sql/statement.ts';

export const NO_VIEW_SERVER_STATE =
  'needs VIEW SERVER STATE (SQL Server 2022: VIEW SERVER PERFORMANCE STATE) on the login; GRANT it or run as a login that has it';
export const NO_SHOWPLAN = 'needs SHOWPLAN permission in the database (GRANT SHOWPLAN TO <user>)';

export function defaultCapabilities(ooda: boolean): Capabilities {
  return {
    seekRatio: { supported: true },
    cacheHitRatio: { supported: true },
    queueDepth: ooda
      ? { supported: true }
      : { supported: false, reason: 'OODA traffic is disabled in the scenario (ooda.enabled: false)' },
    primaryFilter: { supported: true },
    serverQueryStats: { supported: true },
    gridIndex: { supported: true },
  };
}

/** Depth per phase from queueDepthQuery rows; a queue missing from the result has 0 messages. */
export function depthByPhase(
  names: ObjectNames,
  result: { queue_name: string; depth: number | string }[],
): Record<Phase, number> {
  const byQueue = new Map(result.map((r) => [r.queue_name, Number(r.depth)]));
  const queues = phaseQueues(names);
  return Object.fromEntries(PHASES.map((p) => [p, byQueue.get(queues[p]) ?? 0])) as Record<Phase, number>;
}

/** Gauges kept client-side: broker errors by class, the last sp_help_spatial_geometry_index_xml sample. */
export function clientGauges(
  brokerErrorsByClass: Record<string, number> | undefined,
  f: PrimaryFilterStats | undefined,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(brokerErrorsByClass ?? {})) out[`brokerErrors.${k}`] = v;
  if (f?.efficiencyPercent !== undefined) out['primaryFilter.efficiencyPercent'] = f.efficiencyPercent;
  if (f?.indexRowsPerBaseRow !== undefined) out['spatialIndex.rowsPerBaseRow'] = f.indexRowsPerBaseRow;
  return out;
}

export class MssqlProbes {
  constructor(
    private readonly pool: sql.ConnectionPool,
    private readonly names: ObjectNames,
    private readonly caps: Capabilities,
    private readonly redactor: Redactor,
    /** Counters the queue driver keeps (broker errors by class), merged into the gauges. */
    private readonly driverGauges: () => Record<string, number> = () => ({}),
  ) {}

  /** Turn the login's permissions into capabilities up front (runtime failures also demote them). */
  async detect(): Promise<void> {
    const p = rows<{
      ViewServerState: number | null;
      ViewServerPerformanceState: number | null;
      Showplan: number | null;
    }>(await exec(this.pool, { text: PERMISSIONS_SQL, params: [] }))[0];
    const serverState = p?.ViewServerState === 1 || p?.ViewServerPerformanceState === 1;
    if (!serverState) {
      this.caps.cacheHitRatio = { supported: false, reason: NO_VIEW_SERVER_STATE };
      this.caps.serverQueryStats = { supported: false, reason: NO_VIEW_SERVER_STATE };
    }
    if (p?.Showplan !== 1) this.caps.seekRatio = { supported: false, reason: NO_SHOWPLAN };
  }

  private demote(key: 'cacheHitRatio' | 'serverQueryStats' | 'queueDepth', e: unknown): void {
    this.caps[key] = {
      supported: false,
      // The VIEW SERVER STATE hint only for the server-state errors; any other reason as the server said it.
      reason: isServerStatePermissionError(e) ? NO_VIEW_SERVER_STATE : this.redactor.message(e),
    };
  }

  async sample(): Promise<ProbeSample> {
    const s: ProbeSample = { atMs: Date.now() };
    const gauges: Record<string, number> = { ...this.driverGauges() };
    if (this.caps.queueDepth.supported) {
      try {
        const r = rows<{ queue_name: string; depth: number }>(
          await exec(this.pool, queueDepthQuery(this.names)),
        );
        // No phase queue found (not created yet, or a deployment without them): no sample, not zeros.
        const phaseNames = new Set(Object.values(phaseQueues(this.names)));
        if (r.some((x) => phaseNames.has(x.queue_name))) {
          s.queueDepth = depthByPhase(this.names, r);
          gauges.initiatorQueueDepth = Number(
            r.find((x) => x.queue_name === this.names.initiatorQueue)?.depth ?? 0,
          );
          Object.assign(gauges, await this.brokerGauges());
        }
      } catch (e) {
        this.demote('queueDepth', e);
      }
    }
    if (this.caps.cacheHitRatio.supported) {
      try {
        const r = rows<{ buffer_cache_hit_pct: number | null }>(
          await exec(this.pool, { text: BUFFER_CACHE_SQL, params: [] }),
        )[0];
        if (r?.buffer_cache_hit_pct !== null && r?.buffer_cache_hit_pct !== undefined)
          s.cacheHitRatio = Number(r.buffer_cache_hit_pct) / 100;
      } catch (e) {
        this.demote('cacheHitRatio', e);
      }
    }
    if (this.caps.serverQueryStats.supported) {
      try {
        const r = rows<{
          AvgDurationMs: number | null;
          AvgLogicalReads: number | null;
          Executions: number | string | null;
          TotalElapsedUs: number | null;
          TotalLogicalReads: number | null;
        }>(await exec(this.pool, queryStatsQuery(this.names)))[0];
        if (r && r.AvgDurationMs !== null) {
          s.serverQueryStats = {
            avgDurationMs: Number(r.AvgDurationMs),
            avgLogicalReads: r.AvgLogicalReads === null ? undefined : Number(r.AvgLogicalReads),
            executions: Number(r.Executions ?? 0),
          };
          gauges['queryStats.totalElapsedUs'] = Number(r.TotalElapsedUs ?? 0);
          gauges['queryStats.totalLogicalReads'] = Number(r.TotalLogicalReads ?? 0);
        }
        Object.assign(
          gauges,
          statementGauges(rows<StatementStatsRow>(await exec(this.pool, statementStatsQuery(this.names)))[0]),
        );
      } catch (e) {
        this.demote('serverQueryStats', e);
      }
    }
    s.gauges = gauges;
    return s;
  }

  /** Open conversations by state (CD = closed is not a leak), stuck transmissions, disabled queues. */
  async brokerGauges(): Promise<Record<string, number>> {
    const g: Record<string, number> = {};
    const states = rows<{ state: string; n: number }>(
      await exec(this.pool, conversationStatesQuery(this.names)),
    );
    let open = 0;
    for (const st of states) {
      const code = String(st.state).trim();
      g[`conversations.${code}`] = Number(st.n);
      if (code !== 'CD') open += Number(st.n);
    }
    g.openConversations = open;
    g.transmissionQueue = Number(
      rows<{ n: number }>(await exec(this.pool, transmissionQueueQuery(this.names)))[0]?.n ?? 0,
    );
    g.disabledQueues = Number(
      rows<{ n: number }>(await exec(this.pool, disabledQueuesQuery(this.names)))[0]?.n ?? 0,
    );
    // Activation counters: absent (not 0) when the DMVs are not readable (VIEW SERVER STATE).
    try {
      Object.assign(
        g,
        activationGauges(rows<ActivationRow>(await exec(this.pool, activationQuery(this.names)))),
      );
    } catch {
      /* not measurable: no gauges */
    }
    return g;
  }
}

export interface StatementStatsRow {
  AvgDurationMs: number | null;
  AvgLogicalReads: number | null;
  Executions: number | string | null;
  Statements: number | null;
}

/**
 * The statement-level figure as gauges beside the runbook's as-written serverQueryStats
 * (dialect-probes.ts statementStatsQuery); nothing when no statement matched (n/a, never 0).
 */
export function statementGauges(r: StatementStatsRow | undefined): Record<string, number> {
  if (!r || r.AvgDurationMs === null || Number(r.Executions ?? 0) === 0) return {};
  const g: Record<string, number> = {
    'queryStats.statement.avgDurationMs': Number(r.AvgDurationMs),
    'queryStats.statement.executions': Number(r.Executions),
    'queryStats.statement.rows': Number(r.Statements ?? 0),
  };
  if (r.AvgLogicalReads !== null) g['queryStats.statement.avgLogicalReads'] = Number(r.AvgLogicalReads);
  return g;
}
