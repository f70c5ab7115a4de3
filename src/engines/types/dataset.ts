import type { ObjectNames } from '../../scenario/names.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { StoredFingerprint } from '../../dataset/fingerprint.ts';

/** Preparing and seeding the dataset: the plan, the options, what is stored, what a seed and a build did. */

/** Where the engine stands before seeding: how many dataset rows are stored, and whether atombench owns it. */
export interface DatasetState {
  /** Rows with AtomId in 1..N stored by a previous seed (ingested rows excluded). */
  seededRows: number;
  /** Dataset identity recorded by the last seed, if any. */
  datasetKey?: string;
  /**
   * The generator checksum recorded by that seed (markSeeded), for the dataset `datasetKey` names;
   * absent where the engine does not record it (the caller then regenerates the rows to compute it).
   */
  checksum?: string;
  indexBuilt: boolean;
}

export interface SchemaPlan {
  names: ObjectNames;
  /** Identity of the dataset to hold (dataset/stream.ts datasetKey); another one stored means reseed. */
  datasetKey: string;
  index: Scenario['index'];
  /** The queues and metrics table for OODA traffic. */
  ooda: boolean;
  /**
   * The Neo4j sync queue: created, and every new atom ingested enqueues one sync request on it (as
   * Hartonomous's ingest sends one Neo4jSyncRequest per new atom). Absent: false.
   */
  neo4jSync?: boolean;
  /**
   * Keys of smaller datasets whose rows are a prefix of this one (same generator stream, fewer atoms): a
   * stored one is grown in place (seeding resumes after its rows) instead of refused or replaced.
   */
  growsFrom?: readonly string[];
}

export interface PrepareOptions {
  /**
   * Drop and recreate objects atombench owns when they hold another dataset. Without it, another
   * dataset is a UserError. Never touches objects atombench does not own.
   */
  allowDestructive: boolean;
  /** Accept a database whose tables atombench did not create (bench databases only). */
  force: boolean;
  /**
   * With force: delete the rows atombench did not insert (src/engines/ownership.ts) after saying so
   * through `notify`. Without it, foreign rows are a UserError naming the table and the count.
   */
  dropForeignRows?: boolean;
  /** Where prepare says what it is about to do (the progress's info line). */
  notify?: (message: string) => void;
  /**
   * A follower shard of a sharded run: shard 0 holds the dataset lock for the run (and alone writes the
   * dataset), so this prepare takes none.
   */
  followShard?: boolean;
  /** Drop and reseed the stored dataset even though it is the plan's (its rows were altered). */
  replaceDataset?: boolean;
}

/** Which stored rows a fingerprint reads: the dataset's N rows, these buckets (dataset/fingerprint.ts). */
export interface FingerprintRequest {
  atoms: number;
  buckets: readonly number[];
}

export interface SeedProgress {
  rowsDone: number;
  rowsTotal: number;
}

export interface SeedOutcome {
  rowsInserted: number;
  durationMs: number;
}

export interface IndexBuildOutcome {
  durationMs: number;
  ddl: string;
  /** The stored-data fingerprint IndexBuildOptions asked for, where the engine read it during the build. */
  stored?: StoredFingerprint;
}

export interface IndexBuildOptions {
  /**
   * Read this stored-data fingerprint as the build ends, beside its last step where the engine can (the
   * data is final by then): what storedFingerprint(fingerprint) would give after the build.
   */
  fingerprint?: FingerprintRequest;
}
