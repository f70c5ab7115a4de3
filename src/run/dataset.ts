import type { Engine, SchemaPlan, SeedOutcome, SeedProgress } from '../engines/types.ts';
import { RuntimeFailure } from '../errors.ts';
import { untilAborted } from './abort.ts';
import type { Clock } from '../model/clock.ts';
import {
  Checksummer,
  datasetBatches,
  datasetChecksum,
  datasetKey,
  datasetRowBatches,
  type DatasetSource,
} from '../dataset/stream.ts';
import type { Scenario } from '../scenario/schema.ts';
import { resolveNames } from '../scenario/names.ts';
import type { Progress } from './progress.ts';
import type { StoredFingerprint, VerifyMode } from '../dataset/fingerprint.ts';
import type { StoredDataset } from '../model/result.ts';
import { DatasetAltered, fingerprintRequest, verifyDataset } from './verify.ts';
import { datasetDeadlineMs, waitForDataset, type ShardRun } from './shards/shard-start.ts';

export interface DatasetOutcome {
  key: string;
  checksum: string;
  /** Rows inserted by this call (0 when the data was already there). */
  rowsInserted: number;
  /** Rows that were already stored when seeding started (a resumed seed). */
  resumedFrom: number;
  seedDurationMs?: number;
  indexBuildMs?: number;
  indexDdl?: string;
  /** The database's own report of the stored rows, verified (absent: --verify off, or not measurable). */
  stored?: StoredDataset;
}

export interface DatasetOptions {
  reseed: boolean;
  force: boolean;
  dropForeignRows?: boolean;
  progress: Progress;
  signal?: AbortSignal;
  rebuildIndex?: boolean;
  /** How the stored rows are checked against the generator (default sample). */
  verify?: VerifyMode;
  /** Create the Neo4j sync queue, and make ingest enqueue on it. */
  neo4jSync?: boolean;
  /** Keys of smaller prefixes of this dataset to grow from in place (the capacity scale sweep). */
  growsFrom?: readonly string[];
  /** Replace the stored dataset even though it is the plan's (set after verification failed, with --reseed). */
  replaceDataset?: boolean;
}

export function schemaPlan(scenario: Scenario, growsFrom?: readonly string[]): SchemaPlan {
  return {
    names: resolveNames(scenario.names.preset, scenario.names.overrides),
    datasetKey: datasetKey(scenario.dataset),
    index: scenario.index,
    ooda: scenario.ooda.enabled,
    ...(growsFrom?.length ? { growsFrom } : {}),
  };
}

/**
 * Make the engine hold exactly the scenario's dataset: create the schema, seed what is missing
 * (resuming after the rows already stored; each batch commits, so an interrupted seed loses at most
 * one batch), build the index after the load, and return the dataset checksum. The checksum is
 * computed from the generator while seeding, so a resumed seed and an uninterrupted one agree, and
 * recorded with the dataset (markSeeded): a later run reads it back instead of regenerating the rows.
 */
export async function ensureDataset(
  engine: Engine,
  scenario: Scenario,
  opts: DatasetOptions,
): Promise<DatasetOutcome> {
  const { out, read } = await loadDataset(engine, scenario, opts);
  try {
    out.stored = await verifyDataset(
      engine,
      scenario.dataset,
      opts.verify ?? 'sample',
      { checksum: out.checksum },
      read,
    );
  } catch (e) {
    if (!(e instanceof DatasetAltered) || !opts.reseed || opts.replaceDataset) throw e;
    opts.progress.info(`${e.message.replace(/; run with --reseed$/, '')}: --reseed replaces it`);
    return ensureDataset(engine, scenario, { ...opts, replaceDataset: true });
  }
  if (out.stored === undefined && (opts.verify ?? 'sample') !== 'off' && !engine.storedFingerprint)
    opts.progress.info(
      `${engine.name}: the stored dataset is not verified (no stored-data fingerprint on this engine)`,
    );
  return out;
}

