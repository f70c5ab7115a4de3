/**
 * `check` on a real PostGIS dataset (a throwaway server): the runbook's Common Issues as findings, run
 * in a READ ONLY transaction. Stale OODA metrics give "OODA Loop Stopped" in the runbook's words.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgisEngine } from '../../../src/engines/postgis/index.ts';
import { ensureDataset } from '../../../src/run/dataset.ts';
import { silentProgress } from '../../../src/run/progress.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import { postgisSkipReason, startPgServer, type PgServer } from '../../helpers/pg-server.ts';
import { contractScenario } from '../contract.ts';

const skip = postgisSkipReason();

describe.skipIf(!!skip)('check on PostGIS: the runbook Common Issues', () => {
  let server: PgServer;
  const sc = contractScenario({ engine: 'postgis' });
  const engine = () =>
    new PostgisEngine({
      url: server.urlFor('check_db'),
      dataset: sc.dataset,
      names: resolveNames('runbook', {}),
      runNonce: 'chk',
    });
  const sql = async (text: string) => {
    const c = new pg.Client({ connectionString: server.urlFor('check_db') });
    await c.connect();
    try {
      return (await c.query(text)).rows;
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off', synchronous_commit: 'off' } });
    server.psql('CREATE DATABASE check_db');
    server.psql('CREATE EXTENSION postgis;', 'check_db');
    const e = engine();
    await e.connect();
    await ensureDataset(e, sc, { reseed: true, force: false, progress: silentProgress });
    await e.close();
    await sql(
      `INSERT INTO "OODALoopMetrics" (Phase, ExecutedAt, DurationMs, Success) VALUES ('Analyze', now() - interval '2 hours', 12, true)`,
    );
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('stale metrics: "OODA Loop Stopped" with the runbook symptom and the diagnosis output', async () => {
    const report = await engine().healthCheck();
    expect(report.database).toBe('check_db');
    expect(report.failed).toBe(true);
    expect(report.rows.find((r) => r.component === 'OODA Loop')).toMatchObject({ status: 'FAILED' });
    expect(report.rows.find((r) => r.component === 'Spatial Indexes')).toMatchObject({ status: 'Healthy' });
    const f = report.findings!;
    expect(f.map((x) => x.issue)).toEqual(['OODA Loop Stopped']);
    expect(f[0]!.symptoms).toBe('No entries in OODALoopMetrics for >1 hour');
    const last = f[0]!.diagnosis.find((d) => d.query.startsWith('SELECT max(ExecutedAt)'))!;
    const at = Date.parse(last.output.replace(/^LastExecutedAt=/, ''));
    expect(Date.now() - at).toBeGreaterThan(3600_000);
    expect(Date.now() - at).toBeLessThan(3 * 3600_000);
    expect(
      f[0]!.diagnosis.filter((d) => /^(Analyze|Hypothesize|Act|Learn)Queue: 0$/.test(d.output)),
    ).toHaveLength(4);
    // Read-only: the metrics table is as it was.
    expect((await sql('SELECT count(*)::int AS n FROM "OODALoopMetrics"'))[0].n).toBe(1);
  });

  it('a fresh metric row clears it; atoms older than 15 minutes: "Worker Service Not Processing"', async () => {
    await sql(`INSERT INTO "OODALoopMetrics" (Phase, DurationMs, Success) VALUES ('Learn', 3, true)`);
    await sql(`UPDATE "Atoms" SET CreatedAt = now() - interval '20 minutes'`);
    const report = await engine().healthCheck();
    expect(report.findings!.map((x) => [x.issue, x.symptoms])).toEqual([
      ['Worker Service Not Processing', 'No new atoms created for >15 minutes'],
    ]);
    expect(report.failed).toBe(false);
  });
});
