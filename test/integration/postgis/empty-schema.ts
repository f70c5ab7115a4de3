import { PostgisEngine } from '../../../src/engines/postgis/index.ts';
import { schemaPlan } from '../../../src/run/dataset.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import type { Scenario } from '../../../src/scenario/schema.ts';
import type { PgServer } from '../../helpers/pg-server.ts';

/** A new database `db` with PostGIS and the scenario's tables, no rows: what the seeder writes into. */
export async function createEmptySchema(server: PgServer, db: string, sc: Scenario): Promise<void> {
  server.psql(`CREATE DATABASE ${db}`);
  server.psql('CREATE EXTENSION postgis', db);
  const names = resolveNames(sc.names.preset, sc.names.overrides);
  const engine = new PostgisEngine({ url: server.urlFor(db), dataset: sc.dataset, names, runNonce: 't' });
  await engine.connect();
  try {
    await engine.prepare(schemaPlan(sc), { allowDestructive: true, force: false });
  } finally {
    await engine.close();
  }
}
