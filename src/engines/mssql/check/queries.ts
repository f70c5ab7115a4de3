/**
 * The runbook's Quick Health Check and Monitoring Metrics queries (Hartonomous's runbook), read-only,
 * with the mapped names. Differences from the runbook text, and why:
 *  - `USE Hartonomous` / `WHERE name = 'Hartonomous'` become the current database (DB_NAME()): the
 *    database is the one in --url, which is the deployment being checked whatever it is called.
 *  - Each check returns its measured value (COUNT(*), is_broker_enabled) instead of the CASE; the CASE
 *    thresholds are applied by the pure evaluation (healthcheck-eval.ts), which keeps them testable and
 *    lets a missing table be N/A instead of aborting the script.
 *  - The reasoning UNION ALL runs as its three parts, so a deployment without CoherenceScore (the real
 *    schema lacks it) still gets the other two.
 *  - Queue depth uses the runbook's own diagnosis query, SELECT COUNT(*) FROM <queue> (read-only).
 */
import type { ObjectNames } from '../../../scenario/names.ts';
import { PHASES, phaseQueue } from '../../../scenario/names.ts';
import { qualifiedName, quoteName } from '../sql/identifiers.ts';
import type { SqlStatement } from '../sql/statement.ts';

const plain = (text: string): SqlStatement => ({ text, params: [] });

export interface HealthQueries {
  brokerEnabled: SqlStatement;
  oodaLastHour: SqlStatement;
  spatialIndexes: SqlStatement;
  workersLast15Min: SqlStatement;
  reasoningLastHour: SqlStatement;
  oodaPhases: SqlStatement;
  queueDepth: Record<string, SqlStatement>;
  coherence: SqlStatement;
  treeOfThought: SqlStatement;
  reflexion: SqlStatement;
  atoms: SqlStatement;
  /** The runbook's "Slow Spatial Queries" diagnosis, fixed so it runs (see slowSpatialDiagnosis). */
  slowSpatialDiagnosis: SqlStatement;
}

/**
 * The runbook's "Slow Spatial Queries" diagnosis as written uses @query without declaring it (the batch
 * fails: "Must declare the scalar variable"). Declared here as the query point atombench's workload
 * centres on, the origin, SRID 0 like the data (geometry::Point, SD:docs/t-sql/spatial-geometry/point-geometry-data-type.md).
 * SET STATISTICS IO / TIME report through informational messages (SD:docs/t-sql/statements/set-statistics-io-transact-sql.md,
 * set-statistics-time-transact-sql.md), which the check collects; both are set OFF again at the end.
 * A SELECT only: read-only.
 */
export function slowSpatialDiagnosis(names: ObjectNames): SqlStatement {
  const t = qualifiedName(names.schema, names.embeddingsTable);
  return plain(`SET STATISTICS IO ON;
SET STATISTICS TIME ON;
DECLARE @query geometry = geometry::Point(0, 0, 0);
SELECT TOP 10 *
FROM ${t} WITH (INDEX(${quoteName(names.spatialIndex)}))
WHERE ${quoteName(names.geometryColumn)}.STIntersects(@query.STBuffer(10)) = 1;
SET STATISTICS TIME OFF;
SET STATISTICS IO OFF;`);
}

export function healthQueries(names: ObjectNames): HealthQueries {
  const t = (table: string) => qualifiedName(names.schema, table);
  const queueDepth: Record<string, SqlStatement> = {};
  for (const p of PHASES)
    queueDepth[phaseQueue(names, p)] = plain(`SELECT COUNT(*) AS Observed FROM ${t(phaseQueue(names, p))};`);
  return {
    // 1. Service Broker status (runbook: WHERE name = 'Hartonomous').
    brokerEnabled: plain(
      'SELECT CAST(is_broker_enabled AS int) AS Observed, DB_NAME() AS DatabaseName FROM sys.databases WHERE name = DB_NAME();',
    ),
    // 2. OODA loop execution (last hour).
    oodaLastHour: plain(
      `SELECT COUNT(*) AS Observed FROM ${t(names.metricsTable)} WHERE ExecutedAt >= DATEADD(HOUR, -1, GETUTCDATE());`,
    ),
    // 3. Spatial indexes (the whole database, as the runbook counts them).
    spatialIndexes: plain("SELECT COUNT(*) AS Observed FROM sys.indexes WHERE type_desc = 'SPATIAL';"),
    // 4. Worker activity (last 15 minutes).
    workersLast15Min: plain(
      `SELECT COUNT(*) AS Observed FROM ${t(names.atomsTable)} WHERE CreatedAt >= DATEADD(MINUTE, -15, GETUTCDATE());`,
    ),
    // 5. Reasoning frameworks (last hour).
    reasoningLastHour: plain(
      `SELECT COUNT(*) AS Observed FROM ${t(names.reasoningChainsTable)} WHERE CreatedAt >= DATEADD(HOUR, -1, GETUTCDATE());`,
    ),
    // Monitoring: OODA Loop Health.
    oodaPhases: plain(`SELECT
    Phase,
    COUNT(*) AS Executions,
    AVG(DurationMs) AS AvgDuration,
    SUM(CASE WHEN Success = 1 THEN 1 ELSE 0 END) * 100.0 / COUNT(*) AS SuccessRate
FROM ${t(names.metricsTable)}
WHERE ExecutedAt >= DATEADD(HOUR, -24, GETUTCDATE())
GROUP BY Phase;`),
    queueDepth,
    // Monitoring: Reasoning Framework Success (the runbook's UNION ALL, one part each).
    coherence: plain(
      `SELECT AVG(CoherenceScore) AS Observed FROM ${t(names.reasoningChainsTable)} WHERE CreatedAt >= DATEADD(HOUR, -24, GETUTCDATE());`,
    ),
    treeOfThought: plain(
      `SELECT AVG(CAST(NumPaths AS FLOAT)) AS Observed FROM ${t(names.multiPathTable)} WHERE CreatedAt >= DATEADD(HOUR, -24, GETUTCDATE());`,
    ),
    reflexion: plain(
      `SELECT AVG(AgreementRatio) AS Observed FROM ${t(names.selfConsistencyTable)} WHERE CreatedAt >= DATEADD(HOUR, -24, GETUTCDATE());`,
    ),
    atoms: plain(`SELECT COUNT_BIG(*) AS Observed FROM ${t(names.atomsTable)};`),
    slowSpatialDiagnosis: slowSpatialDiagnosis(names),
  };
}
