/**
 * OODA traffic over Service Broker on a real server: the loop through the four phase queues, metric rows,
 * conversations ended on both sides (none leaked), rollback returning a message, and message validation
 * (WELL_FORMED_XML as deployed, or NONE). Skipped, with the reason printed, where no container runtime exists.
 */
import { expect, it } from 'vitest';
import { datasetKey } from '../../../src/dataset/stream.ts';
import { OperationError } from '../../../src/errors.ts';
import type { MssqlQueueDriver } from '../../../src/engines/mssql/broker/queue-driver.ts';
import { MssqlEngine } from '../../../src/engines/mssql/index.ts';
import { realClock } from '../../../src/load/clock.ts';
import { OodaDriver } from '../../../src/ooda/driver.ts';
import { PHASES, resolveNames } from '../../../src/scenario/names.ts';
import { describeMssql, planOf, testScenario } from './container.ts';

// No database of its own: every test creates the one it needs.
const suite = { name: 'OODA suite' };

const LEAKS = `SELECT COUNT(*) FROM sys.conversation_endpoints ce JOIN sys.services s ON s.service_id = ce.service_id
  WHERE s.name IN (N'AnalyzeService', N'HypothesizeService', N'ActService', N'LearnService', N'//Hartonomous/Service/Initiator') AND ce.state <> 'CD'`;

