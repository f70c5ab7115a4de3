import { PHASES, phaseQueue, type ObjectNames, type Phase } from '../../scenario/names.ts';
import { INGEST_SOURCE_TYPE } from '../ownership.ts';
import { quoteDouble as q } from '../sql-template.ts';

/**
 * Every SQL statement of the PostGIS engine's workload, as text. Parameters are bound ($n), never
 * interpolated; only identifiers from the scenario's name mapping are spliced in, quoted.
 *
 * Distances are planar X, Y (ST_DWithin, ST_Distance and `<->` on geometry ignore Z), as SQL Server's
 * STDistance / STIntersects do. Ordering uses `<->`: on points it equals ST_Distance, and it lets the
 * GiST index return rows nearest first (a kNN index scan), so `TOP (@pool) ... ORDER BY STDistance`
 * reads only the first rows of a radius-10 window instead of sorting the whole window.
 */

/**
 * How the windowed operations (spatial.pool, each spatial.walk step, spatial.dedup) find their rows.
 * Measured on PostGIS 3.3 / PostgreSQL 15 at 1M atoms (numbers in README.md, this folder):
 * - `knn-dwithin` (default): the GiST kNN scan takes the `limit` nearest rows (`ORDER BY geom <-> q
 *   LIMIT n`), then ST_DWithin keeps those within the radius. The same rows as a window query (the rows
 *   within r are a prefix of the distance order), always through the index, reading at most n rows.
 * - `dwithin`: `WHERE ST_DWithin(geom, q, r) ORDER BY geom <-> q LIMIT n`. Exact, but PostGIS 3.3
 *   estimates ST_DWithin at ~100 rows whatever the radius, so at Hartonomous's radius 10 (the whole blob)
 *   the planner picks a parallel seq scan + sort (about 1 s instead of a few ms): it loses the index.
 * - `intersects`: `WHERE ST_Intersects(geom, ST_Buffer(q, r)) ORDER BY geom <-> q LIMIT n`, the shape
 *   of Hartonomous's `STIntersects(@q.STBuffer(@r))`. Keeps the index (its estimate is right), but the
 *   buffer is an inscribed 32-gon: rows in the sliver between it and the circle (~0.7 %) are missed,
 *   and the polygon test per row is slower. Dedup stays ST_DWithin (STDistance <= t in Hartonomous).
 */
export type PoolVariant = 'knn-dwithin' | 'dwithin' | 'intersects';
export const POOL_VARIANTS: readonly PoolVariant[] = ['knn-dwithin', 'dwithin', 'intersects'];

/** The meta table's name: atombench marks what it owns here, per atoms table (scope). */
export const META_TABLE = 'atombench_meta';

export interface PostgisIds {
  atoms: string;
  embeddings: string;
  atomId: string;
  embeddingId: string;
  geom: string;
  spatialIndex: string;
  metrics: string;
  meta: string;
  queues: Record<Phase, string>;
  /** The Neo4j sync queue table. */
  sync: string;
}

export function postgisIds(names: ObjectNames): PostgisIds {
  const queues = {} as Record<Phase, string>;
  for (const phase of PHASES) queues[phase] = q(phaseQueue(names, phase));
  return {
    atoms: q(names.atomsTable),
    embeddings: q(names.embeddingsTable),
    atomId: q(names.atomIdColumn),
    embeddingId: q(names.embeddingIdColumn),
    geom: q(names.geometryColumn),
    spatialIndex: q(names.spatialIndex),
    metrics: q(names.metricsTable),
    meta: q(META_TABLE),
    queues,
    sync: q(names.neo4jSyncQueue),
  };
}

/** Template identifiers for seed/postgis/*.sql. */
export function postgisTemplateNames(names: ObjectNames): Record<string, string> {
  return {
    atomsTable: names.atomsTable,
    embeddingsTable: names.embeddingsTable,
    atomIdColumn: names.atomIdColumn,
    embeddingIdColumn: names.embeddingIdColumn,
    geometryColumn: names.geometryColumn,
    coarseColumn: names.coarseColumn,
    spatialIndex: names.spatialIndex,
    metricsTable: names.metricsTable,
    metaTable: META_TABLE,
    ix_embeddings_atom: `IX_${names.embeddingsTable}_AtomId`,
    ix_embeddings_tenant: `IX_${names.embeddingsTable}_Tenant`,
    /** The name PostgreSQL gives an inline primary key (after-load.sql builds it as an index first). */
    embeddingsKey: `${names.embeddingsTable}_pkey`,
  };
}

