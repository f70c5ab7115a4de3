/**
 * `atombench check` on the embedded engine: the parts of the runbook's Quick Health Check that exist
 * here (OODA loop in the last hour, spatial index, workers in the last 15 minutes; SQLite has no Service
 * Broker), and its Common Issues as findings with their diagnosis run read-only (the file is opened
 * read-only). Times are ISO-8601 UTC text, so the windows compare as strings.
 */
import { existsSync } from 'node:fs';
import { RuntimeFailure } from '../../errors.ts';
import type { HealthReport, HealthRow } from '../../model/health.ts';
import { PHASES, phaseQueue, type ObjectNames } from '../../scenario/names.ts';
import { quoteDouble as q, quoteSingle } from '../sql-template.ts';
import { commonIssueFinding, detectCommonIssues, quickCheckRows, rowsText } from '../common-issues.ts';
import { openSqlite } from './connection.ts';

/** The SQL of each check and diagnosis (pure, for tests). */
export function sqliteHealthSql(names: ObjectNames) {
  const metrics = q(names.metricsTable);
  const rtree = q(`${names.embeddingsTable}_rtree`);
  return {
    oodaLastHour: `SELECT COUNT(*) AS n FROM ${metrics} WHERE ExecutedAt >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hour')`,
    lastExecutedAt: `SELECT MAX(ExecutedAt) AS LastExecutedAt FROM ${metrics}`,
    atomsLast15Min: `SELECT COUNT(*) AS n FROM ${q(names.atomsTable)} WHERE CreatedAt >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-15 minutes')`,
    atoms: `SELECT COUNT(*) AS n FROM ${q(names.atomsTable)}`,
    spatialIndex: `SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ${quoteSingle(`${names.embeddingsTable}_rtree`)}`,
    queueDepth: PHASES.map((p) => ({
      queue: phaseQueue(names, p),
      sql: `SELECT COUNT(*) AS n FROM ${q(phaseQueue(names, p))}`,
    })),
    // The runbook's diagnosis query: TOP 10 inside the radius-10 buffer of the query point (the origin).
    spatialDiagnosis: `SELECT e.* FROM ${rtree} AS r JOIN ${q(names.embeddingsTable)} AS e ON e.${q(names.embeddingIdColumn)} = r.id WHERE r.minX <= 10 AND r.maxX >= -10 AND r.minY <= 10 AND r.maxY >= -10 AND e.X * e.X + e.Y * e.Y <= 100 LIMIT 10`,
  };
}

export function runSqliteHealthCheck(path: string, names: ObjectNames): HealthReport {
  if (!existsSync(path)) throw new RuntimeFailure(`check: no SQLite database at ${path}`);
  const db = openSqlite(path, true);
  try {
    const sql = sqliteHealthSql(names);
    const count = (text: string): number | undefined => {
      try {
        return Number((db.prepare(text).get() as { n: number }).n);
      } catch {
        return undefined;
      }
    };
    const ooda = count(sql.oodaLastHour);
    const rtree = count(sql.spatialIndex) ?? 0;
    const workers = count(sql.atomsLast15Min);
    const rows: HealthRow[] = quickCheckRows({
      names,
      oodaLastHour: ooda,
      spatialIndexes: rtree,
      indexDetail: {
        present: 'the R*Tree exists (SQLite has one spatial index, not >= 10)',
        missing: 'no R*Tree',
      },
      atomsLast15Min: workers,
      noBroker: 'SQLite has no Service Broker (queue tables)',
    });

    // Slow spatial queries: the runbook's diagnosis query timed here (median of 5), on < 1M atoms.
    const spatialMs = rtree > 0 ? medianMs(() => db.prepare(sql.spatialDiagnosis).all(), 5) : undefined;
    const queueLines = () =>
      sql.queueDepth.map((d) => ({ query: d.sql, output: `${d.queue}: ${count(d.sql) ?? 'n/a'}` }));
    const issues = detectCommonIssues({
      oodaLastHour: ooda,
      atomsLast15Min: workers,
      atoms: count(sql.atoms),
      spatialAvgMs:
        spatialMs === undefined
          ? undefined
          : { value: spatialMs, source: 'the diagnosis query timed by check, median of 5' },
    });
    const findings = issues.map(({ issue, observed }) => {
      if (issue === 'ooda-stopped')
        return commonIssueFinding(issue, observed, [
          { query: 'Service Broker enabled', output: 'n/a: SQLite has no Service Broker' },
          {
            query: sql.lastExecutedAt,
            output: rowsText(db.prepare(sql.lastExecutedAt).all() as Record<string, unknown>[]),
          },
          ...queueLines(),
        ]);
      if (issue === 'slow-spatial')
        return commonIssueFinding(issue, observed, [
          {
            query: `EXPLAIN QUERY PLAN ${sql.spatialDiagnosis}`,
            output: rowsText(
              db.prepare(`EXPLAIN QUERY PLAN ${sql.spatialDiagnosis}`).all() as Record<string, unknown>[],
            ),
          },
        ]);
      return commonIssueFinding(issue, observed, queueLines());
    });
    return {
      database: path,
      server: 'sqlite (embedded)',
      rows,
      findings,
      failed: rows.some((r) => r.status === 'FAILED'),
    };
  } finally {
    db.close();
  }
}

function medianMs(fn: () => unknown, n: number): number {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    fn();
    t.push(performance.now() - start);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(n / 2)]!;
}
