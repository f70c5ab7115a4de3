/**
 * `atombench check` on PostgreSQL + PostGIS: the parts of the runbook's Quick Health Check that exist
 * here (OODA loop in the last hour, the spatial index, workers in the last 15 minutes; no Service
 * Broker: SKIP LOCKED queue tables), and its Common Issues as findings with their diagnosis run in a
 * READ ONLY transaction that is rolled back (nothing can be written).
 */
import type pg from 'pg';
import { RuntimeFailure } from '../../../errors.ts';
import type { HealthReport, HealthRow } from '../../../model/health.ts';
import { PHASES, phaseQueue, type ObjectNames } from '../../../scenario/names.ts';
import { commonIssueFinding, detectCommonIssues, quickCheckRows, rowsText } from '../../common-issues.ts';
import { displayUrl, openClient } from '../connection.ts';
import { quoteDouble as q, quoteSingle as lit } from '../../sql-template.ts';

/** The SQL of each check and diagnosis (pure, for tests). */
export function postgisHealthSql(names: ObjectNames) {
  const metrics = q(names.metricsTable);
  return {
    oodaLastHour: `SELECT count(*)::int AS n FROM ${metrics} WHERE ExecutedAt >= now() - interval '1 hour'`,
    lastExecutedAt: `SELECT max(ExecutedAt) AS "LastExecutedAt" FROM ${metrics}`,
    atomsLast15Min: `SELECT count(*)::int AS n FROM ${q(names.atomsTable)} WHERE CreatedAt >= now() - interval '15 minutes'`,
    atoms: `SELECT count(*)::int AS n FROM ${q(names.atomsTable)}`,
    spatialIndex: `SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = ${lit(names.embeddingsTable)} AND indexname = ${lit(names.spatialIndex)}`,
    queueDepth: PHASES.map((p) => ({
      queue: phaseQueue(names, p),
      sql: `SELECT count(*)::int AS n FROM ${q(phaseQueue(names, p))}`,
    })),
    // The runbook's diagnosis query: TOP 10 inside the radius-10 buffer of the query point (the origin).
    spatialDiagnosis: `SELECT * FROM ${q(names.embeddingsTable)} WHERE ST_Intersects(${q(names.geometryColumn)}, ST_Buffer(ST_MakePoint(0, 0), 10)) LIMIT 10`,
  };
}

export async function runPostgisHealthCheck(url: string, names: ObjectNames): Promise<HealthReport> {
  let c: pg.Client;
  try {
    c = await openClient(url);
  } catch (e) {
    throw new RuntimeFailure(`cannot connect to PostgreSQL at ${displayUrl(url)}: ${(e as Error).message}`);
  }
  try {
    await c.query('BEGIN READ ONLY');
    const sql = postgisHealthSql(names);
    // Each check in a savepoint, so a missing table makes that check n/a, not the transaction dead.
    const count = async (text: string): Promise<number | undefined> => {
      await c.query('SAVEPOINT chk');
      try {
        const r = await c.query<{ n: number }>(text);
        await c.query('RELEASE SAVEPOINT chk');
        return Number(r.rows[0]?.n);
      } catch {
        await c.query('ROLLBACK TO SAVEPOINT chk');
        return undefined;
      }
    };
    const ooda = await count(sql.oodaLastHour);
    const ix = (await count(sql.spatialIndex)) ?? 0;
    const workers = await count(sql.atomsLast15Min);
    const rows: HealthRow[] = quickCheckRows({
      names,
      oodaLastHour: ooda,
      spatialIndexes: ix,
      indexDetail: {
        present: `${names.spatialIndex} exists (one GiST index, not >= 10)`,
        missing: `no index ${names.spatialIndex}`,
      },
      atomsLast15Min: workers,
      noBroker: 'PostgreSQL has no Service Broker (SKIP LOCKED queue tables)',
    });

    let spatialMs: number | undefined;
    if (ix > 0) {
      const t: number[] = [];
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        await c.query(sql.spatialDiagnosis);
        t.push(performance.now() - start);
      }
      spatialMs = t.sort((a, b) => a - b)[2];
    }
    const queueLines = async () => {
      const out: { query: string; output: string }[] = [];
      for (const d of sql.queueDepth)
        out.push({ query: d.sql, output: `${d.queue}: ${(await count(d.sql)) ?? 'n/a'}` });
      return out;
    };
    const issues = detectCommonIssues({
      oodaLastHour: ooda,
      atomsLast15Min: workers,
      atoms: await count(sql.atoms),
      spatialAvgMs:
        spatialMs === undefined
          ? undefined
          : { value: spatialMs, source: 'the diagnosis query timed by check, median of 5' },
    });
    const findings = [];
    for (const { issue, observed } of issues) {
      if (issue === 'ooda-stopped')
        findings.push(
          commonIssueFinding(issue, observed, [
            { query: 'Service Broker enabled', output: 'n/a: PostgreSQL has no Service Broker' },
            { query: sql.lastExecutedAt, output: rowsText((await c.query(sql.lastExecutedAt)).rows) },
            ...(await queueLines()),
          ]),
        );
      else if (issue === 'slow-spatial') {
        const plan = (await c.query(`EXPLAIN ${sql.spatialDiagnosis}`)).rows.map((r) =>
          String(Object.values(r)[0]),
        );
        findings.push(
          commonIssueFinding(issue, observed, [
            { query: `EXPLAIN ${sql.spatialDiagnosis}`, output: plan.join(' / ') },
          ]),
        );
      } else findings.push(commonIssueFinding(issue, observed, await queueLines()));
    }
    const database = String((await c.query('SELECT current_database() AS db')).rows[0]?.db ?? '?');
    return {
      database,
      server: displayUrl(url).replace(/\/[^/]*$/, ''),
      rows,
      findings,
      failed: rows.some((r) => r.status === 'FAILED'),
    };
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
    await c.end().catch(() => undefined);
  }
}