/** Every table atombench creates for a name mapping (the ownership check looks for each). */
export function ownedTables(names: ObjectNames): string[] {
  return [
    names.atomsTable,
    names.embeddingsTable,
    names.metricsTable,
    names.neo4jSyncQueue,
    ...PHASES.map((p) => phaseQueue(names, p)),
  ];
}

const Q = 'ST_MakePoint($1::float8, $2::float8)';

/**
 * Rows (AtomId, geometry) of the window around ($1, $2) with radius `r`, nearest first, at most `limit`,
 * as the variant selects them (a subquery: callers read `w.id`, `w.g`).
 */
function windowRows(n: PostgisIds, variant: PoolVariant, r: string, limit: string): string {
  const cols = `e.${n.atomId} AS id, e.${n.geom} AS g`;
  const order = `ORDER BY e.${n.geom} <-> ${Q} LIMIT ${limit}`;
  switch (variant) {
    case 'knn-dwithin':
      return `(SELECT k.id, k.g FROM (SELECT ${cols} FROM ${n.embeddings} AS e ${order}) AS k
        WHERE ST_DWithin(k.g, ${Q}, ${r})) AS w`;
    case 'dwithin':
      return `(SELECT ${cols} FROM ${n.embeddings} AS e WHERE ST_DWithin(e.${n.geom}, ${Q}, ${r}) ${order}) AS w`;
    case 'intersects':
      return `(SELECT ${cols} FROM ${n.embeddings} AS e WHERE ST_Intersects(e.${n.geom}, ST_Buffer(${Q}, ${r})) ${order}) AS w`;
  }
}

export function spatialSql(n: PostgisIds, variant: PoolVariant) {
  const exactTest =
    variant === 'intersects'
      ? `ST_Intersects(e.${n.geom}, ST_Buffer(${Q}, $3::float8))`
      : `ST_DWithin(e.${n.geom}, ${Q}, $3::float8)`;
  return {
    /** Candidate pool: within radius $3 of ($1, $2), nearest first, top $4. */
    pool: `SELECT w.id FROM ${windowRows(n, variant, '$3::float8', '$4::int')}`,
    /** kNN: the GiST index returns rows in distance order (`<->`), no window needed. */
    knn: `SELECT e.${n.atomId} FROM ${n.embeddings} AS e ORDER BY e.${n.geom} <-> ${Q} LIMIT $3::int`,
    /** Dedup probe: is any atom within $3? (the nearest one, under knn-dwithin; any one otherwise). */
    dedup:
      variant === 'knn-dwithin'
        ? `SELECT w.id FROM ${windowRows(n, variant, '$3::float8', '1')}`
        : `SELECT e.${n.atomId} FROM ${n.embeddings} AS e WHERE ST_DWithin(e.${n.geom}, ${Q}, $3::float8) LIMIT 1`,
    /** One walk step: of the pool around the current point ($1, $2), the one nearest the goal ($5, $6). */
    walkStep: `SELECT ST_X(w.g) AS x, ST_Y(w.g) AS y, ST_Z(w.g) AS z FROM ${windowRows(n, variant, '$3::float8', '$4::int')}
      ORDER BY w.g <-> ST_MakePoint($5::float8, $6::float8) LIMIT 1`,
    /**
     * The window without nearest-first or LIMIT, counted: EXPLAIN ANALYZE of it gives the primary filter
     * (rows the index's bounding-box test fetched vs rows passing the exact test).
     */
    windowCount: `SELECT count(*) FROM ${n.embeddings} AS e WHERE ${exactTest}`,
    dedupCount: `SELECT count(*) FROM ${n.embeddings} AS e WHERE ST_DWithin(e.${n.geom}, ${Q}, $3::float8)`,
  };
}
export type SpatialSql = ReturnType<typeof spatialSql>;

/**
 * Ingest of a batch in one statement (so one implicit transaction and one round trip): upsert the
 * atoms on ContentHash (MERGE in Hartonomous), then one embedding for each atom the statement inserted.
 * `xmax = 0` on the returned row tells an inserted row from an updated one.
 */
/**
 * The ingest statement; with `sync`, one Neo4j sync request per inserted atom joins it (a third
 * data-modifying CTE, so it commits with the atoms, as Hartonomous sends the message in ingest's
 * transaction), stamped with $20, the client's clock in ms.
 */
