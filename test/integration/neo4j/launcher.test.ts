import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { neo4jSkipReason, startNeo4j, type Neo4jServer } from '../../helpers/neo4j.ts';

const skip = neo4jSkipReason();
const PASSWORD = 'launcher-test-pw';

describe.skipIf(!!skip)('the Neo4j the tests start (test/helpers/neo4j)', () => {
  let server: Neo4jServer;
  const drivers: Driver[] = [];
  const driver = (password = PASSWORD): Driver => {
    const d = neo4j.driver(server.url, neo4j.auth.basic(server.user, password), {
      connectionTimeout: 5_000,
      connectionAcquisitionTimeout: 10_000,
      maxConnectionPoolSize: 2,
      disableLosslessIntegers: true,
    });
    drivers.push(d);
    return d;
  };
  /** Auto-commit: no retries, so a dead server shows at once. */
  const query = async (d: Driver, cypher: string, params = {}) => {
    const session = d.session();
    try {
      return (await session.run(cypher, params)).records;
    } finally {
      await session.close();
    }
  };

  beforeAll(async () => {
    server = await startNeo4j({ password: PASSWORD });
  }, 150_000);
  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((d) => d.close()));
  });
  afterAll(async () => {
    await server?.dispose();
  }, 60_000);

  it('listens on loopback with auth on: a wrong password is refused', async () => {
    expect(server.url).toBe(`bolt://127.0.0.1:${server.port}`);
    await expect(driver('not-the-password').verifyConnectivity()).rejects.toMatchObject({
      code: 'Neo.ClientError.Security.Unauthorized',
    });
  }, 30_000);

  it('answers RETURN 1 with the right password', async () => {
    const [row] = await query(driver(), 'RETURN 1 AS one');
    expect(row?.get('one')).toBe(1);
  }, 30_000);

  it('keeps a committed node over a clean stop and a restart on the same port and data dir', async () => {
    const before = { port: server.port, dataDir: server.dataDir, pid: server.pid };
    await query(driver(), 'CREATE (:LauncherProbe {name: $name})', { name: 'survives-restart' });
    await Promise.all(drivers.splice(0).map((d) => d.close()));
    await server.stop();
    expect(server.pid).toBeUndefined();
    await server.restart();
    expect({ port: server.port, dataDir: server.dataDir }).toEqual({
      port: before.port,
      dataDir: before.dataDir,
    });
    expect(server.pid).not.toBe(before.pid);
    const rows = await query(driver(), 'MATCH (p:LauncherProbe {name: $name}) RETURN count(p) AS n', {
      name: 'survives-restart',
    });
    expect(rows[0]?.get('n')).toBe(1);
  }, 150_000);

  it('kill() is a crash: the driver gets ServiceUnavailable, and a restart recovers the data', async () => {
    const d = driver();
    await query(d, 'CREATE (:LauncherProbe {name: $name})', { name: 'survives-kill' });
    await server.kill();
    await expect(query(d, 'RETURN 1')).rejects.toMatchObject({ code: neo4j.error.SERVICE_UNAVAILABLE });
    await server.restart();
    const rows = await query(driver(), 'MATCH (p:LauncherProbe) RETURN count(p) AS n');
    expect(rows[0]?.get('n')).toBe(2);
  }, 150_000);
});
