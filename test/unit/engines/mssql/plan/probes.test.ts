import { describe, expect, it } from 'vitest';
import { NAME_PRESETS } from '../../../../../src/scenario/names.ts';
import {
  clientGauges,
  defaultCapabilities,
  depthByPhase,
  statementGauges,
} from '../../../../../src/engines/mssql/plan/probes.ts';
import {
  BUFFER_CACHE_SQL,
  conversationStatesQuery,
  PLAN_SAMPLE_MARKER,
  queryStatsQuery,
  statementStatsQuery,
  transmissionQueueQuery,
} from '../../../../../src/engines/mssql/sql/dialect-probes.ts';

const names = NAME_PRESETS.runbook!;

describe('probe queries', () => {
  it('depth per phase; a queue with no rows is 0', () => {
    expect(
      depthByPhase(names, [
        { queue_name: 'ActQueue', depth: '3' },
        { queue_name: 'InitiatorQueue', depth: 9 },
      ]),
    ).toEqual({
      Analyze: 0,
      Hypothesize: 0,
      Act: 3,
      Learn: 0,
    });
  });

  it('capabilities: queue depth n/a with the reason when OODA is off', () => {
    expect(defaultCapabilities(false).queueDepth).toEqual({
      supported: false,
      reason: expect.stringContaining('ooda.enabled'),
    });
    expect(defaultCapabilities(true).queueDepth.supported).toBe(true);
  });

  it('the runbook statement-stats query with an escaped LIKE parameter', () => {
    const s = queryStatsQuery({ ...names, embeddingsTable: 'Atom_Embeddings' });
    expect(s.text).toContain(
      'AVG(CAST(total_elapsed_time AS FLOAT) / execution_count / 1000) AS AvgDurationMs',
    );
    expect(s.text).toContain('CROSS APPLY sys.dm_exec_sql_text(qs.sql_handle) st');
    expect(s.text).toContain("WHERE st.text LIKE N'%' + @table + N'%' ESCAPE N'\\'");
    expect(s.text).toContain("AND st.text LIKE N'%STIntersects%'");
    expect(s.params[0]!.value).toBe('Atom\\_Embeddings');
  });

  it("the statement-level figure: each row's own statement cut out by its byte offsets", () => {
    const s = statementStatsQuery({ ...names, embeddingsTable: 'Atom_Embeddings' });
    // sys-dm-exec-query-stats-transact-sql.md example A, verbatim but for the aliases.
    expect(s.text).toContain(`SUBSTRING(st.text, (qs.statement_start_offset / 2) + 1,
    ((CASE qs.statement_end_offset WHEN -1 THEN DATALENGTH(st.text) ELSE qs.statement_end_offset END
      - qs.statement_start_offset) / 2) + 1) AS statement_text`);
    expect(s.text).toContain("WHERE stmt.statement_text LIKE N'%' + @table + N'%' ESCAPE N'\\'");
    expect(s.text).toContain("AND stmt.statement_text LIKE N'%STIntersects%'");
    expect(s.text).toContain("AND st.text NOT LIKE N'%' + @marker + N'%' ESCAPE N'\\';");
    expect(s.text).toContain(
      'SUM(CAST(qs.total_elapsed_time AS FLOAT)) / NULLIF(SUM(qs.execution_count), 0) / 1000 AS AvgDurationMs',
    );
    expect(Object.fromEntries(s.params.map((p) => [p.name, p.value]))).toEqual({
      table: 'Atom\\_Embeddings',
      marker: '/* atombench:plan-sample */',
    });
    // The probe's own text names neither the table nor the marker (both are parameters).
    expect(s.text).not.toContain('Atom_Embeddings');
    expect(s.text).not.toContain(PLAN_SAMPLE_MARKER);
  });

  it('the offset arithmetic picks the one statement out of a parameterized batch (bytes of nvarchar)', () => {
    // What the SUBSTRING computes, on a batch as sp_executesql stores it: offsets are byte offsets
    // into UTF-16 text, end -1 = to the end of the batch; SUBSTRING is 1-based in characters.
    const batch =
      '(@x float,@y float)DECLARE @q geometry = geometry::Point(@x, @y, 0);\nSELECT TOP (10) 1 FROM dbo.AtomEmbeddings AS e WHERE e.G.STIntersects(@q.STBuffer(10)) = 1;';
    const cut = (start: number, end: number) => {
      const dataLength = batch.length * 2;
      const from = start / 2 + 1;
      const len = ((end === -1 ? dataLength : end) - start) / 2 + 1;
      return batch.slice(from - 1, from - 1 + len);
    };
    const selectAt = batch.indexOf('SELECT');
    const declare = cut(batch.indexOf('DECLARE') * 2, (selectAt - 2) * 2);
    const select = cut(selectAt * 2, -1);
    expect(declare).toBe('DECLARE @q geometry = geometry::Point(@x, @y, 0);');
    expect(select.startsWith('SELECT TOP (10)')).toBe(true);
    expect(select.endsWith('= 1;')).toBe(true);
    // The runbook's batch-level LIKE matches both rows; the statement-level one only the SELECT.
    const matches = (t: string) => t.includes('AtomEmbeddings') && t.includes('STIntersects');
    expect([batch, batch].filter(matches)).toHaveLength(2);
    expect([declare, select].filter(matches)).toEqual([select]);
  });

  it('statement gauges: n/a (absent) without executions, never 0', () => {
    expect(statementGauges(undefined)).toEqual({});
    expect(
      statementGauges({ AvgDurationMs: null, AvgLogicalReads: null, Executions: 0, Statements: 0 }),
    ).toEqual({});
    expect(
      statementGauges({ AvgDurationMs: 2.5, AvgLogicalReads: 40, Executions: '12', Statements: 3 }),
    ).toEqual({
      'queryStats.statement.avgDurationMs': 2.5,
      'queryStats.statement.executions': 12,
      'queryStats.statement.rows': 3,
      'queryStats.statement.avgLogicalReads': 40,
    });
  });

  it('buffer cache hit ratio as the facts file writes it', () => {
    expect(BUFFER_CACHE_SQL).toContain('100.0 * a.cntr_value / NULLIF(b.cntr_value, 0)');
    expect(BUFFER_CACHE_SQL).toContain("RTRIM(b.counter_name) = N'Buffer cache hit ratio base'");
  });

  it("broker gauges are filtered to the loop's five services", () => {
    const c = conversationStatesQuery(names);
    expect(c.params.map((p) => p.value)).toEqual([
      'AnalyzeService',
      'HypothesizeService',
      'ActService',
      'LearnService',
      '//Hartonomous/Service/Initiator',
    ]);
    expect(c.text).toContain('GROUP BY ce.state;');
    expect(transmissionQueueQuery(names).text).toContain('from_service_name IN (@s0, @s1, @s2, @s3, @s4)');
  });
});