describeMssql(suite, 'Service Broker OODA traffic on SQL Server 2022', (server) => {
  const names = resolveNames('runbook', {});

  const urls = new Map<string, string>();

  async function engineFor(db: string, validation: 'WELL_FORMED_XML' | 'NONE'): Promise<MssqlEngine> {
    const s = testScenario({ ooda: { validation }, index: { secondaryIndexes: 0 } });
    const url = urls.get(db) ?? (await server.createDatabase(db));
    urls.set(db, url);
    const e = new MssqlEngine({ url, scenario: s, runNonce: db });
    await e.connect();
    await e.prepare(planOf(s, names, datasetKey(s.dataset)), { allowDestructive: false, force: false });
    return e;
  }

  it('one loop through the four phases: metric rows, depth from the server, no leaked conversations', async () => {
    const engine = await engineFor('ooda_it', 'WELL_FORMED_XML');
    const q = (await engine.queues()) as MssqlQueueDriver;
    try {
      await q.trigger('loop-1', '{"trigger":"atombench","note":"<&>"}');
      expect((await q.depth()).Analyze).toBe(1);
      expect((await engine.probe()).queueDepth?.Analyze).toBe(1);
      const next = { Analyze: 'Hypothesize', Hypothesize: 'Act', Act: 'Learn', Learn: undefined } as const;
      for (const phase of PHASES) {
        const msg = await q.receive(phase, 5000);
        expect(msg).toBeDefined();
        expect(msg!.loopId).toBe('loop-1');
        expect(msg!.body).toBe('{"trigger":"atombench","note":"<&>"}');
        expect(msg!.enqueuedAtMs).toBeGreaterThan(Date.now() - 60_000);
        await q.complete(msg!, { phase, durationMs: 3, success: true }, next[phase]);
      }
      expect(await q.receive('Analyze', 100)).toBeUndefined();
      expect(await q.depth()).toEqual({ Analyze: 0, Hypothesize: 0, Act: 0, Learn: 0 });
      expect(
        await server.scalar('ooda_it', 'SELECT COUNT(*) FROM dbo.OODALoopMetrics WHERE Success = 1'),
      ).toBe(4);
      await new Promise((r) => setTimeout(r, 500));
      expect(await q.drainInitiator()).toBe(4);
      expect(await server.scalar('ooda_it', LEAKS)).toBe(0);
      expect(await server.scalar('ooda_it', 'SELECT COUNT(*) FROM sys.transmission_queue')).toBe(0);
      expect((await engine.probe()).gauges?.openConversations).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it('a failed phase ends the loop; a rolled-back receive returns the message', async () => {
    const engine = await engineFor('ooda_fail_it', 'WELL_FORMED_XML');
    try {
      const q1 = (await engine.queues()) as MssqlQueueDriver;
      await q1.trigger('loop-2', 'x');
      const msg = await q1.receive('Analyze', 5000);
      expect(msg).toBeDefined();
      await q1.close(); // rolls the open receive back
      const engine2 = await engineFor('ooda_fail_it', 'WELL_FORMED_XML');
      try {
        const q2 = (await engine2.queues()) as MssqlQueueDriver;
        const again = await q2.receive('Analyze', 5000);
        expect(again?.loopId).toBe('loop-2');
        await q2.complete(
          again!,
          { phase: 'Analyze', durationMs: 1, success: false, errorMessage: 'simulated' },
          undefined,
        );
        expect(await q2.depth()).toEqual({ Analyze: 0, Hypothesize: 0, Act: 0, Learn: 0 });
        expect(
          await server.scalar(
            'ooda_fail_it',
            'SELECT ErrorMessage FROM dbo.OODALoopMetrics WHERE Success = 0',
          ),
        ).toBe('simulated');
        await new Promise((r) => setTimeout(r, 500));
        await q2.drainInitiator();
        expect(await server.scalar('ooda_fail_it', LEAKS)).toBe(0);
        await expect(
          q2.complete(again!, { phase: 'Analyze', durationMs: 1, success: true }, undefined),
        ).rejects.toThrow(/already completed/);
      } finally {
        await engine2.close();
      }
    } finally {
      await engine.close();
    }
  });

  it('WELL_FORMED_XML: a body that is not XML is rejected and counted as broker-validation, not a crash', async () => {
    const engine = await engineFor('ooda_xml_it', 'WELL_FORMED_XML');
    const q = (await engine.queues()) as MssqlQueueDriver;
    try {
      let thrown: unknown;
      try {
        await q.sendRaw('Analyze', '<unclosed');
      } catch (e) {
        thrown = e;
      }
      if (thrown) {
        // 9615/9616 or 9704 ("failed XML validation ... while being delivered to the target service").
        expect(thrown).toBeInstanceOf(OperationError);
        expect((thrown as OperationError).errorClass).toBe('broker-validation');
      } else {
        // Validation happens when the target enqueues: the Error comes back to the initiator queue.
        await new Promise((r) => setTimeout(r, 1000));
        await q.drainInitiator();
        expect(q.errorsByClass['broker-validation']).toBeGreaterThanOrEqual(1);
      }
      expect((await q.depth()).Analyze).toBe(0);
      // The runbook's manual trigger sends JSON text; record what WELL_FORMED_XML does with it.
      const before = q.errorsByClass['broker-validation'] ?? 0;
      await q.sendRaw('Analyze', '{"trigger": "manual"}').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1000));
      await q.drainInitiator();
      const depth = (await q.depth()).Analyze;
      console.info(
        `[mssql integration] JSON body under WELL_FORMED_XML: ${depth === 1 ? 'accepted' : 'rejected'} (validation errors ${(q.errorsByClass['broker-validation'] ?? 0) - before})`,
      );
      expect(depth + ((q.errorsByClass['broker-validation'] ?? 0) - before)).toBe(1);
      const g = (await engine.probe()).gauges ?? {};
      expect(g['brokerErrors.broker-validation']).toBeGreaterThanOrEqual(1);
      // A rejected message leaves no conversation open on either side once the Error is drained
      // (UNCONFIRMED by the docs: what the target side keeps after a validation failure).
      if (depth === 1) {
        const msg = await q.receive('Analyze', 5000);
        await q.complete(msg!, { phase: 'Analyze', durationMs: 1, success: true }, undefined);
      }
      await new Promise((r) => setTimeout(r, 500));
      await q.drainInitiator();
      expect(await server.scalar('ooda_xml_it', LEAKS)).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it('receive with no wait left skips the WAITFOR: returns at once, and still takes a waiting message', async () => {
    const engine = await engineFor('ooda_nowait_it', 'NONE');
    const q = (await engine.queues()) as MssqlQueueDriver;
    try {
      const started = Date.now();
      expect(await q.receive('Learn', 0)).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(2000);
      await q.sendRaw('Learn', 'x');
      let msg;
      for (let i = 0; i < 20 && !msg; i++) {
        msg = await q.receive('Learn', 0);
        if (!msg) await new Promise((r) => setTimeout(r, 100));
      }
      expect(msg?.body).toBe('x');
      await q.complete(msg!, { phase: 'Learn', durationMs: 1, success: true }, undefined);
    } finally {
      await engine.close();
    }
  });

  it('attach-mode drain: a stale conversation handle does not stop the handles after it', async () => {
    const db = 'ooda_attach_it';
    const owner = await engineFor(db, 'NONE'); // creates the objects; then attach to them as a deployment
    await owner.close();
    const s = testScenario({
      attach: true,
      ooda: { validation: 'NONE', sendInAttachMode: true },
      index: { secondaryIndexes: 0 },
    });
    const attached = new MssqlEngine({ url: urls.get(db)!, scenario: s, runNonce: 'att' });
    await attached.connect();
    const q = (await attached.queues()) as MssqlQueueDriver;
    try {
      const stale = await q.sendRaw('Analyze', 'first');
      const live = await q.sendRaw('Analyze', 'second');
      expect(q.openDialogs).toBe(2);
      await server.withPool(db, async (p) => {
        // The first dialog's endpoint disappears (as after a cleanup elsewhere): RECEIVE ... WHERE
        // conversation_handle = <it> would raise. The target ends both of its sides, so the second gets its EndDialog.
        await p.request().batch(`END CONVERSATION '${stale}' WITH CLEANUP;`);
        await p
          .request()
          .batch(
            `DECLARE @h uniqueidentifier, @i int = 0; WHILE @i < 2 BEGIN SET @h = NULL; WAITFOR (RECEIVE TOP (1) @h = conversation_handle FROM dbo.AnalyzeQueue), TIMEOUT 5000; IF @h IS NOT NULL END CONVERSATION @h; SET @i += 1; END;`,
          );
      });
      await new Promise((r) => setTimeout(r, 500));
      await q.drainInitiator();
      expect(q.openDialogs).toBe(0);
      expect(Object.keys(q.errorsByClass).filter((k) => k.startsWith('drain:'))).toEqual([]);
      expect(live).toBeDefined();
    } finally {
      await attached.close();
    }
  });

  it('VALIDATION = NONE accepts any body', async () => {
    const engine = await engineFor('ooda_none_it', 'NONE');
    const q = (await engine.queues()) as MssqlQueueDriver;
    try {
      expect(
        await server.scalar(
          'ooda_none_it',
          "SELECT RTRIM(validation) FROM sys.service_message_types WHERE name = N'//Hartonomous/AutonomousLoop/AnalyzeMessage'",
        ),
      ).toBe('N');
      await q.sendRaw('Analyze', '<unclosed');
      const msg = await q.receive('Analyze', 5000);
      expect(msg?.body).toBe('<unclosed');
      await q.complete(msg!, { phase: 'Analyze', durationMs: 1, success: true }, undefined);
      await new Promise((r) => setTimeout(r, 500));
      await q.drainInitiator();
      expect(await server.scalar('ooda_none_it', LEAKS)).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it('the OODA driver runs loops at a cadence and leaves no conversation open', async () => {
    const engine = await engineFor('ooda_driver_it', 'WELL_FORMED_XML');
    const q = await engine.queues();
    try {
      const driver = new OodaDriver(q, {
        triggerEveryMs: 200,
        drawWorkMs: () => 2,
        failureRate: 0,
        rand: Math.random,
        measureFromMs: 0,
        clock: realClock,
        receiveWaitMs: 200,
        sendTriggers: true,
      });
      driver.start();
      await new Promise((r) => setTimeout(r, 3000));
      await driver.stop(5000);
      const summary = driver.summary(undefined, undefined);
      expect(summary.loopsCompleted).toBeGreaterThan(3);
      expect(summary.errors).toEqual({});
      await new Promise((r) => setTimeout(r, 1000));
      await (q as MssqlQueueDriver).drainInitiator();
      expect(await server.scalar('ooda_driver_it', LEAKS)).toBe(0);
      expect(await server.scalar('ooda_driver_it', 'SELECT COUNT(*) FROM dbo.OODALoopMetrics')).toBe(
        summary.phaseExecutions,
      );
      // Four other databases of this instance host services of the same names: every dialog was
      // pinned to its own database ('CURRENT DATABASE'), so nothing reached theirs.
      expect(await server.scalar('ooda_it', 'SELECT COUNT(*) FROM dbo.OODALoopMetrics')).toBe(4);
      for (const other of ['ooda_it', 'ooda_fail_it', 'ooda_xml_it', 'ooda_none_it'])
        expect(await server.scalar(other, 'SELECT COUNT(*) FROM dbo.AnalyzeQueue')).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
