/**
 * The shared engine contract (test/integration/contract.ts) on SQL Server 2022 in a container: results
 * checked against brute force over the generated dataset. Skipped, with the reason printed, where no
 * container runtime exists.
 */
import type { StartedMSSQLServerContainer } from '@testcontainers/mssqlserver';
import { afterAll, beforeAll, describe } from 'vitest';
import { MssqlEngine } from '../../../src/engines/mssql/index.ts';
import { engineContract } from '../contract.ts';
import { containerRuntime, createDatabase, startMssql } from './container.ts';

const runtime = await containerRuntime();
if (!runtime.ok)
  console.warn(`[mssql integration] contract suite skipped: no container runtime (${runtime.reason})`);

describe.skipIf(!runtime.ok)('mssql in a container', () => {
  let c: StartedMSSQLServerContainer;
  let url: string;
  beforeAll(async () => {
    c = await startMssql();
    url = await createDatabase(c, 'contract_it');
  }, 240_000);
  afterAll(async () => {
    await c?.stop();
  });

  engineContract(
    'mssql (tedious, spatial index, Service Broker)',
    async (sc) => new MssqlEngine({ url, scenario: sc, runNonce: 'contract' }),
  );
});
