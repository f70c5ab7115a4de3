/**
 * The shared engine contract (test/integration/contract.ts) on SQL Server 2022 in a container: results
 * checked against brute force over the generated dataset. Skipped, with the reason printed, where no
 * container runtime exists.
 */
import { MssqlEngine } from '../../../src/engines/mssql/index.ts';
import { engineContract } from '../contract.ts';
import { describeMssql } from './container.ts';

const suite = { name: 'contract suite', database: 'contract_it' };

describeMssql(suite, 'mssql in a container', (server) => {
  engineContract(
    'mssql (tedious, spatial index, Service Broker)',
    async (sc) => new MssqlEngine({ url: server.url, scenario: sc, runNonce: 'contract' }),
  );
});
