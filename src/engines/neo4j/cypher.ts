/**
 * Every Cypher statement atombench runs on Neo4j (its "dialect"). Parameters are bound ($name); only
 * the traversal depth is spliced in (Cypher cannot bind a variable-length bound), as a checked integer.
 *
 * Ownership: an Atom node atombench creates gets `atombenchOwner = 'atombench'` when it is created
 * (ON CREATE), the way the SQL tables are marked in atombench_meta. The guard refuses a graph holding
 * any Atom without it, before the first write; cleanup deletes owned nodes only.
 */

/** The property (and its value) that marks an Atom node as atombench's. */
export const OWNER_PROPERTY = 'atombenchOwner';
export const OWNER = 'atombench';

/** Hartonomous's constraint: `(a:Atom) (id, tenantId)` unique. */
export const CONSTRAINT_NAME = 'atombench_atom_id_tenant';

export const MAX_PROVENANCE_DEPTH = 10;

export const CYPHER = {
  /** A foreign Atom node, if any (the guard), with how many there are, counted up to a limit. */
  foreignAtoms: `MATCH (a:Atom) WHERE a.${OWNER_PROPERTY} IS NULL OR a.${OWNER_PROPERTY} <> $owner
    WITH a LIMIT 1000 RETURN count(a) AS n, collect(a.id)[0..5] AS sample`,
  constraint: `CREATE CONSTRAINT ${CONSTRAINT_NAME} IF NOT EXISTS FOR (a:Atom) REQUIRE (a.id, a.tenantId) IS UNIQUE`,
  /** An equivalent constraint under another name also satisfies Hartonomous's schema. */
  constraints: `SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties
    WHERE type = 'UNIQUENESS' AND labelsOrTypes = ['Atom'] RETURN name, properties`,
  /**
   * Hartonomous's worker statement, one row per sync request of a batch:
   * `MERGE (e:Atom {id: $entityId, tenantId: $tenantId}) SET e.syncType = $syncType, e.lastSynced = datetime()`.
   */
  merge: `UNWIND $rows AS r
    MERGE (e:Atom {id: r.entityId, tenantId: r.tenantId})
    ON CREATE SET e.${OWNER_PROPERTY} = $owner
    SET e.syncType = r.syncType, e.lastSynced = datetime()`,
  /** Seed atoms for the provenance read (preload). */
  preloadNodes: `UNWIND $rows AS r
    MERGE (e:Atom {id: r.id, tenantId: r.tenantId})
    ON CREATE SET e.${OWNER_PROPERTY} = $owner, e.syncType = 'seed', e.lastSynced = datetime()`,
  preloadEdges: (type: 'DERIVED_FROM' | 'INFLUENCED_BY') => `UNWIND $edges AS x
    MATCH (a:Atom {id: x.from, tenantId: x.tenantId}), (b:Atom {id: x.to, tenantId: x.tenantId})
    MERGE (a)-[:${type}]->(b)`,
  /** What the preloaded graph holds (one marker node, not an Atom). */
  preloadMarker: `MATCH (g:AtombenchGraph {owner: $owner}) RETURN g.key AS key`,
  setPreloadMarker: `MERGE (g:AtombenchGraph {owner: $owner}) SET g.key = $key`,
  /** Hartonomous's read path: the atoms an atom derives from or was influenced by, up to `depth` hops. */
  provenance: (depth: number) => {
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_PROVENANCE_DEPTH)
      throw new RangeError(`provenance depth must be an integer in 1..${MAX_PROVENANCE_DEPTH}, not ${depth}`);
    return `MATCH (a:Atom {id: $id, tenantId: $tenantId})-[:DERIVED_FROM|INFLUENCED_BY*1..${depth}]->(b:Atom)
      RETURN count(DISTINCT b) AS n`;
  },
  /** Owned atoms with id above $aboveId (ingested ones), deleted in batches (auto-commit only). */
  cleanup: `MATCH (a:Atom) WHERE a.${OWNER_PROPERTY} = $owner AND a.id > $aboveId
    CALL { WITH a DETACH DELETE a } IN TRANSACTIONS OF 5000 ROWS`,
  dropMarker: `MATCH (g:AtombenchGraph {owner: $owner}) DELETE g`,
  countOwned: `MATCH (a:Atom) WHERE a.${OWNER_PROPERTY} = $owner AND a.id > $aboveId RETURN count(a) AS n`,
  version: `CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition`,
} as const;
