/**
 * `atombench check` for SQL Server: the runbook's Quick Health Check and Monitoring Metrics, read-only
 * (only SELECTs, see healthcheck-sql.ts), evaluated by healthcheck-eval.ts. A connection failure is a
 * RuntimeFailure (exit 3) whose message names the server but never the password.
 */
import sql from 'mssql';
import { RuntimeFailure, UserError } from '../../../errors.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import { parseMssqlUrl } from '../connection-url.ts';
import { BUFFER_CACHE_SQL, queryStatsQuery } from '../sql/dialect-probes.ts';
import { isServerStatePermissionError, mssqlErrorClass } from '../error-class.ts';
import { evaluateHealth, type HealthObservations, type Observation, type PhaseStats } from './evaluate.ts';
import { type HealthFinding, type HealthReport } from '../../../model/health.ts';
import { commonIssueFinding, detectCommonIssues } from '../../common-issues.ts';
import { healthQueries } from './queries.ts';
import { NO_VIEW_SERVER_STATE } from '../plan/probes.ts';
import type { Redactor } from '../redact.ts';
import { exec, rows, type SqlStatement } from '../sql/statement.ts';

export { evaluateHealth };
export type { HealthReport };

/** Why a check could not run, in the reader's terms. */
export function unavailableReason(e: unknown, redactor: Redactor): string {
  switch (mssqlErrorClass(e)) {
    case 'missing-object':
      return `not measurable: ${redactor.message(e)}`;
    case 'missing-column':
      return `not measurable (this schema lacks the column): ${redactor.message(e)}`;
    case 'permission':
      // Only the DMV checks need VIEW SERVER STATE; a denied SELECT on a table or queue says so itself.
      return isServerStatePermissionError(e)
        ? `not measurable: ${NO_VIEW_SERVER_STATE}`
        : `not measurable (permission denied): ${redactor.message(e)}`;
    default:
      return `query failed: ${redactor.message(e)}`;
  }
}

const CONNECTION_CLASSES = new Set(['connection', 'login', 'timeout', 'ESOCKET', 'ELOGIN', 'ETIMEOUT']);

export async function runHealthCheck(url: string | undefined, names: ObjectNames): Promise<HealthReport> {
  const target = parseMssqlUrl(url);
  const { redactor } = target;
  const pool = new sql.ConnectionPool({ ...target.config, pool: { max: 2, min: 0 } });
  try {
    await pool.connect();
  } catch (e) {
    await pool.close().catch(() => undefined);
    throw new RuntimeFailure(`cannot connect to SQL Server at ${target.display}: ${redactor.message(e)}`);
  }
  try {
    const q = healthQueries(names);
    const one = async (stmt: SqlStatement, column = 'Observed'): Promise<Observation> => {
      try {
        const v = rows<Record<string, unknown>>(await exec(pool, stmt))[0]?.[column];
        return { value: v === null || v === undefined ? null : Number(v) };
      } catch (e) {
        if (CONNECTION_CLASSES.has(mssqlErrorClass(e)))
          throw new RuntimeFailure(`lost the connection to ${target.display}: ${redactor.message(e)}`);
        return { error: unavailableReason(e, redactor) };
      }
    };
    const broker = await one(q.brokerEnabled);
    const database =
      rows<{ db: string }>(await exec(pool, { text: 'SELECT DB_NAME() AS db;', params: [] }))[0]?.db ?? '?';
    let oodaPhases: HealthObservations['oodaPhases'];
    try {
      oodaPhases = { rows: rows<PhaseStats>(await exec(pool, q.oodaPhases)) };
    } catch (e) {
      oodaPhases = { error: unavailableReason(e, redactor) };
    }
    const queueDepth: Record<string, Observation> = {};
    for (const [queue, stmt] of Object.entries(q.queueDepth)) queueDepth[queue] = await one(stmt);
    const stats = queryStatsQuery(names);
    const obs: HealthObservations = {
      database,
      brokerEnabled: broker,
      oodaLastHour: await one(q.oodaLastHour),
      spatialIndexes: await one(q.spatialIndexes),
      workersLast15Min: await one(q.workersLast15Min),
      reasoningLastHour: await one(q.reasoningLastHour),
      oodaPhases,
      queueDepth,
      spatialAvgMs: await one(stats, 'AvgDurationMs'),
      spatialAvgLogicalReads: await one(stats, 'AvgLogicalReads'),
      cacheHitPct: await one({ text: BUFFER_CACHE_SQL, params: [] }, 'buffer_cache_hit_pct'),
      coherence: await one(q.coherence),
      treeOfThought: await one(q.treeOfThought),
      reflexion: await one(q.reflexion),
    };
    const rowsOut = evaluateHealth(obs);
    const value = (o: Observation): number | undefined =>
      'value' in o && o.value !== null ? o.value : undefined;
    const atoms = value(await one(q.atoms));
    const spatialAvg = value(obs.spatialAvgMs);
    const issues = detectCommonIssues({
      oodaLastHour: value(obs.oodaLastHour),
      atomsLast15Min: value(obs.workersLast15Min),
      atoms,
      spatialAvgMs:
        spatialAvg === undefined
          ? undefined
          : { value: spatialAvg, source: "the runbook's Spatial Query Performance query, as written" },
    });
    // The runbook's diagnosis queries, read-only; their outputs were measured above or run now.
    const queueLines = () =>
      Object.entries(q.queueDepth).map(([queue, stmt]) => ({
        query: stmt.text,
        output: `${queue}: ${observationText(queueDepth[queue]!)}`,
      }));
    const findings: HealthFinding[] = [];
    for (const { issue, observed } of issues) {
      if (issue === 'ooda-stopped')
        findings.push(
          commonIssueFinding(issue, observed, [
            { query: q.brokerEnabled.text, output: `is_broker_enabled=${observationText(broker)}` },
            ...queueLines(),
          ]),
        );
      else if (issue === 'slow-spatial')
        findings.push(
          commonIssueFinding(issue, observed, [
            {
              query: q.slowSpatialDiagnosis.text,
              output: await diagnosisWithMessages(pool, q.slowSpatialDiagnosis, redactor),
            },
          ]),
        );
      else findings.push(commonIssueFinding(issue, observed, queueLines()));
    }
    return {
      database,
      server: target.display.replace(/\/.*$/, ''),
      rows: rowsOut,
      findings,
      failed: rowsOut.some((r) => r.status === 'FAILED'),
    };
  } catch (e) {
    if (e instanceof RuntimeFailure || e instanceof UserError) throw e;
    throw new RuntimeFailure(`health check against ${target.display} failed: ${redactor.message(e)}`);
  } finally {
    await pool.close().catch(() => undefined);
  }
}

function observationText(o: Observation): string {
  return 'error' in o ? o.error : String(o.value ?? 'null');
}

/** Run a diagnosis batch; its row count plus the informational messages (STATISTICS IO / TIME). */
async function diagnosisWithMessages(
  pool: sql.ConnectionPool,
  stmt: SqlStatement,
  redactor: Redactor,
): Promise<string> {
  const messages: string[] = [];
  const req = pool.request();
  req.on('info', (m: { message: string }) => messages.push(m.message.trim()));
  try {
    const r = await req.batch(stmt.text);
    return [`${r.recordset?.length ?? 0} rows`, ...messages].join(' | ');
  } catch (e) {
    return `query failed: ${redactor.message(e)}`;
  }
}
