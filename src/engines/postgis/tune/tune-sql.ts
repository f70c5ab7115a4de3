import type { PostgisIds } from '../dialect.ts';

/**
 * The catalog statements of the PostGIS tune sweep (tune-target.ts), as text. $1 / $2 are the quoted
 * index and table names, bound as text and resolved with to_regclass (so a missing index is no error).
 */
export function tuneSql(ids: PostgisIds) {
  return {
    /** The index as the catalog has it: enough to tell whether a sweep configuration rebuilds it exactly. */
    snapshot: `SELECT pg_get_indexdef(i.indexrelid) AS indexdef, am.amname AS method, c.reloptions,
        ARRAY(SELECT oc.opcname FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS k(oid, n)
              JOIN pg_opclass oc ON oc.oid = k.oid ORDER BY k.n)::text[] AS opclasses,
        ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
              LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns,
        (i.indpred IS NULL AND i.indexprs IS NULL) AS plain
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
      WHERE i.indexrelid = to_regclass($1) AND i.indrelid = to_regclass($2)`,
    drop: `DROP INDEX IF EXISTS ${ids.spatialIndex}`,
    /** Size on disk (pg_relation_size: the main fork), and the build's own page and entry counts. */
    size: `SELECT pg_relation_size(c.oid) AS bytes, c.relpages AS pages, c.reltuples AS tuples
      FROM pg_class c WHERE c.oid = to_regclass($1)`,
    /**
     * Can an index of this operator class return rows in `<->` order (a kNN index scan)? It can when its
     * operator family has an ordering operator (pg_amop.amoppurpose 'o'). PostGIS 3.3's
     * gist_geometry_ops_2d has `<->`; its spgist_geometry_ops_2d has none.
     */
    ordering: `SELECT oc.opcname AS opclass,
        EXISTS (SELECT 1 FROM pg_amop ao WHERE ao.amopfamily = oc.opcfamily AND ao.amoppurpose = 'o') AS orders
      FROM pg_opclass oc WHERE oc.opcname = ANY($1::text[])`,
  };
}