async function loadDataset(
  engine: Engine,
  scenario: Scenario,
  opts: DatasetOptions,
): Promise<{ out: DatasetOutcome; read?: StoredFingerprint }> {
  const plan = { ...schemaPlan(scenario, opts.growsFrom), neo4jSync: opts.neo4jSync === true };
  const cfg = scenario.dataset;
  const state = await engine.prepare(plan, {
    allowDestructive: opts.reseed,
    force: opts.force,
    dropForeignRows: opts.dropForeignRows,
    notify: (m) => opts.progress.info(m),
    replaceDataset: opts.replaceDataset,
  });
  const out: DatasetOutcome = {
    key: plan.datasetKey,
    checksum: '',
    rowsInserted: 0,
    resumedFrom: state.seededRows,
  };
  await engine.resetIngested(cfg.atoms);
  let read: StoredFingerprint | undefined;

  // A seed marked complete is never topped up: rows missing from it were deleted, which verification
  // reports (and --reseed replaces); only an interrupted seed resumes.
  if (state.datasetKey !== plan.datasetKey) {
    const start = state.seededRows;
    opts.progress.info(
      start > 0
        ? `resuming seed at row ${start} of ${cfg.atoms}`
        : `seeding ${cfg.atoms} atoms (${cfg.distribution.kind}, seed ${cfg.seed})`,
    );
    const sum = new Checksummer(cfg);
    if (start > 0) sum.feedGenerated(start);
    const onProgress = (p: SeedProgress) => opts.progress.seed(p.rowsDone, p.rowsTotal);
    const source = { config: cfg, startIndex: start, checksum: sum, signal: opts.signal };
    const seeded = await seedMissing(engine, source, onProgress);
    opts.progress.seedDone();
    out.rowsInserted = seeded.rowsInserted;
    out.seedDurationMs = seeded.durationMs;
    out.checksum = sum.digest();
    await engine.markSeeded(plan.datasetKey, cfg.atoms, out.checksum);
  } else {
    // Recorded by the seed that stored these rows (the checksum is a function of the dataset the key
    // names); regenerating 1M rows only to hash them took ~4 s of CPU at every run.
    out.checksum = state.checksum ?? (await datasetChecksum(cfg, opts.signal));
  }

  if (out.rowsInserted > 0 || !state.indexBuilt || opts.rebuildIndex) {
    opts.progress.info('building the spatial index');
    // Ctrl-C during a long build ends the step at once (the engine's build is rolled back or left
    // to the process's exit); the rest of the interrupt path is the seed's.
    // The verification's reads are asked of the build: an engine may run them beside its last step.
    const fingerprint = fingerprintRequest(engine, cfg, opts.verify ?? 'sample');
    const built = await untilAborted(
      opts.signal,
      engine.buildIndex(plan, { fingerprint }),
      'during the index build',
    );
    read = built.stored;
    out.indexBuildMs = built.durationMs;
    out.indexDdl = built.ddl;
  }
  return { out, read };
}

/**
 * The source's rows from its startIndex into the engine, each hashed into source.checksum: generated by
 * the engine where it can (off the main thread), else row by row where it can (no batch of row objects
 * lives until it is encoded), else as batches of records.
 */
function seedMissing(
  engine: Engine,
  source: DatasetSource,
  onProgress: (p: SeedProgress) => void,
): Promise<SeedOutcome> {
  const { config, checksum } = source;
  const range = { startIndex: source.startIndex, signal: source.signal };
  if (engine.seedDataset) return engine.seedDataset(source, onProgress, config.atoms);
  if (engine.seedRows)
    return engine.seedRows(datasetRowBatches(config, checksum, range), onProgress, config.atoms);
  const hashed = async function* () {
    for await (const b of datasetBatches(config, range)) {
      checksum.update(b);
      yield b;
    }
  };
  return engine.seed(hashed(), onProgress, config.atoms);
}

/**
 * A shard above 0 (`run --shard I/N`, I > 0): it never seeds. It waits for shard 0's `dataset` row,
 * then reads the stored state (prepare finds everything in place) and refuses to run on anything but
 * the complete dataset with its index. The checksum is the one shard 0 announced.
 */
export async function followDataset(
  engine: Engine,
  scenario: Scenario,
  shard: ShardRun,
  o: { runId: string; clock: Clock; signal: AbortSignal; force: boolean; neo4jSync?: boolean },
): Promise<DatasetOutcome> {
  const checksum = await waitForDataset(
    engine.coordination!,
    o.runId,
    datasetDeadlineMs(shard, o.clock.wallMs()),
    o.clock,
    o.signal,
  );
  // With Neo4j, this shard's ingest enqueues on the same sync queue and its readers consume it too.
  const plan = { ...schemaPlan(scenario), neo4jSync: o.neo4jSync === true };
  const state = await engine.prepare(plan, { allowDestructive: false, force: o.force, followShard: true });
  const atoms = scenario.dataset.atoms;
  if (state.datasetKey !== plan.datasetKey || state.seededRows < atoms || !state.indexBuilt)
    throw new RuntimeFailure(
      `shard ${shard.spec.index}: shard 0 announced its dataset but the database holds ${state.seededRows} of ${atoms} rows of ${state.datasetKey ?? 'no dataset'}${state.indexBuilt ? '' : ' without its index'} (expected ${plan.datasetKey})`,
    );
  return { key: plan.datasetKey, checksum, rowsInserted: 0, resumedFrom: state.seededRows };
}
