/**
 * T-SQL for the spatial workload, as Hartonomous runs it (AHartTN/Hartonomous-Sandbox's spatial queries).
 * Pure builders: text + parameter list, unit-tested; the engine only binds and runs them.
 *
 * The query geometry is built in T-SQL from numeric parameters, because tedious cannot send a geometry
 * value (tedious src/data-types/udt.ts): `geometry::Point(@x, @y, 0)` (SD:docs/t-sql/spatial-geometry/point-geometry-data-type.md).
 * It is 2-D: spatial indexes, STIntersects and STDistance ignore Z, and SRID 0 matches the data (a
 * mismatched SRID makes every predicate NULL). Predicates keep the forms the index serves
 * (SD:docs/relational-databases/spatial/spatial-indexes-overview.md): `geom.STIntersects(w) = 1` and
 * `geom.STDistance(q) <= n`; `1 = geom.STIntersects(..)` would not use it.
 * The hint `WITH (INDEX(...))` is index.hint (on by default, as the real code forces the index on the
 * pool, walk and dedup queries; its kNN query has no hint). Without it the plan shows whether the
 * optimizer picks the spatial index on its own.
 */
import type { Point3 } from '../../../dataset/types.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import { qualifiedName, quoteName } from './identifiers.ts';
import { param, type SqlStatement } from './statement.ts';

/** The quoted names the builders splice, resolved once per engine. */
export interface SpatialIdents {
  embeddings: string;
  embeddingId: string;
  atomId: string;
  geom: string;
  index: string;
}

export function spatialIdents(names: ObjectNames): SpatialIdents {
  return {
    embeddings: qualifiedName(names.schema, names.embeddingsTable),
    embeddingId: quoteName(names.embeddingIdColumn),
    atomId: quoteName(names.atomIdColumn),
    geom: quoteName(names.geometryColumn),
    index: quoteName(names.spatialIndex),
  };
}

function from(ids: SpatialIdents, hint: boolean): string {
  return `FROM ${ids.embeddings} AS e${hint ? ` WITH (INDEX(${ids.index}))` : ''}`;
}

function pointParams(prefix: '' | 'g', p: Point3) {
  return [param(`${prefix}x`, 'float', p.x), param(`${prefix}y`, 'float', p.y)];
}

/**
 * Candidate pool: TOP (@pool) inside the buffer of radius @radius, nearest first.
 *   SELECT TOP (@pool) ... WITH (INDEX(IX)) WHERE geom.STIntersects(@q.STBuffer(@radius)) = 1 ORDER BY geom.STDistance(@q)
 */
export function poolQuery(
  ids: SpatialIdents,
  hint: boolean,
  q: Point3,
  radius: number,
  pool: number,
): SqlStatement {
  return {
    text: [
      'DECLARE @q geometry = geometry::Point(@x, @y, 0);',
      `SELECT TOP (@pool) e.${ids.embeddingId}, e.${ids.atomId}, e.${ids.geom}.STDistance(@q) AS Distance`,
      from(ids, hint),
      `WHERE e.${ids.geom}.STIntersects(@q.STBuffer(@radius)) = 1`,
      `ORDER BY e.${ids.geom}.STDistance(@q);`,
    ].join('\n'),
    params: [...pointParams('', q), param('radius', 'float', radius), param('pool', 'bigint', pool)],
  };
}

/**
 * k nearest neighbours in the documented nearest-neighbor shape (TOP, ORDER BY STDistance, WHERE
 * STDistance IS NOT NULL: SD:docs/relational-databases/spatial/query-spatial-data-for-nearest-neighbor.md),
 * which lets the optimizer use the spatial index. No hint, as in the real code.
 */
export function knnQuery(ids: SpatialIdents, q: Point3, k: number): SqlStatement {
  return {
    text: [
      'DECLARE @q geometry = geometry::Point(@x, @y, 0);',
      `SELECT TOP (@k) e.${ids.embeddingId}, e.${ids.atomId}, e.${ids.geom}.STDistance(@q) AS Distance`,
      `FROM ${ids.embeddings} AS e`,
      `WHERE e.${ids.geom}.STDistance(@q) IS NOT NULL`,
      `ORDER BY e.${ids.geom}.STDistance(@q);`,
    ].join('\n'),
    params: [...pointParams('', q), param('k', 'bigint', k)],
  };
}

/** Dedup probe: is any atom within @threshold? `STDistance(@q) <= @t` is a predicate the index serves. */
export function dedupQuery(ids: SpatialIdents, hint: boolean, q: Point3, threshold: number): SqlStatement {
  return {
    text: [
      'DECLARE @q geometry = geometry::Point(@x, @y, 0);',
      `SELECT TOP (1) e.${ids.embeddingId}, e.${ids.atomId}`,
      from(ids, hint),
      `WHERE e.${ids.geom}.STDistance(@q) <= @threshold;`,
    ].join('\n'),
    params: [...pointParams('', q), param('threshold', 'float', threshold)],
  };
}

/**
 * One step of the neighbour walk (the A* path search): the pool of small radius around the current
 * point (TOP (@pool) nearest to it, the pool query's shape and hint), and of those the one nearest the
 * goal; the caller moves there if that is nearer the goal than where the walk is.
 */
export function walkStepQuery(
  ids: SpatialIdents,
  hint: boolean,
  cur: Point3,
  goal: Point3,
  radius: number,
  pool: number,
): SqlStatement {
  return {
    text: [
      'DECLARE @cur geometry = geometry::Point(@x, @y, 0);',
      'DECLARE @goal geometry = geometry::Point(@gx, @gy, 0);',
      'SELECT TOP (1) c.Id, c.X, c.Y, c.GoalDistance',
      'FROM (',
      `    SELECT TOP (@pool) e.${ids.embeddingId} AS Id, e.${ids.geom}.STX AS X, e.${ids.geom}.STY AS Y,`,
      `           e.${ids.geom}.STDistance(@goal) AS GoalDistance`,
      `    ${from(ids, hint)}`,
      `    WHERE e.${ids.geom}.STIntersects(@cur.STBuffer(@radius)) = 1`,
      `    ORDER BY e.${ids.geom}.STDistance(@cur)`,
      ') AS c',
      'ORDER BY c.GoalDistance;',
    ].join('\n'),
    params: [
      ...pointParams('', cur),
      ...pointParams('g', goal),
      param('radius', 'float', radius),
      param('pool', 'bigint', pool),
    ],
  };
}

/** The query window of a spatial request (what the index is probed with), or undefined for kNN. */
export function queryWindow(req: {
  op: string;
  q: Point3;
  radius?: number;
  threshold?: number;
}): { q: Point3; radius: number } | undefined {
  if (req.op === 'spatial.pool' || req.op === 'spatial.walk') return { q: req.q, radius: req.radius ?? 0 };
  if (req.op === 'spatial.dedup') return { q: req.q, radius: req.threshold ?? 0 };
  return undefined;
}