export function ingestSql(n: PostgisIds, sync = false): string {
  return `WITH input AS (
      SELECT * FROM unnest($1::bytea[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
        $8::text[], $9::bigint[], $10::int[], $11::text[], $12::int[], $13::float8[], $14::float8[], $15::float8[],
        $16::int[], $17::int[], $18::int[], $19::bigint[])
      AS t(contenthash, tenantid, modality, subtype, contenttype, sourceuri, canonicaltext, metadata, refs,
        modelid, embeddingtype, dimension, x, y, z, bx, by, bz, hilbert)
    ), a AS (
      INSERT INTO ${n.atoms} AS tgt (TenantId, Modality, Subtype, ContentHash, ContentType, SourceType, SourceUri,
        CanonicalText, Metadata, ReferenceCount)
      SELECT tenantid, modality, subtype, contenthash, contenttype, '${INGEST_SOURCE_TYPE}', sourceuri, canonicaltext,
        metadata, refs FROM input
      ON CONFLICT (ContentHash) DO UPDATE SET ReferenceCount = tgt.ReferenceCount + 1
      RETURNING tgt.${n.atomId} AS atomid, tgt.ContentHash AS contenthash, (tgt.xmax = 0) AS inserted
    )${
      sync
        ? `, s AS (
      INSERT INTO ${n.sync} (EntityId, TenantId, SyncType, enqueuedAtMs)
      SELECT a.atomid, i.tenantid, 'Create', $20::bigint FROM a JOIN input AS i ON i.contenthash = a.contenthash
      WHERE a.inserted
    )`
        : ''
    }
    INSERT INTO ${n.embeddings} (${n.atomId}, TenantId, ModelId, EmbeddingType, Dimension, ${n.geom},
      SpatialBucketX, SpatialBucketY, SpatialBucketZ, HilbertValue)
    SELECT a.atomid, i.tenantid, i.modelid, i.embeddingtype, i.dimension, ST_MakePoint(i.x, i.y, i.z),
      i.bx, i.by, i.bz, i.hilbert
    FROM a JOIN input AS i ON i.contenthash = a.contenthash WHERE a.inserted`;
}

export function seedSql(n: PostgisIds) {
  return {
    copyAtoms: `COPY ${n.atoms} (${n.atomId}, TenantId, Modality, Subtype, ContentHash, ContentType, SourceType,
      SourceUri, CanonicalText, Metadata, ReferenceCount) FROM STDIN`,
    copyEmbeddings: `COPY ${n.embeddings} (${n.embeddingId}, ${n.atomId}, TenantId, ModelId, EmbeddingType, Dimension,
      ${n.geom}, SpatialBucketX, SpatialBucketY, SpatialBucketZ, HilbertValue) FROM STDIN`,
    /** Dataset rows stored: AtomIds are dense from 1 and batches commit whole, so the max is the count. */
    maxSeeded: `SELECT COALESCE(MAX(${n.atomId}), 0) AS n FROM ${n.atoms} WHERE SourceType = 'atombench'`,
    /** Only what a run ingested: above the dataset's ids and marked as ingested (ownership.ts). */
    resetEmbeddings: `DELETE FROM ${n.embeddings} AS e USING ${n.atoms} AS a
      WHERE a.${n.atomId} = e.${n.atomId} AND a.${n.atomId} > $1 AND a.SourceType = '${INGEST_SOURCE_TYPE}'`,
    resetAtoms: `DELETE FROM ${n.atoms} WHERE ${n.atomId} > $1 AND SourceType = '${INGEST_SOURCE_TYPE}'`,
  };
}

/**
 * Bytes of the spatial index as stored, as the SQLite engine counts its R*Tree's node pages: the index's
 * main fork (pg_relation_size, the tree's pages; not the free-space map), NULL when it does not exist
 * (to_regclass). $1: the quoted index name (PostgisIds.spatialIndex), bound as text.
 */
export const SPATIAL_INDEX_BYTES_SQL = 'SELECT pg_relation_size(to_regclass($1)) AS bytes';

export function metaSql(n: PostgisIds) {
  return {
    get: `SELECT key, value FROM ${n.meta} WHERE scope = $1`,
    set: `INSERT INTO ${n.meta} (scope, key, value) VALUES ($1, $2, $3)
      ON CONFLICT (scope, key) DO UPDATE SET value = EXCLUDED.value`,
    clear: `DELETE FROM ${n.meta} WHERE scope = $1`,
  };
}

