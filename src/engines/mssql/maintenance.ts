/**
 * Index maintenance on SQL Server (scenario `maintenance:`): a pool of its own without a request timeout
 * (an index rebuild takes what it takes), running sql/dialect-maintenance.ts's statements in order; a
 * failure is an OperationError with the password redacted.
 */
import { UserError } from '../../errors.ts';
import type { ObjectNames } from '../../scenario/names.ts';
import type { MaintenanceSession } from '../types.ts';
import { operationError } from './error-class.ts';
import type { MssqlPools } from './pools.ts';
import type { Redactor } from './redact.ts';
import { maintenanceSql } from './sql/dialect-maintenance.ts';
import { exec } from './sql/statement.ts';

export async function openMaintenanceSession(
  pools: MssqlPools,
  names: ObjectNames,
  redactor: Redactor,
  attach: boolean,
): Promise<MaintenanceSession> {
  if (attach)
    throw new UserError(
      "maintenance: attach mode is read-only (atombench does not rebuild a deployment's indexes)",
    );
  const pool = await pools.open(1, 0);
  return {
    run: async (kind) => {
      const statements = maintenanceSql(names, kind);
      try {
        for (const text of statements) await exec(pool, { text, params: [] });
      } catch (e) {
        throw operationError(e, redactor, `maintenance ${kind}`);
      }
      return statements;
    },
    close: () => pool.close().catch(() => undefined),
  };
}
