import type { SeedBatch } from '../../../dataset/types.ts';
import { UserError } from '../../../errors.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import type {
  DatasetState,
  IndexBuildOutcome,
  PrepareOptions,
  SchemaPlan,
  SeedOutcome,
  SeedProgress,
} from '../../types.ts';
import { attachState } from '../engine-info.ts';
import type { MssqlPools } from '../pools.ts';
import { syncClearQuery } from '../queues/sync-dialect.ts';
import { updateMetaQuery } from '../sql/catalog.ts';
import { resetIngestedQuery } from '../sql/dialect-ingest.ts';
import { exec, rows } from '../sql/statement.ts';
import { buildSpatialIndexes, spatialIndexBytes } from './index-build.ts';
import { prepareSchema } from './schema.ts';
import type { SeedMode } from './seed-rows.ts';
import { seedBatches } from './seeding.ts';

/**
 * The engine's dataset side (index.ts delegates here): prepare, seed, record, build the index, remove
 * what a run ingested. Attach mode writes nothing; every step runs through the engine's setup wrapper.
 */
export interface DatasetSide {
  pools: MssqlPools;
  names: ObjectNames;
  mode: SeedMode;
  attach: boolean;
  /** prepare() created the Neo4j sync queue: its requests are cleared before ingested atoms go. */
  neo4jSync: boolean;
  validation: 'WELL_FORMED_XML' | 'NONE';
  setup<T>(what: string, fn: () => Promise<T>): Promise<T>;
}

function writable(s: DatasetSide, what: string): void {
  if (s.attach) throw new UserError(`attach mode is read-only: atombench does not ${what} on a deployment`);
}

/** Attach: read the state only. Else take the dataset lock (not when following shard 0), then prepare the schema. */
export async function prepareDataset(
  s: DatasetSide,
  plan: SchemaPlan,
  opts: PrepareOptions,
  engine: { lock(): Promise<void>; enableBroker(exclusive: boolean): Promise<void> },
): Promise<DatasetState> {
  if (s.attach) return s.setup('attach', () => attachState(s.pools.admin, s.names));
  const pools = s.pools;
  if (!opts.followShard) await s.setup('taking the dataset lock', () => engine.lock());
  return s.setup('prepare', () =>
    prepareSchema(
      {
        get pool() {
          return pools.admin;
        },
        names: s.names,
        validation: s.validation,
        enableBroker: (exclusive) => engine.enableBroker(exclusive),
      },
      plan,
      opts,
    ),
  );
}

export function seedDataset(
  s: DatasetSide,
  batches: AsyncIterable<SeedBatch>,
  onProgress: (p: SeedProgress) => void,
  rowsTotal: number,
): Promise<SeedOutcome> {
  writable(s, 'seed');
  return s.setup('seeding', () =>
    seedBatches({ pool: s.pools.admin, names: s.names, mode: s.mode }, batches, onProgress, rowsTotal),
  );
}

export async function recordSeeded(s: DatasetSide, datasetKey: string, rowsSeeded: number): Promise<void> {
  writable(s, 'record a dataset');
  await s.setup('recording the dataset', () =>
    exec(
      s.pools.admin,
      updateMetaQuery(s.names.schema, {
        DatasetKey: datasetKey,
        SeededRows: rowsSeeded,
        PendingDatasetKey: null,
      }),
    ),
  );
}

export async function buildIndexes(s: DatasetSide, plan: SchemaPlan): Promise<IndexBuildOutcome> {
  writable(s, 'build indexes');
  const r = await s.setup('building the spatial index', () =>
    buildSpatialIndexes(s.pools.admin, plan.names, plan.index),
  );
  return { durationMs: r.durationMs, ddl: r.ddl };
}

export function readIndexBytes(s: DatasetSide): Promise<number | undefined> {
  return s.setup('reading the spatial index size', () => spatialIndexBytes(s.pools.admin, s.names));
}

export async function removeIngested(s: DatasetSide, datasetRows: number): Promise<number> {
  if (s.attach) return 0;
  // Sync requests left behind name atoms about to be deleted: their dialogs are ended first.
  if (s.neo4jSync)
    await s.setup('clearing the Neo4j sync queue', () => exec(s.pools.admin, syncClearQuery(s.names)));
  return s.setup('removing ingested atoms', async () =>
    Number(
      rows<{ Deleted: number }>(await exec(s.pools.admin, resetIngestedQuery(s.names, datasetRows)))[0]
        ?.Deleted ?? 0,
    ),
  );
}
