/**
 * `ooda.activation: server` on the embedded engine: refused (UserError, exit 2) before anything is
 * created — SQLite has no queue activation, its phase queues are tables atombench's consumers read.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEngine } from '../../../src/engines/sqlite/index.ts';
import { UserError } from '../../../src/errors.ts';
import { runBenchmark } from '../../../src/run/orchestrator.ts';
import { silentProgress } from '../../../src/run/progress.ts';
import { contractScenario } from '../contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'atombench-activation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ooda.activation on SQLite', () => {
  it('server is refused with one line naming the field, before the database file exists', async () => {
    const sc = contractScenario({ dataset: { atoms: 1000, seed: 3 }, ooda: { activation: 'server' } });
    const path = join(dir, 'refused.sqlite');
    const engine = new SqliteEngine({ path, dataset: sc.dataset, runNonce: 'a' });
    const run = runBenchmark({
      scenario: sc,
      targets: [],
      url: undefined,
      runId: 'activation',
      version: 'test',
      signal: new AbortController().signal,
      progress: silentProgress,
      reseed: false,
      force: false,
      engine,
    });
    const err = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      /^ooda\.activation: server needs SQL Server's queue activation; the sqlite engine has none/,
    );
    expect((err as Error).message).not.toContain('\n');
    expect(existsSync(path)).toBe(false);
  });
});
