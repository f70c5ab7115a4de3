/**
 * Atom rows with the runbook-era columns (dbo.Atoms + its one dbo.AtomEmbeddings row), generated from
 * (dataset config, row index) alone.
 *
 * Record columns (modality, subtype) read their own PRNG stream, apart from the point draws, so the
 * point of row i does not depend on how many draws the other columns take.
 */
import * as crypto from 'node:crypto';
import type { AtomRecord, Point3 } from './types.ts';
import { createSpatialKeyEncoder, type SpatialKeyEncoder } from './buckets.ts';
import {
  createPointGenerator,
  datasetPointKey,
  type DatasetConfig,
  type PointGenerator,
} from './distributions.ts';
import { drawUniform, rowState, seedFromString, streamKey, STREAMS } from './prng.ts';

interface ModalityRow {
  modality: string;
  /** Upper end of its share in the cumulative draw (text 90 %, image 5 %, code 5 %). */
  cumulative: number;
  contentType: string;
  subtypes: readonly string[];
}

const MODALITIES: readonly ModalityRow[] = [
  {
    modality: 'text',
    cumulative: 0.9,
    contentType: 'text/plain',
    subtypes: ['token', 'sentence', 'paragraph'],
  },
  { modality: 'image', cumulative: 0.95, contentType: 'image/png', subtypes: ['patch', 'caption'] },
  { modality: 'code', cumulative: 1, contentType: 'text/x-csharp', subtypes: ['function', 'statement'] },
];

export const SOURCE_TYPE = 'atombench';
export const MODEL_ID = 1;
export const EMBEDDING_TYPE = 'semantic';

/** SHA-256 of the canonical text, as Hartonomous's ContentHash (binary(32)). */
export function contentHashOf(canonicalText: string): Buffer {
  // Hot path (one call per row). crypto.hash (one-shot) is cheaper than createHash().update().digest().
  // A 'binary' (latin1: one char per byte, exact) digest copied by Buffer.from lands in Node's pooled
  // slab: about twice as fast as a 'buffer' digest, which allocates its own ArrayBuffer per row.
  return Buffer.from(sha256Binary(canonicalText), 'binary');
}

// crypto.hash exists from Node 20.12; package.json allows any Node 20, so fall back to createHash.
const sha256Binary: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'binary')
    : (text) => crypto.createHash('sha256').update(text).digest('binary');

interface RowContext {
  generator: PointGenerator;
  encode: SpatialKeyEncoder;
  pointKey: number;
  recordKey: number;
  dimension: number;
}

function createContext(config: DatasetConfig, pointKey: number, recordKey: number): RowContext {
  return {
    generator: createPointGenerator(config.distribution, config.seed),
    encode: createSpatialKeyEncoder(config.distribution),
    pointKey,
    recordKey,
    dimension: config.distribution.dimensions,
  };
}

function buildRecord(
  ctx: RowContext,
  index: number,
  atomId: number,
  canonicalText: string,
  sourceUri: string,
  metadataPrefix: string,
): AtomRecord {
  const state = rowState(ctx.recordKey, index);
  const u = drawUniform(state, 0);
  let row = MODALITIES[0]!;
  for (const m of MODALITIES) {
    row = m;
    if (u < m.cumulative) break;
  }
  const subtype = row.subtypes[Math.floor(drawUniform(state, 1) * row.subtypes.length)]!;
  const point: Point3 = ctx.generator.point(ctx.pointKey, index);
  const cluster = ctx.generator.cluster(ctx.pointKey, index);
  const keys = ctx.encode(point);
  return {
    index,
    atomId,
    tenantId: 0,
    modality: row.modality,
    subtype,
    contentHash: contentHashOf(canonicalText),
    contentType: row.contentType,
    sourceType: SOURCE_TYPE,
    sourceUri,
    canonicalText,
    metadata: cluster >= 0 ? `${metadataPrefix},"cluster":${cluster}}` : `${metadataPrefix}}`,
    referenceCount: 1,
    modelId: MODEL_ID,
    embeddingType: EMBEDDING_TYPE,
    dimension: ctx.dimension,
    point,
    bucketX: keys.bucketX,
    bucketY: keys.bucketY,
    bucketZ: keys.bucketZ,
    hilbertValue: keys.hilbertValue,
  };
}

export type RecordFactory = (index: number) => AtomRecord;

/**
 * Row generator of a dataset: row i has AtomId i + 1, canonical text `atom-<seed>-<i>` and the i-th
 * point of the dataset's stream. Build once per dataset (the projected centres are precomputed).
 */
export function createRecordFactory(config: DatasetConfig): RecordFactory {
  const ctx = createContext(config, datasetPointKey(config.seed), streamKey(config.seed, STREAMS.records));
  const seed = config.seed;
  const metadataPrefix = `{"generator":"atombench","seed":${seed}`;
  return (index) =>
    buildRecord(
      ctx,
      index,
      index + 1,
      `atom-${seed}-${index}`,
      `atombench://dataset/${seed}/${index}`,
      metadataPrefix,
    );
}

/**
 * Rows inserted by the `ingest` operation during a run. Canonical texts are `ingest-<nonce>-<i>`, a
 * prefix no seeded row has, so their content hashes never collide with the dataset (or with another run
 * using another nonce). Points follow the dataset's distribution (same centres) on a stream keyed by the
 * dataset seed and the nonce. atomId is 0: the database assigns it (IDENTITY) when the MERGE inserts.
 */
export function createIngestRecordFactory(config: DatasetConfig, runNonce: string): RecordFactory {
  const runSeed = seedFromString(`${config.seed}/${runNonce}`);
  const ctx = createContext(
    config,
    streamKey(runSeed, STREAMS.ingestPoints),
    streamKey(runSeed, STREAMS.ingestRecords),
  );
  const uriNonce = encodeURIComponent(runNonce);
  const metadataPrefix = `{"generator":"atombench","seed":${config.seed},"run":${JSON.stringify(runNonce)}`;
  return (index) =>
    buildRecord(
      ctx,
      index,
      0,
      `ingest-${runNonce}-${index}`,
      `atombench://ingest/${uriNonce}/${index}`,
      metadataPrefix,
    );
}

// Convenience entry points cache one factory per config object (configs are parsed once and not mutated).
const datasetFactories = new WeakMap<DatasetConfig, RecordFactory>();
const ingestFactories = new WeakMap<DatasetConfig, Map<string, RecordFactory>>();

/** Row `index` of the dataset (see createRecordFactory; prefer the factory in loops). */
export function makeRecord(config: DatasetConfig, index: number): AtomRecord {
  let factory = datasetFactories.get(config);
  if (!factory) {
    factory = createRecordFactory(config);
    datasetFactories.set(config, factory);
  }
  return factory(index);
}

/** Atom number `ingestIndex` ingested by the run `runNonce` (see createIngestRecordFactory). */
export function makeIngestRecord(config: DatasetConfig, ingestIndex: number, runNonce: string): AtomRecord {
  let byNonce = ingestFactories.get(config);
  if (!byNonce) {
    byNonce = new Map();
    ingestFactories.set(config, byNonce);
  }
  let factory = byNonce.get(runNonce);
  if (!factory) {
    factory = createIngestRecordFactory(config, runNonce);
    byNonce.set(runNonce, factory);
  }
  return factory(ingestIndex);
}
