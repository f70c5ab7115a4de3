/**
 * Read-only probe queries. Server-wide DMVs need VIEW SERVER STATE (SQL Server 2022: VIEW SERVER
 * PERFORMANCE STATE is enough); without it the metric is n/a with the reason, never 0.
 */
import type { ObjectNames } from '../../../scenario/names.ts';
import { likeLiteral } from './identifiers.ts';
import { brokerServices } from './object-names.ts';
import { param, type SqlStatement } from './statement.ts';

/**
 * Permissions that decide the capabilities (SD:docs/t-sql/functions/has-perms-by-name-transact-sql.md;
 * a permission name unknown to the server, like VIEW SERVER PERFORMANCE STATE before 2022, gives NULL).
 */
export const PERMISSIONS_SQL = `SELECT
  HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW SERVER STATE') AS ViewServerState,
  HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW SERVER PERFORMANCE STATE') AS ViewServerPerformanceState,
  HAS_PERMS_BY_NAME(DB_NAME(), 'DATABASE', 'SHOWPLAN') AS Showplan;`;

/**
 * Buffer cache hit ratio, an instant ratio over recent page accesses
 * (SD:docs/relational-databases/performance-monitor/sql-server-buffer-manager-object.md). Counter names
 * are nchar(128), padded: compared after RTRIM. Zero rows = counters disabled.
 */
export const BUFFER_CACHE_SQL = `SELECT 100.0 * a.cntr_value / NULLIF(b.cntr_value, 0) AS buffer_cache_hit_pct
FROM sys.dm_os_performance_counters AS a
JOIN sys.dm_os_performance_counters AS b ON b.object_name = a.object_name
WHERE a.object_name LIKE N'%Buffer Manager%'
  AND RTRIM(a.counter_name) = N'Buffer cache hit ratio'
  AND RTRIM(b.counter_name) = N'Buffer cache hit ratio base';`;

/**
 * The runbook's "Spatial Query Performance" query as written, with the mapped table name (a LIKE pattern
 * as a parameter, wildcards escaped). Its averages are the runbook's: the mean of per-statement averages
 * over every statement row of every batch whose text matches (statementStatsQuery is the statement-level
 * figure).
 * Totals are returned too, so the probe can take deltas over a run. Times are microseconds.
 */
export function queryStatsQuery(names: ObjectNames): SqlStatement {
  return {
    text: `SELECT
    AVG(CAST(total_elapsed_time AS FLOAT) / execution_count / 1000) AS AvgDurationMs,
    AVG(CAST(total_logical_reads AS FLOAT) / execution_count) AS AvgLogicalReads,
    SUM(execution_count) AS Executions,
    SUM(CAST(total_elapsed_time AS FLOAT)) AS TotalElapsedUs,
    SUM(CAST(total_logical_reads AS FLOAT)) AS TotalLogicalReads
FROM sys.dm_exec_query_stats qs
CROSS APPLY sys.dm_exec_sql_text(qs.sql_handle) st
WHERE st.text LIKE N'%' + @table + N'%' ESCAPE N'\\'
    AND st.text LIKE N'%STIntersects%';`,
    params: [param('table', 'nvarchar', likeLiteral(names.embeddingsTable))],
  };
}

/**
 * Starts every batch the plan sampling (explain, SET STATISTICS XML ON) runs: its own batch text, so its
 * own sql_handle and dm_exec_query_stats rows, which the statement-level figure leaves out. It is passed
 * to the probe as a parameter, so the probe's own text never contains it.
 */
export const PLAN_SAMPLE_MARKER = '/* atombench:plan-sample */';

/**
 * Statement-level figure beside the runbook's: sys.dm_exec_sql_text(sql_handle) is the whole batch, so
 * the runbook's LIKE matches every statement row of a matching batch (the DECLARE of the query point
 * too). Here the LIKE applies to each row's own statement, cut out of the batch text as the
 * sys.dm_exec_query_stats page shows (SD:docs/relational-databases/system-dynamic-management-views/sys-dm-exec-query-stats-transact-sql.md,
 * example A): the offsets are bytes into the nvarchar text (hence / 2, + 1 for SUBSTRING's 1-based
 * start), and statement_end_offset = -1 means the end of the batch (DATALENGTH of the text). Batches of
 * atombench's plan sampling (PLAN_SAMPLE_MARKER) are left out so sampling cannot inflate it; averages
 * are execution-weighted (total time / total executions).
 */
