/**
 * Index maintenance on PostGIS (scenario `maintenance:`): a connection of its own, in autocommit, running
 * dialect.ts's statements in order. A failed REINDEX CONCURRENTLY leaves an <index>_ccnew or _ccold index
 * behind (postgresql.org/docs/current/sql-reindex.html); it is dropped before the failure is reported, so
 * the next rebuild and the next run find one index, under its name.
 */
import type pg from 'pg';
import type { ObjectNames } from '../../scenario/names.ts';
import type { MaintenanceSession } from '../types.ts';
import { openClient } from './connection.ts';
import { REBUILD_LEFTOVERS_SQL, postgisIds, postgisMaintenanceSql } from './dialect.ts';

/** Drop the leftovers of a failed concurrent rebuild of `index`; a failure here is not the story. */
async function dropRebuildLeftovers(c: pg.Client, index: string): Promise<void> {
  try {
    const r = await c.query<{ name: string }>(REBUILD_LEFTOVERS_SQL, [index]);
    for (const { name } of r.rows) await c.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
  } catch {
    // The connection is gone or the catalog busy: the next run's schema check sees the index as it is.
  }
}

export async function openMaintenanceSession(url: string, names: ObjectNames): Promise<MaintenanceSession> {
  const client = await openClient(url);
  const ids = postgisIds(names);
  return {
    run: async (kind) => {
      const statements = postgisMaintenanceSql(ids, kind);
      try {
        for (const st of statements) await client.query(st);
      } catch (e) {
        if (kind === 'rebuild') await dropRebuildLeftovers(client, names.spatialIndex);
        throw e;
      }
      return statements;
    },
    close: () => client.end().catch(() => undefined),
  };
}
