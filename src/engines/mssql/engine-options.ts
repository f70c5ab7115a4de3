import { UserError } from '../../errors.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { SEED_MODES, type SeedMode } from './seed/seed-rows.ts';

/** What the SQL Server engine (index.ts) is made with. */
export interface MssqlEngineOptions {
  url: string | undefined;
  scenario: Scenario;
  /** Unique per run: ingested atoms get content hashes no other run uses. */
  runNonce: string;
  /** Seeding path (seed-rows.ts); default native, or ATOMBENCH_MSSQL_SEED_MODE=staging. */
  seedMode?: SeedMode;
  /** At most one sp_help_spatial_geometry_index_xml call per this many ms (it reads the whole index). */
  primaryFilterEveryMs?: number;
}

/** The seeding path: the option, else ATOMBENCH_MSSQL_SEED_MODE, else native; anything else is a UserError. */
export function seedModeOf(o: MssqlEngineOptions): SeedMode {
  const m = o.seedMode ?? process.env.ATOMBENCH_MSSQL_SEED_MODE ?? 'native';
  if (!SEED_MODES.includes(m as SeedMode))
    throw new UserError(`ATOMBENCH_MSSQL_SEED_MODE: "${m}" is not one of ${SEED_MODES.join(', ')}`);
  return m as SeedMode;
}