export function statementStatsQuery(names: ObjectNames): SqlStatement {
  return {
    text: `SELECT
    SUM(CAST(qs.total_elapsed_time AS FLOAT)) / NULLIF(SUM(qs.execution_count), 0) / 1000 AS AvgDurationMs,
    SUM(CAST(qs.total_logical_reads AS FLOAT)) / NULLIF(SUM(qs.execution_count), 0) AS AvgLogicalReads,
    SUM(qs.execution_count) AS Executions,
    COUNT(*) AS Statements
FROM sys.dm_exec_query_stats AS qs
CROSS APPLY sys.dm_exec_sql_text(qs.sql_handle) AS st
CROSS APPLY (SELECT SUBSTRING(st.text, (qs.statement_start_offset / 2) + 1,
    ((CASE qs.statement_end_offset WHEN -1 THEN DATALENGTH(st.text) ELSE qs.statement_end_offset END
      - qs.statement_start_offset) / 2) + 1) AS statement_text) AS stmt
WHERE stmt.statement_text LIKE N'%' + @table + N'%' ESCAPE N'\\'
    AND stmt.statement_text LIKE N'%STIntersects%'
    AND st.text NOT LIKE N'%' + @marker + N'%' ESCAPE N'\\';`,
    params: [
      param('table', 'nvarchar', likeLiteral(names.embeddingsTable)),
      param('marker', 'nvarchar', likeLiteral(PLAN_SAMPLE_MARKER)),
    ],
  };
}

function serviceParams(names: ObjectNames) {
  return brokerServices(names).map((s, i) => param(`s${i}`, 'nvarchar', s));
}
const serviceList = (names: ObjectNames) =>
  brokerServices(names)
    .map((_, i) => `@s${i}`)
    .join(', ');

/**
 * Conversation endpoints of the loop's services by state: anything but CD (closed) that stays is a
 * leaked conversation (SD:docs/relational-databases/system-catalog-views/sys-conversation-endpoints-transact-sql.md).
 */
export function conversationStatesQuery(names: ObjectNames): SqlStatement {
  return {
    text: `SELECT ce.state AS state, COUNT(*) AS n
FROM sys.conversation_endpoints AS ce
JOIN sys.services AS s ON s.service_id = ce.service_id
WHERE s.name IN (${serviceList(names)})
GROUP BY ce.state;`,
    params: serviceParams(names),
  };
}

/** Messages stuck in sys.transmission_queue for the loop's services (transmission_status says why). */
export function transmissionQueueQuery(names: ObjectNames): SqlStatement {
  return {
    text: `SELECT COUNT(*) AS n FROM sys.transmission_queue
WHERE from_service_name IN (${serviceList(names)}) OR to_service_name IN (${serviceList(names)});`,
    params: serviceParams(names),
  };
}

/** Queues disabled by poison-message handling (is_receive_enabled = 0) among the loop's queues. */
export function disabledQueuesQuery(names: ObjectNames): SqlStatement {
  const queues = [
    names.analyzeQueue,
    names.hypothesizeQueue,
    names.actQueue,
    names.learnQueue,
    names.initiatorQueue,
  ];
  return {
    text: `SELECT COUNT(*) AS n FROM sys.service_queues
WHERE schema_id = SCHEMA_ID(@schema) AND name IN (${queues.map((_, i) => `@q${i}`).join(', ')}) AND is_receive_enabled = 0;`,
    params: [param('schema', 'sysname', names.schema), ...queues.map((q, i) => param(`q${i}`, 'sysname', q))],
  };
}

