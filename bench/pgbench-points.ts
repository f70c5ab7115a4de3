/**
 * Which query points pgbench runs beside `atombench run` (ATOMBENCH_BENCH_PGBENCH_POINTS):
 * - unset (default): the inner bench's uniform core points, drawn by pgbench (comparable with earlier
 *   figures, but another distribution: in a bare lean-client loop the run's points ran 10-20 % slower);
 * - `run`: the statement at 128 of the run's own points, one script each (pgbench's MAX_SCRIPTS), so
 *   128 points repeated keep pgbench's pages hotter than the run's distinct ones;
 * - `table`: the run's own points, of all the requests a run can issue, from a table: each transaction
 *   draws a row number and runs the statement with its query point (`ST_MakePoint($1, $2)`, stored
 *   as that geometry) read by an uncorrelated scalar subquery (an InitPlan: one primary-key lookup in
 *   the same statement, no extra round trip; the GiST kNN scan still orders by the point). The same
 *   workload as the run; what the lookup adds on the server shows in the executor time and server CPU
 *   per call beside the run's (server-meter.ts).
 */
import type { Point3 } from '../src/dataset/types.ts';
import { createQuerySource } from '../src/dataset/queries.ts';
import type { Scenario } from '../src/scenario/schema.ts';
import { POINTS_PER_REQUEST } from '../src/workload/request-stream.ts';
import {
  PGBENCH_MAX_SCRIPTS,
  pgbenchPointScripts,
  pgbenchScript,
  pgbenchSql,
  type BenchOp,
} from './pgbench-side.ts';
import type { BenchServer } from './postgis-common.ts';

export type PointsMode = 'core' | 'run' | 'table';

export function pointsMode(): PointsMode {
  const v = process.env.ATOMBENCH_BENCH_PGBENCH_POINTS;
  if (v === undefined || v === '' || v === 'core') return 'core';
  if (v === 'run' || v === 'table') return v;
  throw new Error(`ATOMBENCH_BENCH_PGBENCH_POINTS: one of core (default), run, table; got "${v}"`);
}

/** The table of the run's points (table mode), in the database the run uses; dropped at the end. */
export const POINTS_TABLE = 'atombench_bench_points';
/** Requests the table covers: more than a 4-client run of 12 s issues at 10k q/s. */
export const TABLE_REQUESTS = 200_000;

/** The query point of request k of a run of this scenario (its run seed is the dataset seed). */
function runPoints(sc: Scenario): (k: number) => Point3 {
  const points = createQuerySource(sc.dataset, sc.workload.queryJitter, sc.dataset.seed);
  return (k) => points.at(k * POINTS_PER_REQUEST);
}

/** Fill the points table with the first TABLE_REQUESTS requests' points (COPY through psql). */
export function createPointsTable(server: BenchServer, sc: Scenario): void {
  const at = runPoints(sc);
  const rows: string[] = [];
  for (let k = 0; k < TABLE_REQUESTS; k++) {
    const q = at(k);
    rows.push(`${k}\t${q.x}\t${q.y}`);
  }
  server.psql(
    [
      `DROP TABLE IF EXISTS ${POINTS_TABLE};`,
      `CREATE TABLE ${POINTS_TABLE} (i int PRIMARY KEY, x float8 NOT NULL, y float8 NOT NULL, p geometry);`,
      `COPY ${POINTS_TABLE} (i, x, y) FROM STDIN;`,
      ...rows,
      '\\.',
      // The point as the statement makes it (ST_MakePoint of the two parameters), stored once.
      `UPDATE ${POINTS_TABLE} SET p = ST_MakePoint(x, y);`,
      `ANALYZE ${POINTS_TABLE};`,
    ].join('\n'),
  );
}

export function dropPointsTable(server: BenchServer): void {
  server.psql(`DROP TABLE IF EXISTS ${POINTS_TABLE};`);
}

/** pgbench's script(s) for this mode. */
export function pgbenchScripts(mode: PointsMode, op: BenchOp, sc: Scenario): string | string[] {
  if (mode === 'core') return pgbenchScript(op);
  if (mode === 'table') {
    const point = `(SELECT p FROM ${POINTS_TABLE} WHERE i = :i)`;
    return [`\\set i random(0, ${TABLE_REQUESTS - 1})`, ...op.sets, `${pgbenchSql(op, point)};`, ''].join(
      '\n',
    );
  }
  const at = runPoints(sc);
  const stride = 97; // requests apart: the sample spans a run's requests, not only its first ones
  return pgbenchPointScripts(
    op,
    Array.from({ length: PGBENCH_MAX_SCRIPTS }, (_, j) => at(j * stride)),
  );
}
