/**
 * SQL Server in a container for the integration suites (testcontainers 11 +
 * mcr.microsoft.com/mssql/server:2022-latest). Where no container runtime exists the suites are skipped
 * with the reason printed; nothing here runs then.
 */
import { MSSQLServerContainer, type StartedMSSQLServerContainer } from '@testcontainers/mssqlserver';
import sql from 'mssql';
import { getContainerRuntimeClient } from 'testcontainers';
import { datasetBatches } from '../../../src/dataset/stream.ts';
import type { Engine, SchemaPlan } from '../../../src/engines/types.ts';
import { scenarioSchema, type ScenarioInput, type Scenario } from '../../../src/scenario/schema.ts';

export const MSSQL_IMAGE = 'mcr.microsoft.com/mssql/server:2022-latest';
/** Meets the SA policy (>= 8 characters, 3 of 4 classes); the container exits otherwise. */
export const SA_PASSWORD = 'Atombench#It2024';

/** Is there a container runtime? Resolves to the reason when there is none. */
export async function containerRuntime(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await getContainerRuntimeClient();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

export async function startMssql(): Promise<StartedMSSQLServerContainer> {
  const c = await new MSSQLServerContainer(MSSQL_IMAGE).acceptLicense().withPassword(SA_PASSWORD).start();
  // The wait strategy matches "Recovery is complete"; give logins a few more seconds if needed.
  for (let attempt = 0; ; attempt++) {
    try {
      await withPool(c, 'master', (p) => p.request().query('SELECT 1 AS ok'));
      return c;
    } catch (e) {
      if (attempt >= 30) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** A sql.config for a database of the container (testcontainers' URI is an ADO string without TLS). */
export function adoString(c: StartedMSSQLServerContainer, database: string): string {
  return `Server=${c.getHost()},${c.getPort()};Database=${database};User Id=sa;Password=${SA_PASSWORD};Encrypt=false;TrustServerCertificate=true`;
}

export function mssqlUrl(c: StartedMSSQLServerContainer, database: string): string {
  return `mssql://sa:${encodeURIComponent(SA_PASSWORD)}@${c.getHost()}:${c.getPort()}/${encodeURIComponent(database)}?encrypt=false&trustServerCertificate=true`;
}

/** Run T-SQL as sa on a database of the container (test setup and assertions only). */
export async function withPool<T>(
  c: StartedMSSQLServerContainer,
  database: string,
  fn: (p: sql.ConnectionPool) => Promise<T>,
): Promise<T> {
  const pool = await new sql.ConnectionPool(adoString(c, database)).connect();
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}

/** A fresh, empty database; Service Broker disabled unless asked, so the enable path is exercised. */
export async function createDatabase(
  c: StartedMSSQLServerContainer,
  name: string,
  broker = false,
): Promise<string> {
  await withPool(c, 'master', async (p) => {
    await p.request().batch(`CREATE DATABASE [${name}];`);
    await p
      .request()
      .batch(
        `ALTER DATABASE [${name}] SET ${broker ? 'ENABLE_BROKER' : 'DISABLE_BROKER'} WITH ROLLBACK IMMEDIATE;`,
      );
  });
  return mssqlUrl(c, name);
}

export async function scalar<T = number>(
  c: StartedMSSQLServerContainer,
  db: string,
  text: string,
): Promise<T> {
  return withPool(c, db, async (p) => {
    const r = await p.request().query(text);
    const row = r.recordset[0] as Record<string, unknown> | undefined;
    return (row ? Object.values(row)[0] : undefined) as T;
  });
}

export function testScenario(input: Partial<ScenarioInput> = {}): Scenario {
  return scenarioSchema.parse({
    engine: 'mssql',
    dataset: {
      atoms: 2000,
      batchSize: 500,
      seed: 7,
      distribution: { kind: 'projected', dimensions: 16, clusters: 4 },
    },
    index: { secondaryIndexes: 10 },
    workload: { mix: [{ op: 'spatial.pool' }] },
    ...input,
  });
}

export function planOf(s: Scenario, names: SchemaPlan['names'], datasetKey: string): SchemaPlan {
  return { names, datasetKey, index: s.index, ooda: s.ooda.enabled };
}

/** Seed rows [start, end) of the scenario's dataset. */
export async function seedRange(engine: Engine, s: Scenario, start: number, end: number) {
  return engine.seed(
    datasetBatches(s.dataset, { startIndex: start, endIndex: end }),
    () => undefined,
    s.dataset.atoms,
  );
}