/** OODA queue traffic (see queue-driver.ts for the transaction around receive and complete). */
export function queueSql(n: PostgisIds) {
  const per = <T>(f: (t: string, p: Phase) => T) =>
    Object.fromEntries(PHASES.map((p) => [p, f(n.queues[p], p)])) as Record<Phase, T>;
  return {
    /** The oldest message nobody holds; held ones are skipped, not waited for. */
    receive: per(
      (
        t,
      ) => `SELECT id, loopId AS "loopId", body, enqueuedAtMs AS "enqueuedAtMs", loopStartedAtMs AS "loopStartedAtMs"
        FROM ${t} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
    ),
    send: per(
      (
        t,
        p,
      ) => `WITH s AS (INSERT INTO ${t} (loopId, body, enqueuedAtMs, loopStartedAtMs) VALUES ($1, $2, $3, $4))
        SELECT pg_notify('${NOTIFY_CHANNEL}', '${p}')`,
    ),
    delete: per((t) => `DELETE FROM ${t} WHERE id = $1`),
    metric: `INSERT INTO ${n.metrics} (Phase, DurationMs, Success, ErrorMessage) VALUES ($1, $2, $3, $4)`,
    depth: `SELECT ${PHASES.map((p) => `(SELECT count(*) FROM ${n.queues[p]}) AS "${p}"`).join(', ')}`,
  };
}

/** The Neo4j sync queue (postgis/sync-queue.ts holds the transaction around receive and complete). */
export function syncSql(n: PostgisIds) {
  return {
    /** The oldest requests nobody holds; held ones are skipped, not waited for. */
    receive: `SELECT id, EntityId AS "entityId", TenantId AS "tenantId", SyncType AS "syncType",
        enqueuedAtMs AS "enqueuedAtMs" FROM ${n.sync} ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    complete: `DELETE FROM ${n.sync} WHERE id = ANY($1::bigint[])`,
    depth: `SELECT count(*) AS n FROM ${n.sync}`,
    clear: `DELETE FROM ${n.sync}`,
  };
}

/** LISTEN/NOTIFY channel: a send wakes the consumers waiting on that phase (like WAITFOR (RECEIVE)). */
export const NOTIFY_CHANNEL = 'atombench_ooda';

/**
 * Index maintenance (scenario `maintenance:`), run in order on the maintenance connection, each in
 * autocommit. statistics: ANALYZE of the two tables (PostgreSQL's UPDATE STATISTICS ... WITH FULLSCAN
 * is closest to ANALYZE: it samples, default_statistics_target decides how much). rebuild: REINDEX INDEX
 * CONCURRENTLY of the spatial index, which lets reads and writes go on while it builds and "cannot be
 * executed inside a transaction block" (postgresql.org/docs/current/sql-reindex.html): never wrapped.
 */
/**
 * A REINDEX CONCURRENTLY that fails (a deadlock with a concurrent ANALYZE, a cancel) leaves an invalid
 * index behind (postgresql.org/docs/current/sql-reindex.html, "Rebuilding Indexes Concurrently"):
 * <index>_ccnew[N], the new one, when it failed before the swap ("drop it"), or <index>_ccold[N], the old
 * one, when it failed after ("the rebuild proper has been successful ... just drop said index"). One
 * cancelled before it was marked dead is still maintained by every write. Only invalid ones are listed: a
 * valid index of the user's that happens to end so is not a leftover. $1: the spatial index's name; lists
 * those on its table, to DROP one by one.
 */
export const REBUILD_LEFTOVERS_SQL = `SELECT quote_ident(c.relname) AS name
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  WHERE NOT i.indisvalid AND c.relname ~ '_cc(new|old)[0-9]*$'
    AND i.indrelid = (SELECT indrelid FROM pg_index WHERE indexrelid = to_regclass(quote_ident($1)))`;

export function postgisMaintenanceSql(ids: PostgisIds, kind: 'statistics' | 'rebuild'): string[] {
  if (kind === 'statistics') return [`ANALYZE ${ids.atoms}`, `ANALYZE ${ids.embeddings}`];
  return [`REINDEX INDEX CONCURRENTLY ${ids.spatialIndex}`];
}