/**
 * Activation counters of the loop's queues (issue 17 item 7's probes; the deployment activates
 * sp_Hypothesize / sp_Act / sp_Learn): per queue, the server's own readers running
 * (sys.dm_broker_activated_tasks, SD:docs/relational-databases/system-dynamic-management-views/sys-dm-broker-activated-tasks-transact-sql.md),
 * sessions waiting in a RECEIVE, and whether a queue monitor exists (sys.dm_broker_queue_monitors,
 * sys-dm-broker-queue-monitors-transact-sql.md: tasks_waiting counts every session waiting in
 * WAITFOR (RECEIVE), atombench's own client consumers too). Both need VIEW SERVER STATE.
 */
export function activationQuery(names: ObjectNames): SqlStatement {
  const queues = [names.analyzeQueue, names.hypothesizeQueue, names.actQueue, names.learnQueue];
  return {
    text: `SELECT q.name AS queue_name,
    CAST(q.is_activation_enabled AS int) AS activation_enabled,
    (SELECT COUNT(*) FROM sys.dm_broker_activated_tasks AS t
        WHERE t.database_id = DB_ID() AND t.queue_id = q.object_id) AS activated_tasks,
    COALESCE(qm.tasks_waiting, 0) AS tasks_waiting,
    CASE WHEN qm.queue_id IS NULL THEN 0 ELSE 1 END AS has_monitor
FROM sys.service_queues AS q
LEFT JOIN sys.dm_broker_queue_monitors AS qm ON qm.queue_id = q.object_id AND qm.database_id = DB_ID()
WHERE q.schema_id = SCHEMA_ID(@schema) AND q.name IN (${queues.map((_, i) => `@q${i}`).join(', ')});`,
    params: [param('schema', 'sysname', names.schema), ...queues.map((q, i) => param(`q${i}`, 'sysname', q))],
  };
}

export interface ActivationRow {
  queue_name: string;
  activation_enabled: number;
  activated_tasks: number;
  tasks_waiting: number;
  has_monitor: number;
}

/** Gauges per queue: activation.<queue>.{enabled,activatedTasks,tasksWaiting}. */
export function activationGauges(rowsIn: readonly ActivationRow[]): Record<string, number> {
  const g: Record<string, number> = {};
  for (const r of rowsIn) {
    g[`activation.${r.queue_name}.enabled`] = Number(r.activation_enabled);
    g[`activation.${r.queue_name}.activatedTasks`] = Number(r.activated_tasks);
    g[`activation.${r.queue_name}.tasksWaiting`] = Number(r.tasks_waiting);
  }
  return g;
}

/** What the fingerprint records: version, edition and the settings that change results. */
export const FINGERPRINT_SQL = `SELECT
    CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS ProductVersion,
    CAST(SERVERPROPERTY('ProductLevel') AS nvarchar(128)) AS ProductLevel,
    CAST(SERVERPROPERTY('ProductUpdateLevel') AS nvarchar(128)) AS ProductUpdateLevel,
    CAST(SERVERPROPERTY('Edition') AS nvarchar(128)) AS Edition,
    d.name AS DatabaseName,
    d.compatibility_level AS CompatibilityLevel,
    d.is_broker_enabled AS BrokerEnabled,
    d.is_read_committed_snapshot_on AS ReadCommittedSnapshot,
    d.snapshot_isolation_state_desc AS SnapshotIsolation,
    d.recovery_model_desc AS RecoveryModel,
    (SELECT CAST(value_in_use AS int) FROM sys.configurations WHERE name = N'max degree of parallelism') AS MaxDop,
    (SELECT CAST(value_in_use AS int) FROM sys.configurations WHERE name = N'cost threshold for parallelism') AS CostThreshold,
    (SELECT CAST(value_in_use AS bigint) FROM sys.configurations WHERE name = N'max server memory (MB)') AS MaxServerMemoryMb
FROM sys.databases AS d WHERE d.database_id = DB_ID();`;

/** Query Store state (default ON for new databases in 2022); may need VIEW DATABASE STATE. */
export const QUERY_STORE_SQL =
  'SELECT actual_state_desc AS QueryStore FROM sys.database_query_store_options;';