describe('activation counters (sys.dm_broker_activated_tasks, sys.dm_broker_queue_monitors)', () => {
  it('per loop queue, names as parameters, monitors joined on this database', async () => {
    const { activationQuery, activationGauges } =
      await import('../../../../../src/engines/mssql/sql/dialect-probes.ts');
    const s = activationQuery(names);
    expect(s.text).toContain(
      'WHERE t.database_id = DB_ID() AND t.queue_id = q.object_id) AS activated_tasks',
    );
    expect(s.text).toContain(
      'LEFT JOIN sys.dm_broker_queue_monitors AS qm ON qm.queue_id = q.object_id AND qm.database_id = DB_ID()',
    );
    expect(s.params.map((p) => p.value)).toEqual([
      'dbo',
      'AnalyzeQueue',
      'HypothesizeQueue',
      'ActQueue',
      'LearnQueue',
    ]);
    expect(
      activationGauges([
        {
          queue_name: 'ActQueue',
          activation_enabled: 1,
          activated_tasks: 1,
          tasks_waiting: 0,
          has_monitor: 1,
        },
      ]),
    ).toEqual({
      'activation.ActQueue.enabled': 1,
      'activation.ActQueue.activatedTasks': 1,
      'activation.ActQueue.tasksWaiting': 0,
    });
  });
});

describe('clientGauges (kept client-side, merged into every probe sample)', () => {
  it('names broker errors by class and the last primary-filter sample; nothing before either exists', () => {
    expect(clientGauges(undefined, undefined)).toEqual({});
    expect(
      clientGauges(
        { timeout: 2, deadlock: 1 },
        { candidates: 40, output: 10, efficiencyPercent: 25, indexRowsPerBaseRow: 1.5 },
      ),
    ).toEqual({
      'brokerErrors.timeout': 2,
      'brokerErrors.deadlock': 1,
      'primaryFilter.efficiencyPercent': 25,
      'spatialIndex.rowsPerBaseRow': 1.5,
    });
    expect(clientGauges({}, { candidates: 1, output: 1 })).toEqual({});
  });
});
