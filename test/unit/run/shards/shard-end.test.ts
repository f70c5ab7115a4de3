import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../../../src/engines/sqlite/connection.ts';
import { sqliteCoordination } from '../../../../src/engines/sqlite/coordination.ts';
import { endMeasuredPhase } from '../../../../src/run/shards/shard-end.ts';
import { FakeClock } from '../../../helpers/fake-clock.ts';

/** The end of a sharded Neo4j run, on the real SQLite coordination table. */
const dir = mkdtempSync(join(tmpdir(), 'atombench-shard-end-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('endMeasuredPhase', () => {
  it('shard 0 waits until every other shard has announced, and names a shard that never does', async () => {
    const db = openSqlite(join(dir, 'c.db'));
    try {
      const coord = sqliteCoordination(() => db);
      const clock = new FakeClock();
      const signal = new AbortController().signal;
      const o = (index: number, runId = 'r1') => ({
        runId,
        spec: { index, count: 3 },
        clock,
        signal,
        timeoutMs: 10_000,
      });
      let done: string | undefined | null = null;
      const lead = endMeasuredPhase(coord, o(0)).then((w) => (done = w));
      await clock.advance(1000);
      expect(done).toBeNull();
      expect(await endMeasuredPhase(coord, o(1))).toBeUndefined();
      await clock.advance(1000);
      expect(done).toBeNull(); // shard 2 still measuring
      await endMeasuredPhase(coord, o(2));
      await clock.advance(500);
      await lead;
      expect(done).toBeUndefined();

      // Another run: shard 2 never arrives; shard 0 goes on at the deadline with a warning naming it.
      await endMeasuredPhase(coord, o(1, 'r2'));
      const late = endMeasuredPhase(coord, o(0, 'r2'));
      await clock.advance(10_500);
      expect(await late).toMatch(/^shard\(s\) 2 had not finished measuring within 10 s/);
    } finally {
      db.close();
    }
  });
});
