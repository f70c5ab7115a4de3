import { describe, expect, it } from 'vitest';
import { UserError } from '../../../../src/errors.ts';
import { parseMssqlUrl, withDatabase } from '../../../../src/engines/mssql/connection-url.ts';
import { maskCredentials, Redactor } from '../../../../src/engines/mssql/redact.ts';

const SECRET = 'S3cr3t!P@ss;w0rd';

function expectUserErrorWithoutSecret(fn: () => unknown, secret: string, field = '--url'): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toContain(field);
    expect((e as Error).message).not.toContain(secret);
    expect((e as Error).message).not.toContain(encodeURIComponent(secret));
    return;
  }
  throw new Error('expected a UserError');
}

describe('mssql:// URLs', () => {
  it('parses user, password, host, port, database and options', () => {
    const t = parseMssqlUrl(
      `mssql://sa:${encodeURIComponent(SECRET)}@db.example:14330/atom%20bench?encrypt=false&trustServerCertificate=true&connectTimeoutMs=5000`,
    );
    expect(t.config).toMatchObject({
      server: 'db.example',
      port: 14330,
      user: 'sa',
      password: SECRET,
      database: 'atom bench',
      connectionTimeout: 5000,
      options: { encrypt: false, trustServerCertificate: true },
    });
    expect(t.display).toBe('db.example:14330/atom bench as sa');
    expect(t.display).not.toContain(SECRET);
  });

  it('defaults: port 1433, encrypt on, certificate checked, login database', () => {
    const t = parseMssqlUrl('sqlserver://u:p@localhost');
    expect(t.config.port).toBe(1433);
    expect(t.config.database).toBeUndefined();
    expect(t.config.options).toMatchObject({ encrypt: true, trustServerCertificate: false });
  });

  it('bad parameters are UserErrors naming --url, without the password', () => {
    const url = (q: string) => `mssql://sa:${encodeURIComponent(SECRET)}@h/db?${q}`;
    expectUserErrorWithoutSecret(() => parseMssqlUrl(url('bogus=1')), SECRET);
    expectUserErrorWithoutSecret(() => parseMssqlUrl(url('encrypt=maybe')), SECRET);
    expectUserErrorWithoutSecret(() => parseMssqlUrl(url('connectTimeoutMs=-1')), SECRET);
    expectUserErrorWithoutSecret(() => parseMssqlUrl(`mssql://sa:${SECRET}@`), SECRET);
    expectUserErrorWithoutSecret(() => parseMssqlUrl('mssql://sa:%E0%A4%A@h/db'), '%E0%A4%A');
    expectUserErrorWithoutSecret(() => parseMssqlUrl(undefined), 'x');
    expectUserErrorWithoutSecret(() => parseMssqlUrl(`postgres://u:${SECRET}@h/db`), SECRET);
  });
});

describe('ADO connection strings', () => {
  it('parses the testcontainers form', () => {
    const t = parseMssqlUrl(
      `Server=localhost,49153;Database=master;User Id=sa;Password=${'Str0ng!Pass'};Encrypt=false`,
    );
    expect(t.config).toMatchObject({
      server: 'localhost',
      port: 49153,
      database: 'master',
      user: 'sa',
      password: 'Str0ng!Pass',
    });
    expect(t.config.options?.encrypt).toBe(false);
    expect(t.display).toBe('localhost:49153/master as sa');
  });

  it('a string without a server is a UserError without the password', () => {
    expectUserErrorWithoutSecret(
      () => parseMssqlUrl(`Database=x;User Id=sa;Password=${SECRET.replace(';', '')}`),
      SECRET.replace(';', ''),
    );
  });

  it('withDatabase copies the config for master', () => {
    const t = parseMssqlUrl('mssql://u:p@h/bench');
    const m = withDatabase(t.config, 'master', 1);
    expect(m.database).toBe('master');
    expect(m.pool).toMatchObject({ max: 1, min: 0 });
    expect(t.config.database).toBe('bench');
  });
});

describe('redaction', () => {
  it('replaces the secret and its encodings everywhere', () => {
    const r = new Redactor([SECRET]);
    const text = `Login failed: ${SECRET} / ${encodeURIComponent(SECRET)} / ${SECRET.replace(/'/g, "''")}`;
    const out = r.redact(text);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(encodeURIComponent(SECRET));
    expect(out).toContain('***');
  });

  it('masks credential-shaped text even when the secret is unknown', () => {
    expect(maskCredentials('Server=h;User Id=sa;Password=hunter2;Encrypt=true')).toBe(
      'Server=h;User Id=sa;Password=***;Encrypt=true',
    );
    expect(maskCredentials('pwd = "a;b""c";x=1')).toBe('pwd = ***;x=1');
    expect(maskCredentials('failed mssql://sa:hunter2@db:1433/x')).toBe('failed mssql://sa:***@db:1433/x');
  });

  it('message() flattens an error to one redacted line', () => {
    const r = new Redactor(['pw123456']);
    expect(r.message(new Error('line one\n  pw123456 line two'))).toBe('line one *** line two');
    expect(r.message('plain pw123456')).toBe('plain ***');
  });

  it('an empty secret registers nothing', () => {
    expect(new Redactor(['', undefined]).redact('abc')).toBe('abc');
  });
});
