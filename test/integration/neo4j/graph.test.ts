import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.ts';
import { Neo4jGraph } from '../../../src/engines/neo4j/graph.ts';
import { graphErrorClass } from '../../../src/engines/neo4j/error-class.ts';
import { parseNeo4jUrl } from '../../../src/engines/neo4j/url.ts';
import { neo4jSkipReason, startNeo4j, type Neo4jServer } from '../../helpers/neo4j.ts';

const skip = neo4jSkipReason();

describe.skipIf(!!skip)('Neo4jGraph against a real Neo4j (src/engines/neo4j/graph.ts)', () => {
  let server: Neo4jServer;
  let admin: Driver;
  const graphs: Neo4jGraph[] = [];
  const q = async (cypher: string, params = {}) => {
    const s = admin.session();
    try {
      return (await s.run(cypher, params)).records;
    } finally {
      await s.close();
    }
  };
  const count = async (cypher: string) => Number((await q(cypher))[0]?.get(0));
  const open = async (password = server.password) => {
    const g = new Neo4jGraph({
      target: parseNeo4jUrl(server.url.replace('bolt://', `bolt://neo4j:${password}@`)),
      poolSize: 4,
      maxRetryTimeMs: 2000,
      connectTimeoutMs: 3000,
    });
    graphs.push(g);
    await g.connect();
    return g;
  };

  beforeAll(async () => {
    server = await startNeo4j();
    admin = neo4j.driver(server.url, neo4j.auth.basic(server.user, server.password), {
      disableLosslessIntegers: true,
    });
  }, 150_000);
  beforeEach(async () => {
    await q('MATCH (n) DETACH DELETE n');
    await q('DROP CONSTRAINT atombench_atom_id_tenant IF EXISTS');
  });
  afterAll(async () => {
    await Promise.all(graphs.map((g) => g.close()));
    await admin?.close();
    await server?.dispose();
  }, 60_000);

  it('connects with the URL credentials and reports the server version', async () => {
    const g = await open();
    expect(g.serverVersion).toMatch(/^Neo4j Kernel 5\.26\.\d+ community$/);
  }, 30_000);

  it('a wrong password is an auth error', async () => {
    const e = await open('wrong-password-1').catch((err: unknown) => err);
    expect(graphErrorClass(e)).toBe('auth');
  }, 30_000);

  it('prepare creates the (id, tenantId) uniqueness constraint, and it refuses a duplicate', async () => {
    const g = await open();
    const state = await g.prepare(0);
    expect(state.constraint).toBe('atombench_atom_id_tenant');
    const rows = await q(
      "SHOW CONSTRAINTS YIELD name, type, properties WHERE name = 'atombench_atom_id_tenant' RETURN type, properties",
    );
    expect(rows[0]?.get('type')).toBe('UNIQUENESS');
    expect(rows[0]?.get('properties')).toEqual(['id', 'tenantId']);
    await g.merge([{ entityId: 1, tenantId: 0, syncType: 'Create' }]);
    const dup = await q("CREATE (:Atom {id: 1, tenantId: 0, atombenchOwner: 'atombench'})").catch(
      (e: unknown) => e,
    );
    expect(graphErrorClass(dup)).toBe('constraint');
    expect(await (await open()).prepare(0)).toMatchObject({ constraint: 'atombench_atom_id_tenant' }); // idempotent
  }, 30_000);

  it('MERGE creates one node per new atom, with integer ids, and none when the atoms are merged again', async () => {
    const g = await open();
    await g.prepare(0);
    const rows = Array.from({ length: 250 }, (_, i) => ({
      entityId: 1000 + i,
      tenantId: 0,
      syncType: 'Create',
    }));
    expect(await g.merge(rows)).toEqual({ nodesCreated: 250, attempts: 1 });
    expect(await g.merge(rows)).toEqual({ nodesCreated: 0, attempts: 1 });
    expect(await count('MATCH (a:Atom) RETURN count(a)')).toBe(250);
    const [r] = await q(
      'MATCH (a:Atom {id: 1000}) RETURN valueType(a.id) AS t, a.syncType AS s, a.lastSynced IS NOT NULL AS synced, a.atombenchOwner AS o',
    );
    expect({ t: r?.get('t'), s: r?.get('s'), synced: r?.get('synced'), o: r?.get('o') }).toEqual({
      t: 'INTEGER NOT NULL',
      s: 'Create',
      synced: true,
      o: 'atombench',
    });
    expect(await g.countOwned(0)).toBe(250);
  }, 30_000);

  it('refuses a graph holding a foreign Atom node, before any write, and leaves it intact', async () => {
    await q(
      "CREATE (:Atom {id: 7, tenantId: 0, name: 'theirs'})-[:DERIVED_FROM]->(:Atom {id: 8, tenantId: 0})",
    );
    const g = await open();
    const e = await g.prepare(0).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toMatch(/2 Atom node\(s\) atombench did not create \(ids 7, 8|8, 7\)/);
    expect((e as Error).message).not.toContain(server.password);
    expect(await count('MATCH (a:Atom) RETURN count(a)')).toBe(2);
    expect(await count('MATCH ()-[r]->() RETURN count(r)')).toBe(1);
    expect(
      await count("SHOW CONSTRAINTS YIELD name WHERE name = 'atombench_atom_id_tenant' RETURN count(*)"),
    ).toBe(0);
  }, 30_000);

  it('preloads a provenance graph, walks it to a depth, and cleanup removes only its own nodes', async () => {
    const g = await open();
    await g.prepare(0);
    const out = await g.preload({
      atoms: 500,
      edgesPerAtom: 2,
      seed: 42,
      tenantId: 0,
      key: 'k1',
      batch: 128,
    });
    expect(out).toEqual({ nodes: 500, edges: 997 }); // atom 1: none, atom 2: one, the rest two each
    expect(await g.preloadKey()).toBe('k1');
    expect(await count('MATCH (:Atom)-[r:DERIVED_FROM]->(:Atom) RETURN count(r)')).toBe(499);
    expect(await count('MATCH (:Atom)-[r:INFLUENCED_BY]->(:Atom) RETURN count(r)')).toBe(498);
    const d1 = await g.provenance(500, 0, 1);
    const d3 = await g.provenance(500, 0, 3);
    expect(d1).toBe(2);
    expect(d3).toBeGreaterThan(d1);
    expect(d3).toBe(
      await count('MATCH (:Atom {id: 500})-[:DERIVED_FROM|INFLUENCED_BY*1..3]->(b) RETURN count(DISTINCT b)'),
    );
    expect(await g.provenance(1, 0, 3)).toBe(0);
    // Ingested atoms (above the dataset) go; the seed graph stays; anything foreign added later stays.
    await g.merge([
      { entityId: 501, tenantId: 0, syncType: 'Create' },
      { entityId: 502, tenantId: 0, syncType: 'Create' },
    ]);
    await q('CREATE (:Atom {id: 9999, tenantId: 5})');
    expect(await g.cleanup(500)).toBe(2);
    expect(await count('MATCH (a:Atom) RETURN count(a)')).toBe(501);
    expect(await g.cleanup(0)).toBe(500);
    expect(await g.preloadKey()).toBeUndefined();
    expect(await count('MATCH (a:Atom) RETURN a.id')).toBe(9999);
  }, 60_000);

  it('a killed server is an unavailable error; after a restart the same graph object works again', async () => {
    const g = await open();
    await g.prepare(0);
    await g.merge([{ entityId: 1, tenantId: 0, syncType: 'Create' }]);
    await server.kill();
    const e = await g.merge([{ entityId: 2, tenantId: 0, syncType: 'Create' }]).catch((err: unknown) => err);
    expect(graphErrorClass(e)).toBe('unavailable');
    await server.restart();
    expect((await g.merge([{ entityId: 2, tenantId: 0, syncType: 'Create' }])).nodesCreated).toBe(1);
    expect(await g.countOwned(0)).toBe(2);
  }, 150_000);
});
