/**
 * SQL Server in a container for the integration suites (testcontainers 11 +
 * mcr.microsoft.com/mssql/server:2022-latest). `describeMssql` is the one way in: it starts the
 * container once per test file, creates the suite's database, builds its URL and stops the container
 * afterwards; where no container runtime exists it prints the reason and skips the suite, and nothing
 * here runs then.
 */
import { MSSQLServerContainer, type StartedMSSQLServerContainer } from '@testcontainers/mssqlserver';
import sql from 'mssql';
import { getContainerRuntimeClient } from 'testcontainers';
import { afterAll, beforeAll, describe } from 'vitest';
import { datasetBatches } from '../../../src/dataset/stream.ts';
import type { Engine, SchemaPlan } from '../../../src/engines/types.ts';
import { scenarioSchema, type ScenarioInput, type Scenario } from '../../../src/scenario/schema.ts';

export const MSSQL_IMAGE = 'mcr.microsoft.com/mssql/server:2022-latest';
/** Meets the SA policy (>= 8 characters, 3 of 4 classes); the container exits otherwise. */
export const SA_PASSWORD = 'Atombench#It2024';
/** Pulling the image and SQL Server's first start take a while. */
const START_TIMEOUT_MS = 240_000;
/** Every test connection has a finite request timeout: nothing here can wait forever on a lock. */
const MASTER_REQUEST_TIMEOUT_MS = 60_000;

/** Is there a container runtime? Resolves to the reason when there is none. */
async function containerRuntime(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await getContainerRuntimeClient();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

/** Asked once per test file (vitest evaluates this module anew for each file). */
const runtime = await containerRuntime();

/** The started container of one suite; every method runs T-SQL as sa (test setup and assertions only). */
export class MssqlServer {
  #container: StartedMSSQLServerContainer | undefined;
  #url: string | undefined;

  constructor(private readonly database: string | undefined) {}

  /** Start the container and create the suite's database (beforeAll of describeMssql). */
  async start(): Promise<void> {
    const c = await new MSSQLServerContainer(MSSQL_IMAGE).acceptLicense().withPassword(SA_PASSWORD).start();
    this.#container = c;
    // The wait strategy matches "Recovery is complete"; give logins a few more seconds if needed.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.withPool('master', (p) => p.request().query('SELECT 1 AS ok'));
        break;
      } catch (e) {
        if (attempt >= 30) throw e;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    if (this.database !== undefined) this.#url = await this.createDatabase(this.database);
  }

  async stop(): Promise<void> {
    await this.#container?.stop();
  }

  private get container(): StartedMSSQLServerContainer {
    if (!this.#container) throw new Error('the SQL Server container is not started (used outside a test?)');
    return this.#container;
  }

  /** The URL of the suite's database (`suite.database` given to describeMssql). */
  get url(): string {
    if (this.#url === undefined) throw new Error('describeMssql was given no suite.database');
    return this.#url;
  }

  /** A sql.config for a database of the container (testcontainers' URI is an ADO string without TLS). */
  adoString(database: string): string {
    const c = this.container;
    return `Server=${c.getHost()},${c.getPort()};Database=${database};User Id=sa;Password=${SA_PASSWORD};Encrypt=false;TrustServerCertificate=true`;
  }

  /** An atombench --url for a database of the container. */
  urlOf(database: string): string {
    const c = this.container;
    return `mssql://sa:${encodeURIComponent(SA_PASSWORD)}@${c.getHost()}:${c.getPort()}/${encodeURIComponent(database)}?encrypt=false&trustServerCertificate=true`;
  }

  /** A sql.config object: the same as adoString, plus a finite request timeout (ALTER DATABASE waits). */
  config(database: string, requestTimeoutMs = MASTER_REQUEST_TIMEOUT_MS): sql.config {
    const c = this.container;
    return {
      server: c.getHost(),
      port: c.getPort(),
      database,
      user: 'sa',
      password: SA_PASSWORD,
      requestTimeout: requestTimeoutMs,
      options: { encrypt: false, trustServerCertificate: true },
    };
  }

  async withPool<T>(database: string, fn: (p: sql.ConnectionPool) => Promise<T>): Promise<T> {
    const pool = await new sql.ConnectionPool(this.config(database)).connect();
    try {
      return await fn(pool);
    } finally {
      await pool.close();
    }
  }

  /**
   * A fresh, empty database; Service Broker disabled unless asked, so the enable path is exercised.
   * <service_broker_option> takes no WITH <termination> (the "Setting options" table of
   * learn.microsoft.com/sql/t-sql/statements/alter-database-transact-sql-set-options): written bare, on
   * a database no one else has opened yet, from a master connection whose request timeout is finite.
   */
  async createDatabase(name: string, broker = false): Promise<string> {
    await this.withPool('master', async (p) => {
      await p.request().batch(`CREATE DATABASE [${name}];`);
      await p.request().batch(`ALTER DATABASE [${name}] SET ${broker ? 'ENABLE_BROKER' : 'DISABLE_BROKER'};`);
    });
    return this.urlOf(name);
  }

  async scalar<T = number>(database: string, text: string): Promise<T> {
    return this.withPool(database, async (p) => {
      const r = await p.request().query(text);
      const row = r.recordset[0] as Record<string, unknown> | undefined;
      return (row ? Object.values(row)[0] : undefined) as T;
    });
  }
}

/**
 * A describe block with SQL Server 2022 in a container: started once for the block (before the
 * block's own beforeAll hooks), with `suite.database` created in it, and stopped after the block's own
 * afterAll hooks (vitest runs afterAll in reverse order). Without a container runtime the block is
 * skipped and "[mssql integration] <suite.name> skipped: ..." printed with the reason.
 */
export function describeMssql(
  suite: { name: string; database?: string },
  title: string,
  body: (server: MssqlServer) => void,
): void {
  if (!runtime.ok)
    console.warn(`[mssql integration] ${suite.name} skipped: no container runtime (${runtime.reason})`);
  describe.skipIf(!runtime.ok)(title, () => {
    const server = new MssqlServer(suite.database);
    beforeAll(() => server.start(), START_TIMEOUT_MS);
    afterAll(() => server.stop());
    body(server);
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
