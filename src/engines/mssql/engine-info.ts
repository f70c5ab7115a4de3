/**
 * What the engine reports about the server without changing it: the fingerprint (version, settings
 * that change results, the index DDL) and, in attach mode, the state of a deployment.
 */
import type sql from 'mssql';
import { UserError } from '../../errors.ts';
import type { ObjectNames } from '../../scenario/names.ts';
import type { DatasetState } from '../types.ts';
import type { EngineFingerprint } from '../../model/engine.ts';
import { existsQuery, rowCountQuery } from './sql/catalog.ts';
import { FINGERPRINT_SQL, QUERY_STORE_SQL } from './sql/dialect-probes.ts';
import { deployedIndexDdl } from './seed/index-build.ts';
import { createSpatialIndexDdl, mainIndexSpec, type IndexConfig } from './sql/index-ddl.ts';
import { exec, rows } from './sql/statement.ts';

export interface FingerprintContext {
  names: ObjectNames;
  index: IndexConfig & { hint: boolean };
  seedMode: string;
  attach: boolean;
}

export async function readFingerprint(
  pool: sql.ConnectionPool,
  ctx: FingerprintContext,
): Promise<EngineFingerprint> {
  const f =
    rows<Record<string, string | number | boolean | null>>(
      await exec(pool, { text: FINGERPRINT_SQL, params: [] }),
    )[0] ?? {};
  const queryStore = await exec(pool, { text: QUERY_STORE_SQL, params: [] }).then(
    (r) => String(rows<{ QueryStore: string }>(r)[0]?.QueryStore ?? 'OFF'),
    () => 'unknown (no permission)',
  );
  const s = (v: unknown): string => (v === null || v === undefined ? '?' : String(v));
  const settings: Record<string, string> = {
    edition: s(f.Edition),
    compatibilityLevel: s(f.CompatibilityLevel),
    brokerEnabled: s(f.BrokerEnabled),
    readCommittedSnapshot: s(f.ReadCommittedSnapshot),
    snapshotIsolation: s(f.SnapshotIsolation),
    recoveryModel: s(f.RecoveryModel),
    maxDop: s(f.MaxDop),
    costThresholdForParallelism: s(f.CostThreshold),
    maxServerMemoryMb: s(f.MaxServerMemoryMb),
    queryStore,
    indexHint: String(ctx.index.hint),
    seedMode: ctx.seedMode,
    attach: String(ctx.attach),
  };
  const indexDdl = ctx.attach
    ? ((await deployedIndexDdl(pool, ctx.names)) ?? `-- spatial index ${ctx.names.spatialIndex} not found`)
    : createSpatialIndexDdl(ctx.names, mainIndexSpec(ctx.names, ctx.index));
  const version = [f.ProductVersion, f.ProductLevel, f.ProductUpdateLevel]
    .filter((v) => v !== null && v !== undefined)
    .join(' ');
  return { engine: 'mssql', serverVersion: `Microsoft SQL Server ${version}`, settings, indexDdl };
}

/** Attach: the deployment's tables must exist; report its rows and whether the index is there. */
export async function attachState(pool: sql.ConnectionPool, names: ObjectNames): Promise<DatasetState> {
  for (const table of [names.atomsTable, names.embeddingsTable]) {
    const ok = rows<{ Present: boolean }>(await exec(pool, existsQuery('table', names.schema, table)))[0]
      ?.Present;
    if (!ok)
      throw new UserError(
        `attach: table ${names.schema}.${table} not found; check names.preset / names.overrides`,
      );
  }
  const n = Number(
    rows<{ n: number }>(await exec(pool, rowCountQuery(names.schema, names.atomsTable)))[0]?.n ?? 0,
  );
  return { seededRows: n, indexBuilt: (await deployedIndexDdl(pool, names)) !== undefined };
}
