import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { clientConfig } from '../../../../src/engines/postgis/connection.ts';
import { textArray } from '../../../../src/engines/postgis/wire/frames.ts';
import { pgPassLine, pgPassPassword, wireSettings } from '../../../../src/engines/postgis/wire/settings.ts';

/**
 * The load's client resolves its settings itself (wire/settings.ts) and must land where pg does for
 * the admin connections. pg's own ConnectionParameters and prepareValue are the oracle here (test only):
 * a pg release that resolves differently, or moves them, fails this file first.
 */
const require = createRequire(import.meta.url);
const ConnectionParameters = require('pg/lib/connection-parameters.js') as new (
  c: object,
) => Record<string, unknown>;
const { prepareValue } = require('pg/lib/utils.js') as { prepareValue(v: unknown): unknown };

const URLS = [
  'postgres://u:p@h:5433/db',
  'postgres://u@h/db',
  'postgresql://u@h:6543/my%20db',
  'postgres://postgres@%2Ftmp%2Fsock:5432/postgres',
  'postgres://u@/db?host=/var/run/postgresql',
  'postgres:///db',
  'postgres://h',
  'postgres://u:p%40ss%3Aw@h/db?application_name=x&options=-c%20search_path%3Dfoo',
  'postgres://h/db?sslmode=no-verify',
  'postgres://h/db?sslmode=disable',
  'postgres://h/db?sslmode=require',
  'postgres://h/db?ssl=true',
  'postgres://h/db?ssl=0',
  'postgres://h/db?ssl=no-verify',
  'postgres://[::1]:5432/db',
  'postgres://u@h:5432/db?port=7000&user=other',
];
const ENVS: Record<string, string>[] = [
  {},
  {
    PGUSER: 'envuser',
    PGDATABASE: 'envdb',
    PGPORT: '6000',
    PGHOST: 'envhost',
    PGPASSWORD: 'envpw',
    PGAPPNAME: 'envapp',
    PGSSLMODE: 'no-verify',
    PGOPTIONS: '-c x=1',
  },
  { PGSSLMODE: 'require', PGHOST: '/run/pg' },
  { PGSSLMODE: 'disable' },
];
const KEYS = [
  'host',
  'port',
  'user',
  'database',
  'password',
  'ssl',
  'application_name',
  'options',
  'isDomainSocket',
];

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('PG') && !(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

describe('wire settings resolve as pg resolves them', () => {
  for (const [i, env] of ENVS.entries())
    it.each(URLS)(`environment ${i}: %s`, (url) => {
      for (const k of Object.keys(process.env)) if (k.startsWith('PG')) delete process.env[k];
      Object.assign(process.env, env);
      const cfg = clientConfig(url);
      const ours = wireSettings(cfg) as unknown as Record<string, unknown>;
      const theirs = new ConnectionParameters(cfg);
      for (const k of KEYS) expect([k, ours[k]]).toEqual([k, theirs[k]]);
    });
});

describe('array parameters are written as pg writes them', () => {
  it.each([
    [['a', 'b"c', 'd\\e', '', null, 'x,y {z}']],
    [[1, 2.5, -0, 1e21, 123456789012345]],
    [[Buffer.from([0, 1, 0xfe]), null, Buffer.alloc(0)]],
    [[]],
  ])('%j', (values) => {
    expect(textArray(values)).toBe(prepareValue(values));
  });
});

describe('password file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atombench-pgpass-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const s = { host: 'db.example', port: 5432, user: 'bob', database: 'atoms', isDomainSocket: false };

  it('splits lines with escapes and skips comments and short lines', () => {
    expect(pgPassLine('h:5432:d:u:p\\:w\\\\x')).toEqual(['h', '5432', 'd', 'u', 'p:w\\x']);
    expect(pgPassLine('h\\:x:*:d:u:pw:with:colons')).toEqual(['h:x', '*', 'd', 'u', 'pw:with:colons']);
    expect(pgPassLine('# h:5432:d:u:p')).toBeUndefined();
    expect(pgPassLine('h:1:d:u')).toBeUndefined();
  });

  it('returns the first matching entry, honours *, and ignores a file others can read or PGPASSWORD', () => {
    const file = join(dir, 'pgpass');
    writeFileSync(
      file,
      ['db.example:5432:other:bob:no', '*:*:atoms:bob:first', 'db.example:5432:atoms:bob:second', ''].join(
        '\n',
      ),
    );
    chmodSync(file, 0o600);
    const env = { PGPASSFILE: file };
    expect(pgPassPassword(s, env)).toBe('first');
    expect(pgPassPassword({ ...s, user: 'alice' }, env)).toBeUndefined();
    expect(pgPassPassword(s, { ...env, PGPASSWORD: 'x' })).toBeUndefined();
    chmodSync(file, 0o644);
    expect(pgPassPassword(s, env)).toBeUndefined();
  });
});
