import { describe, expect, it } from 'vitest';
import {
  commonIssueFinding,
  detectCommonIssues,
  rowsText,
  SLOW_SPATIAL_MS,
} from '../../../src/engines/common-issues.ts';
import { healthQueries, slowSpatialDiagnosis } from '../../../src/engines/mssql/check/queries.ts';
import { postgisHealthSql } from '../../../src/engines/postgis/server/check.ts';
import { sqliteHealthSql } from '../../../src/engines/sqlite/check.ts';
import { NAME_PRESETS } from '../../../src/scenario/names.ts';

describe("the runbook's Common Issues", () => {
  it.each([
    [{ oodaLastHour: 0 }, ['ooda-stopped']],
    [{ oodaLastHour: 3 }, []],
    [{ atomsLast15Min: 0 }, ['workers-idle']],
    [{ spatialAvgMs: { value: SLOW_SPATIAL_MS + 1, source: 's' }, atoms: 999_999 }, ['slow-spatial']],
    [{ spatialAvgMs: { value: SLOW_SPATIAL_MS + 1, source: 's' }, atoms: 1_000_000 }, []], // "on <1M atoms"
    [{ spatialAvgMs: { value: SLOW_SPATIAL_MS, source: 's' }, atoms: 10 }, []], // "> 100ms"
    [{ spatialAvgMs: { value: 500, source: 's' } }, []], // atom count unknown: not judged
    [{}, []], // nothing measurable: no finding, never a guess
  ])('%j -> %j', (obs, issues) => {
    expect(detectCommonIssues(obs).map((i) => i.issue)).toEqual(issues);
  });

  it('findings carry the runbook words verbatim and the fix as advice', () => {
    const f = commonIssueFinding('ooda-stopped', 'x', [{ query: 'q', output: 'o' }]);
    expect(f).toEqual({
      issue: 'OODA Loop Stopped',
      symptoms: 'No entries in OODALoopMetrics for >1 hour',
      observed: 'x',
      diagnosis: [{ query: 'q', output: 'o' }],
      fix: [expect.stringContaining('Restart OODA loop')],
    });
    expect(commonIssueFinding('slow-spatial', '', []).symptoms).toBe('Queries taking >100ms on <1M atoms');
    expect(commonIssueFinding('workers-idle', '', []).symptoms).toBe('No new atoms created for >15 minutes');
    expect(rowsText([{ a: 1, b: new Date('2026-01-01T00:00:00Z') }, { a: 2 }])).toBe(
      'a=1, b=2026-01-01T00:00:00.000Z; a=2',
    );
    expect(rowsText([])).toBe('(no rows)');
  });

  it("SQL Server: the runbook's slow-spatial diagnosis with @query declared, statistics off again", () => {
    const t = slowSpatialDiagnosis(NAME_PRESETS.runbook!).text;
    expect(t.indexOf('DECLARE @query geometry = geometry::Point(0, 0, 0);')).toBeLessThan(
      t.indexOf('@query.STBuffer'),
    );
    expect(t).toContain(
      'FROM [dbo].[AtomEmbeddings] WITH (INDEX([IX_AtomEmbeddings_SpatialGeometry]))\nWHERE [SpatialGeometry].STIntersects(@query.STBuffer(10)) = 1;',
    );
    expect(t.startsWith('SET STATISTICS IO ON;\nSET STATISTICS TIME ON;')).toBe(true);
    expect(t.endsWith('SET STATISTICS TIME OFF;\nSET STATISTICS IO OFF;')).toBe(true);
    expect(t).not.toMatch(/\b(INSERT|UPDATE|DELETE|MERGE|EXEC)\b/);
    expect(healthQueries(NAME_PRESETS.head!).atoms.text).toBe(
      'SELECT COUNT_BIG(*) AS Observed FROM [dbo].[Atom];',
    );
  });

  it('SQLite and PostGIS: the windows of the checks', () => {
    const s = sqliteHealthSql(NAME_PRESETS.runbook!);
    expect(s.oodaLastHour).toBe(
      `SELECT COUNT(*) AS n FROM "OODALoopMetrics" WHERE ExecutedAt >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hour')`,
    );
    expect(s.atomsLast15Min).toContain("'now', '-15 minutes')");
    const p = postgisHealthSql(NAME_PRESETS.runbook!);
    expect(p.oodaLastHour).toBe(
      `SELECT count(*)::int AS n FROM "OODALoopMetrics" WHERE ExecutedAt >= now() - interval '1 hour'`,
    );
    expect(p.spatialIndex).toContain("indexname = 'IX_AtomEmbeddings_SpatialGeometry'");
    expect(p.queueDepth.map((d) => d.queue)).toEqual([
      'AnalyzeQueue',
      'HypothesizeQueue',
      'ActQueue',
      'LearnQueue',
    ]);
  });
});
