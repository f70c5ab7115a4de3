import { describe, expect, it } from 'vitest';
import { RuntimeFailure, UserError } from '../../../../src/errors.ts';
import { MssqlEngine } from '../../../../src/engines/mssql/index.ts';
import { runHealthCheck } from '../../../../src/engines/mssql/check/healthcheck.ts';
import { NAME_PRESETS } from '../../../../src/scenario/names.ts';
import { scenarioSchema } from '../../../../src/scenario/schema.ts';

// No server here: these check what a user sees when the server is not there (exit 3, no password).
const PASSWORD = 'N0tTh3re!Secret';
const URL_NO_SERVER = `mssql://sa:${encodeURIComponent(PASSWORD)}@127.0.0.1:1/atombench?encrypt=false&connectTimeoutMs=3000`;
const scenario = scenarioSchema.parse({ engine: 'mssql', workload: { mix: [{ op: 'spatial.pool' }] } });

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('mssql engine without a server', () => {
  it('connect() is a RuntimeFailure naming the server, never the password', async () => {
    const engine = new MssqlEngine({ url: URL_NO_SERVER, scenario, runNonce: 't' });
    const e = await failure(engine.connect());
    expect(e).toBeInstanceOf(RuntimeFailure);
    expect(e.message).toContain('cannot connect to SQL Server at 127.0.0.1:1/atombench as sa');
    expect(e.message).not.toContain(PASSWORD);
    expect(e.message).not.toContain(encodeURIComponent(PASSWORD));
    await engine.close();
  });

  it('an ADO string fails the same way', async () => {
    const engine = new MssqlEngine({
      url: `Server=127.0.0.1,1;Database=atombench;User Id=sa;Password=${PASSWORD};Encrypt=false;Connection Timeout=3`,
      scenario,
      runNonce: 't',
    });
    const e = await failure(engine.connect());
    expect(e).toBeInstanceOf(RuntimeFailure);
    expect(e.message).not.toContain(PASSWORD);
  });

  it('a bad URL or seed mode is a UserError before any connection', () => {
    expect(() => new MssqlEngine({ url: undefined, scenario, runNonce: 't' })).toThrow(UserError);
    expect(
      () => new MssqlEngine({ url: URL_NO_SERVER, scenario, runNonce: 't', seedMode: 'copy' as 'native' }),
    ).toThrow(UserError);
  });

  it('capabilities start supported, queue depth follows ooda.enabled', () => {
    const off = scenarioSchema.parse({ ...scenario, ooda: { enabled: false } });
    expect(
      new MssqlEngine({ url: URL_NO_SERVER, scenario: off, runNonce: 't' }).capabilities.queueDepth.supported,
    ).toBe(false);
    expect(
      new MssqlEngine({ url: URL_NO_SERVER, scenario, runNonce: 't' }).capabilities.gridIndex.supported,
    ).toBe(true);
  });

  it('atombench check against no server: RuntimeFailure without the password', async () => {
    const e = await failure(runHealthCheck(URL_NO_SERVER, NAME_PRESETS.runbook!));
    expect(e).toBeInstanceOf(RuntimeFailure);
    expect(e.message).toMatch(/^cannot connect to SQL Server at 127\.0\.0\.1:1\/atombench as sa: /);
    expect(e.message).not.toContain(PASSWORD);
  });
});
