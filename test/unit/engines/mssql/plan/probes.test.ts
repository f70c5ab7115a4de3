import { describe, expect, it } from 'vitest';
import { NAME_PRESETS } from '../../../../../src/scenario/names.ts';
import { defaultCapabilities, depthByPhase } from '../../../../../src/engines/mssql/plan/probes.ts';
import {
  BUFFER_CACHE_SQL,
  conversationStatesQuery,
  queryStatsQuery,
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
