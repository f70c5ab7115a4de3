import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientConfig } from '../../../src/engines/postgis/connection.ts';
import { WireConnection, wireSettings } from '../../../src/engines/postgis/wire/connection.ts';
import { WirePool } from '../../../src/engines/postgis/wire/pool.ts';
import {
  PASSWORD_USER,
  PASSWORD_USER_SECRET,
  postgisSkipReason,
  startPgServer,
  type PgServer,
} from '../../helpers/pg-server.ts';

const skip = postgisSkipReason();
const open = (url: string) => WireConnection.open(wireSettings(clientConfig(url)));
const one = async (c: WireConnection, sql: string, params: string[] = []) =>
  (await c.query(`s${sql.length}`, sql, params, true)).rows?.[0]?.[0];

/** The load's lean client (src/engines/postgis/wire) against a real server: every login path, errors, breakage. */
describe.skipIf(!!skip)('postgis lean wire client', () => {
  let server: PgServer;
  const conns: WireConnection[] = [];
  const tracked = async (url: string) => {
    const c = await open(url);
    conns.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startPgServer({
      statStatements: false,
      tls: true,
      hba: [
        'host all ab_md5 127.0.0.1/32 md5',
        'host all ab_clear 127.0.0.1/32 password',
        'hostssl all ab_tls 127.0.0.1/32 scram-sha-256',
        'hostnossl all ab_tls 127.0.0.1/32 reject',
      ],
    });
    server.psql(`SET password_encryption = 'md5'; CREATE ROLE ab_md5 LOGIN PASSWORD 'md5-secret';
      RESET password_encryption; CREATE ROLE ab_clear LOGIN PASSWORD 'clear-secret'; CREATE ROLE ab_tls LOGIN PASSWORD 'tls-secret';`);
  });
  afterAll(async () => {
    await Promise.all(conns.map((c) => c.close()));
    await server?.stop();
  });

  it('counts rows, or returns them as text, and names itself atombench', async () => {
    const c = await tracked(server.url);
    const r = await c.query('gs', 'SELECT g, g * 0.5 AS h FROM generate_series(1, $1::int) AS g', ['7']);
    expect(r).toMatchObject({ count: 7, affected: 7 });
    expect(r.rows).toBeUndefined();
    const kept = await c.query(
      'gs',
      'SELECT g, g * 0.5 AS h FROM generate_series(1, $1::int) AS g',
      ['3'],
      true,
    );
    expect(kept.rows).toEqual([
      ['1', '0.5'],
      ['2', '1.0'],
      ['3', '1.5'],
    ]);
    expect(await one(c, 'SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()')).toBe(
      'atombench',
    );
    expect(await one(c, 'SELECT $1::text IS NULL', [null as unknown as string])).toBe('t');
  });

  it('logs in over the Unix socket', async () => {
    const url = `postgres://postgres@${encodeURIComponent(server.socketDir)}:${server.port}/postgres`;
    expect(wireSettings(clientConfig(url)).isDomainSocket).toBe(true);
    const c = await tracked(url);
    expect(await one(c, 'SELECT inet_server_addr() IS NULL')).toBe('t');
  });

  it.each([
    ['SCRAM-SHA-256', PASSWORD_USER, PASSWORD_USER_SECRET],
    ['MD5', 'ab_md5', 'md5-secret'],
    ['cleartext', 'ab_clear', 'clear-secret'],
  ])('logs in with %s, and a wrong password fails with 28P01 without echoing it', async (_, user, pw) => {
    const c = await tracked(server.urlFor('postgres', user, pw));
    expect(await one(c, 'SELECT current_user')).toBe(user);
    const wrong = `${pw}-wrong`;
    const err = (await open(server.urlFor('postgres', user, wrong)).catch((e: unknown) => e)) as Error & {
      code?: string;
    };
    expect(err.code).toBe('28P01');
    expect(err.message).not.toContain(wrong);
  });

  it('takes the password from the password file (PGPASSFILE) when the URL gives none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atombench-pgpass-'));
    const file = join(dir, 'pgpass');
    writeFileSync(
      file,
      `${new URL(server.url).hostname}:${server.port}:postgres:${PASSWORD_USER}:${PASSWORD_USER_SECRET}\n`,
    );
    chmodSync(file, 0o600);
    const saved = { file: process.env.PGPASSFILE, pw: process.env.PGPASSWORD };
    process.env.PGPASSFILE = file;
    delete process.env.PGPASSWORD;
    try {
      const c = await tracked(server.urlFor('postgres', PASSWORD_USER));
      expect(await one(c, 'SELECT current_user')).toBe(PASSWORD_USER);
      chmodSync(file, 0o644); // others can read it: ignored, as libpq ignores it
      await expect(open(server.urlFor('postgres', PASSWORD_USER))).rejects.toThrow(
        /asked for a password and none was given/,
      );
    } finally {
      if (saved.file === undefined) delete process.env.PGPASSFILE;
      else process.env.PGPASSFILE = saved.file;
      if (saved.pw !== undefined) process.env.PGPASSWORD = saved.pw;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('speaks TLS when the URL asks for it (sslmode), and the server sees an encrypted session', async () => {
    const c = await tracked(`${server.urlFor('postgres', 'ab_tls', 'tls-secret')}?sslmode=no-verify`);
    expect(await one(c, 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).toBe('t');
    // Without TLS the server refuses this role (hostnossl ... reject).
    const err = (await open(server.urlFor('postgres', 'ab_tls', 'tls-secret')).catch((e: unknown) => e)) as {
      code?: string;
    };
    expect(err.code).toBe('28000');
  });

  it('reports server errors with their SQLSTATE and keeps the connection and its statements usable', async () => {
    const c = await tracked(server.url);
    const text = 'SELECT $1::float8 * 2';
    // Bind fails: the statement was parsed all the same, and is used again without a second Parse.
    await expect(c.query('dbl', text, ['not a number'])).rejects.toMatchObject({ code: '22P02' });
    expect((await c.query('dbl', text, ['21'], true)).rows).toEqual([['42']]);
    // Parse fails: the name is free again.
    await expect(c.query('bad', 'SELEC 1', [])).rejects.toMatchObject({ code: '42601' });
    expect((await c.query('bad', 'SELECT 1', [], true)).rows).toEqual([['1']]);
    await expect(c.query('bad', 'SELECT 2', [])).rejects.toThrow(/already used for another statement/);
  });

  it('fails a query whose backend is terminated with the server reason, and the pool replaces the connection', async () => {
    const pool = await WirePool.open(wireSettings(clientConfig(server.url)), 1);
    try {
      const pid = await pool.with((c) => one(c, 'SELECT pg_backend_pid()'));
      const sleeping = pool.with((c) => c.query('sleep', 'SELECT pg_sleep(30)', []));
      await new Promise((r) => setTimeout(r, 200));
      server.psql(`SELECT pg_terminate_backend(${pid})`);
      await expect(sleeping).rejects.toMatchObject({ code: '57P01' });
      const again = await pool.with((c) => one(c, 'SELECT pg_backend_pid()'));
      expect(again).toMatch(/^\d+$/);
      expect(again).not.toBe(pid);
    } finally {
      await pool.end();
    }
  });

  it('hands one connection to one caller at a time: concurrent callers queue', async () => {
    const pool = await WirePool.open(wireSettings(clientConfig(server.url)), 2);
    try {
      const pids = await Promise.all(
        Array.from({ length: 6 }, () =>
          pool.with((c) => one(c, 'SELECT pg_backend_pid() FROM pg_sleep(0.05)')),
        ),
      );
      expect(new Set(pids).size).toBe(2);
    } finally {
      await pool.end();
    }
  });

  it('gives the connection back whatever the caller does: resolves, rejects or throws', async () => {
    const pool = await WirePool.open(wireSettings(clientConfig(server.url)), 1);
    try {
      const pid = await pool.with((c) => one(c, 'SELECT pg_backend_pid()'));
      await expect(pool.with(() => Promise.reject(new Error('rejected')))).rejects.toThrow('rejected');
      await expect(
        pool.with(() => {
          throw new Error('thrown');
        }),
      ).rejects.toThrow('thrown');
      await expect(pool.with((c) => c.query('bad', 'SELECT 1/0', []))).rejects.toThrow(/division by zero/);
      // Still the one connection, free again after each (a lost one would leave the next caller waiting).
      expect(await pool.with((c) => one(c, 'SELECT pg_backend_pid()'))).toBe(pid);
    } finally {
      await pool.end();
    }
  });
});
