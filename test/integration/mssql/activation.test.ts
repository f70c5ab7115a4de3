/**
 * Server-side activation (`ooda.activation: server`, issue 17 item 7) on a real server: the queues
 * activate sp_Hypothesize / sp_Act / sp_Learn (MAX_QUEUE_READERS = 1, EXECUTE AS OWNER), the server's own
 * readers run (sys.dm_broker_activated_tasks through the probes), loops complete with the phase's
 * WAITFOR DELAY as service time, and activation is off again after the run. Skipped, with the reason
 * printed, where no container runtime exists.
 */
import { expect, it } from 'vitest';
import { datasetKey } from '../../../src/dataset/stream.ts';
import { MssqlEngine } from '../../../src/engines/mssql/index.ts';
import { realClock } from '../../../src/load/clock.ts';
import { OodaDriver } from '../../../src/ooda/driver.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import { describeMssql, planOf, testScenario } from './container.ts';

const suite = { name: 'activation suite' };
const WORK_MS = 40;

describeMssql(suite, 'OODA with server activation on SQL Server 2022', (server) => {
  const names = resolveNames('runbook', {});

  it('activated readers consume Hypothesize/Act/Learn; loops complete; activation is off after the run', async () => {
    const db = 'activation_it';
    const url = await server.createDatabase(db);
    const s = testScenario({
      ooda: { activation: 'server', phaseWorkMs: WORK_MS, failureRate: 0 },
      index: { secondaryIndexes: 0 },
    });
    const engine = new MssqlEngine({ url, scenario: s, runNonce: db });
    await engine.connect();
    try {
      await engine.prepare(planOf(s, names, datasetKey(s.dataset)), {
        allowDestructive: false,
        force: false,
      });
      // The procedures are atombench's objects, recorded like the queues.
      expect(
        await server.scalar(db, "SELECT COUNT(*) FROM dbo.AtombenchObjects WHERE Kind = 'procedure'"),
      ).toBe(3);
      const q = await engine.queues();
      // As deployed: one reader, the phase procedure, EXECUTE AS OWNER (execute_as_principal_id -2).
      for (const [queue, proc] of [
        ['HypothesizeQueue', 'sp_Hypothesize'],
        ['ActQueue', 'sp_Act'],
        ['LearnQueue', 'sp_Learn'],
      ])
        expect(
          await server.scalar(
            db,
            `SELECT CASE WHEN is_activation_enabled = 1 AND max_readers = 1 AND execute_as_principal_id = -2
               AND activation_procedure LIKE N'%${proc}]' THEN 1 ELSE 0 END FROM sys.service_queues WHERE name = N'${queue}'`,
          ),
        ).toBe(1);
      expect(
        await server.scalar(
          db,
          "SELECT CAST(is_activation_enabled AS int) FROM sys.service_queues WHERE name = N'AnalyzeQueue'",
        ),
      ).toBe(0);

      const driver = new OodaDriver(q, {
        triggerEveryMs: 250,
        drawWorkMs: () => WORK_MS,
        failureRate: 0,
        rand: Math.random,
        measureFromMs: 0,
        clock: realClock,
        receiveWaitMs: 200,
        sendTriggers: true,
        activation: 'server',
      });
      driver.start();
      let activatedMax = 0;
      for (let i = 0; i < 8; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const g = (await engine.probe()).gauges ?? {};
        for (const queue of ['HypothesizeQueue', 'ActQueue', 'LearnQueue'])
          activatedMax = Math.max(activatedMax, g[`activation.${queue}.activatedTasks`] ?? 0);
      }
      await driver.stop(10_000);
      const summary = driver.summary(undefined, undefined);
      expect(activatedMax).toBeGreaterThan(0);
      expect(summary.errors).toEqual({});
      expect(summary.loopsCompleted).toBeGreaterThan(3);
      // The server wrote the phases it ran; the driver counted them from OODALoopMetrics.
      const learnRows = await server.scalar(
        db,
        "SELECT COUNT(*) FROM dbo.OODALoopMetrics WHERE Phase = N'Learn' AND Success = 1",
      );
      expect(summary.loopsCompleted).toBe(learnRows);
      expect(await server.scalar(db, 'SELECT COUNT(*) FROM dbo.OODALoopMetrics')).toBe(
        summary.phaseExecutions,
      );
      // The service time is the procedure's WAITFOR DELAY of WORK_MS (datetime's 1/300 s rounding aside).
      expect(summary.phaseDurationMs['Act']!.p50).toBeGreaterThanOrEqual(WORK_MS - 4);
      expect(summary.phaseDurationMs['Act']!.p50).toBeLessThan(WORK_MS + 500);
      await engine.close();
      expect(
        await server.scalar(
          db,
          "SELECT SUM(CAST(is_activation_enabled AS int)) FROM sys.service_queues WHERE name IN (N'HypothesizeQueue', N'ActQueue', N'LearnQueue')",
        ),
      ).toBe(0);
    } finally {
      await engine.close().catch(() => undefined);
    }
  });
});
