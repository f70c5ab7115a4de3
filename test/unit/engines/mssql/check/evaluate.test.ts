import { describe, expect, it } from 'vitest';
import { evaluateHealth, type HealthObservations } from '../../../../../src/engines/mssql/check/evaluate.ts';
import { renderHealthReport } from '../../../../../src/report/check/terminal.ts';
import { type HealthRow } from '../../../../../src/model/health.ts';
import { healthQueries } from '../../../../../src/engines/mssql/check/queries.ts';
import { NAME_PRESETS, resolveNames } from '../../../../../src/scenario/names.ts';

const v = (value: number | null) => ({ value });

function healthy(): HealthObservations {
  return {
    database: 'Hartonomous',
    brokerEnabled: v(1),
    oodaLastHour: v(4),
    spatialIndexes: v(16),
    workersLast15Min: v(120),
    reasoningLastHour: v(0),
    oodaPhases: {
      rows: ['Analyze', 'Hypothesize', 'Act', 'Learn'].map((Phase) => ({
        Phase,
        Executions: 48,
        AvgDuration: 1200,
        SuccessRate: 100,
      })),
    },
    queueDepth: { AnalyzeQueue: v(0), HypothesizeQueue: v(2), ActQueue: v(0), LearnQueue: v(0) },
    spatialAvgMs: v(12.5),
    spatialAvgLogicalReads: v(40),
    cacheHitPct: v(99.2),
    coherence: v(0.82),
    treeOfThought: v(4.5),
    reflexion: v(0.7),
  };
}

const row = (rows: HealthRow[], component: string) => rows.find((r) => r.component === component)!;

describe('runbook health evaluation', () => {
  it('a healthy deployment is Healthy everywhere', () => {
    const rows = evaluateHealth(healthy());
    expect(rows.filter((r) => r.status !== 'Healthy')).toEqual([]);
    expect(rows.filter((r) => r.section === 'Quick Health Check').map((r) => r.component)).toEqual([
      'Service Broker',
      'OODA Loop',
      'Spatial Indexes',
      'Workers',
      'Reasoning Frameworks',
    ]);
    expect(row(rows, 'OODA loop frequency').detail).toContain('one every 30 min');
  });

  it.each([
    ['Service Broker', { brokerEnabled: v(0) }, 'FAILED'],
    ['OODA Loop', { oodaLastHour: v(0) }, 'FAILED'],
    ['Spatial Indexes', { spatialIndexes: v(9) }, 'WARNING'],
    ['Spatial Indexes', { spatialIndexes: v(10) }, 'Healthy'],
    ['Workers', { workersLast15Min: v(0) }, 'WARNING'],
    ['Queue depth HypothesizeQueue', { queueDepth: { HypothesizeQueue: v(10) } }, 'WARNING'],
    ['Spatial query average', { spatialAvgMs: v(50) }, 'WARNING'],
    ['Buffer cache hit ratio', { cacheHitPct: v(80) }, 'WARNING'],
    ['Chain of Thought coherence', { coherence: v(0.7) }, 'WARNING'],
    ['Tree of Thought paths', { treeOfThought: v(3) }, 'WARNING'],
    ['Reflexion agreement', { reflexion: v(0.5) }, 'WARNING'],
  ] as const)('%s -> %s', (component, patch, status) => {
    expect(row(evaluateHealth({ ...healthy(), ...patch } as HealthObservations), component).status).toBe(
      status,
    );
  });

  it("the runbook's reasoning check always passes, and says so", () => {
    const r = row(evaluateHealth({ ...healthy(), reasoningLastHour: v(0) }), 'Reasoning Frameworks');
    expect(r.status).toBe('Healthy');
    expect(r.detail).toContain('always passes');
  });

  it('phase targets: success > 95 %, average < 5 s, a loop every 15-60 min', () => {
    const rows = evaluateHealth({
      ...healthy(),
      oodaPhases: { rows: [{ Phase: 'Analyze', Executions: 1000, AvgDuration: 6000, SuccessRate: 95 }] },
    });
    const a = row(rows, 'OODA phase Analyze');
    expect(a.status).toBe('WARNING');
    expect(a.detail).toContain('success 95 % (target > 95 %)');
    expect(a.detail).toContain('average 6000 ms (target < 5000 ms)');
    expect(row(rows, 'OODA loop frequency').status).toBe('WARNING');
  });

  it('what cannot be measured is N/A with the reason, never a pass', () => {
    const rows = evaluateHealth({
      ...healthy(),
      oodaLastHour: { error: "not measurable: Invalid object name 'dbo.OODALoopMetrics'." },
      oodaPhases: { error: 'not measurable: table missing' },
      coherence: { error: 'not measurable (this schema lacks the column): Invalid column name' },
      spatialAvgMs: v(null),
      cacheHitPct: { error: 'not measurable: needs VIEW SERVER STATE' },
      treeOfThought: v(null),
    });
    expect(row(rows, 'OODA Loop')).toMatchObject({
      status: 'N/A',
      detail: expect.stringContaining('OODALoopMetrics'),
    });
    expect(row(rows, 'OODA phases (24 h)').status).toBe('N/A');
    expect(row(rows, 'Chain of Thought coherence').status).toBe('N/A');
    expect(row(rows, 'Spatial query average')).toMatchObject({
      status: 'N/A',
      detail: expect.stringContaining('STIntersects'),
    });
    expect(row(rows, 'Buffer cache hit ratio').detail).toContain('VIEW SERVER STATE');
    expect(row(rows, 'Tree of Thought paths').status).toBe('N/A');
  });

  it('renders a table with every row and the FAILED verdict', () => {
    const rows = evaluateHealth({ ...healthy(), brokerEnabled: v(0) });
    const text = renderHealthReport({ database: 'Hartonomous', server: 'db:1433', rows, failed: true });
    expect(text.split('\n')[0]).toBe('Hartonomous health check: Hartonomous on db:1433');
    expect(text).toMatch(/Quick Health Check\s+Service Broker\s+FAILED\s+disabled in Hartonomous/);
    expect(text.trimEnd().endsWith('- FAILED')).toBe(true);
    for (const r of rows) expect(text).toContain(r.component);
  });
});

