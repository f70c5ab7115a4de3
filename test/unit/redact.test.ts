import { describe, expect, it } from 'vitest';
import { redactUrl, scrubSecrets } from '../../src/redact.ts';

describe('secrets never printed', () => {
  it.each([
    ['postgres://bench:s3cr%40t@db:5432/atoms', 'postgres://bench:***@db:5432/atoms'],
    [
      'mssql://sa:Str0ng!Pass@localhost:1433/bench?encrypt=true',
      'mssql://sa:***@localhost:1433/bench?encrypt=true',
    ],
    [
      'Server=localhost,1433;User Id=sa;Password=Str0ng!Pass;Encrypt=true',
      'Server=localhost,1433;User Id=sa;Password=***;Encrypt=true',
    ],
    ['server=x;pwd={a;b};database=y', 'server=x;pwd=***;database=y'],
    ['postgres://h/db?password=abc&sslmode=disable', 'postgres://h/db?password=***&sslmode=disable'],
    ['/tmp/file.sqlite', '/tmp/file.sqlite'],
  ])('redacts %s', (url, expected) => expect(redactUrl(url)).toBe(expected));

  it('scrubs a password a driver echoes in its error, encoded or not', () => {
    const url = 'postgres://bench:s3cr%40t@db/atoms';
    const msg = scrubSecrets(`password authentication failed for s3cr@t at ${url}`, url);
    expect(msg).not.toContain('s3cr');
    expect(msg).toContain('postgres://bench:***@db/atoms');
  });
});