describe('runbook queries with mapped names', () => {
  it('uses the current database and the mapped tables, read-only', () => {
    const q = healthQueries(NAME_PRESETS.runbook!);
    expect(q.brokerEnabled.text).toContain('WHERE name = DB_NAME()');
    expect(q.oodaLastHour.text).toBe(
      'SELECT COUNT(*) AS Observed FROM [dbo].[OODALoopMetrics] WHERE ExecutedAt >= DATEADD(HOUR, -1, GETUTCDATE());',
    );
    expect(q.spatialIndexes.text).toBe(
      "SELECT COUNT(*) AS Observed FROM sys.indexes WHERE type_desc = 'SPATIAL';",
    );
    expect(q.workersLast15Min.text).toContain(
      'FROM [dbo].[Atoms] WHERE CreatedAt >= DATEADD(MINUTE, -15, GETUTCDATE())',
    );
    expect(q.oodaPhases.text).toContain(
      'SUM(CASE WHEN Success = 1 THEN 1 ELSE 0 END) * 100.0 / COUNT(*) AS SuccessRate',
    );
    expect(q.queueDepth.AnalyzeQueue!.text).toBe('SELECT COUNT(*) AS Observed FROM [dbo].[AnalyzeQueue];');
    const all = [
      q.brokerEnabled,
      q.oodaLastHour,
      q.spatialIndexes,
      q.workersLast15Min,
      q.reasoningLastHour,
      q.oodaPhases,
      q.coherence,
      q.treeOfThought,
      q.reflexion,
      ...Object.values(q.queueDepth),
    ];
    for (const s of all)
      expect(s.text).not.toMatch(/\b(INSERT|UPDATE|DELETE|MERGE|DROP|ALTER|CREATE|EXEC|RECEIVE|SEND)\b/i);
  });

  it('HEAD names', () => {
    const q = healthQueries(resolveNames('head', {}));
    expect(q.workersLast15Min.text).toContain('[dbo].[Atom]');
  });
});
