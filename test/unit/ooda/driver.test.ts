import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/dataset/prng.ts';
import type {
  PhaseMetricRow,
  QueueDriver,
  QueueMessage,
  ServerPhaseRow,
} from '../../../src/engines/types.ts';
import { OodaDriver } from '../../../src/ooda/driver.ts';
import { PHASES, type Phase } from '../../../src/scenario/names.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';

/** In-memory queues that stamp messages with the injected clock's wall time, as a server would. */
class MemoryQueues implements QueueDriver {
  readonly q = Object.fromEntries(PHASES.map((p) => [p, [] as QueueMessage[]])) as Record<
    Phase,
    QueueMessage[]
  >;
  readonly metrics: PhaseMetricRow[] = [];
  constructor(private readonly clock: FakeClock) {}

  async trigger(loopId: string, body: string): Promise<void> {
    const at = this.clock.wallMs();
    this.q.Analyze.push({
      id: loopId,
      phase: 'Analyze',
      loopId,
      body,
      enqueuedAtMs: at,
      loopStartedAtMs: at,
    });
  }
  async receive(phase: Phase, waitMs: number): Promise<QueueMessage | undefined> {
    if (this.q[phase].length === 0) await this.clock.sleep(waitMs);
    return this.q[phase].shift();
  }
  async complete(msg: QueueMessage, metric: PhaseMetricRow, next: Phase | undefined): Promise<void> {
    this.metrics.push(metric);
    if (next) this.q[next].push({ ...msg, phase: next, enqueuedAtMs: this.clock.wallMs() });
  }
  async depth(): Promise<Record<Phase, number>> {
    return Object.fromEntries(PHASES.map((p) => [p, this.q[p].length])) as Record<Phase, number>;
  }
  async close(): Promise<void> {}
}

describe('OODA driver on the injected clock', () => {
  it('splits warm-up by the clock wall time and times phases and loops with it', async () => {
    const clock = new FakeClock();
    const queues = new MemoryQueues(clock);
    const driver = new OodaDriver(queues, {
      triggerEveryMs: 100,
      drawWorkMs: () => 5,
      failureRate: 0,
      rand: createRandom(1),
      measureFromMs: clock.wallMs() + 250,
      clock,
      receiveWaitMs: 20,
      sendTriggers: true,
    });
    driver.start();
    await clock.advance(1000);
    const stopped = driver.stop(1000);
    await clock.advance(2000);
    await stopped;
    const s = driver.summary({ Analyze: 0, Hypothesize: 0, Act: 0, Learn: 0 }, undefined);
    // Triggers at 0, 100, ..., 1000 ms: the three before 250 ms are warm-up.
    expect(s.loopsStarted).toBe(8);
    expect(s.loopsCompleted).toBe(8);
    expect(s.loopIntervalSec).toBeCloseTo(0.1, 9);
    expect(s.phaseDurationMs['Analyze']?.p50).toBeCloseTo(5, 1);
    // A loop is four phases of 5 ms at least, measured against the message's (fake) server timestamp.
    expect(s.loopLatencyMs!.min).toBeGreaterThanOrEqual(20);
    expect(s.loopLatencyMs!.max).toBeLessThan(200);
  });

  it('server activation: runs Analyze only, sends each loop its plan, and counts the phases from the server rows', async () => {
    const clock = new FakeClock();
    const rows: ServerPhaseRow[] = [];
    // The queues' server side: what the activation procedures do with a message's plan (test code, not atombench's).
    class ServerQueues extends MemoryQueues {
      async serverPhaseRows(): Promise<ServerPhaseRow[]> {
        for (const m of this.q.Hypothesize.splice(0)) {
          const plan = JSON.parse(m.body) as { work: Record<string, number>; failAt?: string };
          let at = clock.wallMs();
          for (const phase of ['Hypothesize', 'Act', 'Learn'] as const) {
            at += plan.work[phase]!;
            rows.push({
              phase,
              durationMs: plan.work[phase]!,
              success: plan.failAt !== phase,
              executedAtMs: at,
            });
            if (plan.failAt === phase) break;
          }
        }
        return [...rows];
      }
    }
    const queues = new ServerQueues(clock);
    const driver = new OodaDriver(queues, {
      triggerEveryMs: 100,
      drawWorkMs: () => 7,
      failureRate: 0,
      rand: createRandom(1),
      measureFromMs: clock.wallMs(),
      clock,
      receiveWaitMs: 20,
      sendTriggers: true,
      activation: 'server',
    });
    driver.start();
    await clock.advance(450);
    // The driver ran Analyze and forwarded to Hypothesize; nobody on the client consumed that queue.
    expect(queues.metrics.map((m) => m.phase)).toEqual([
      'Analyze',
      'Analyze',
      'Analyze',
      'Analyze',
      'Analyze',
    ]);
    expect(queues.q.Hypothesize).toHaveLength(5);
    expect(JSON.parse(queues.q.Hypothesize[0]!.body)).toMatchObject({
      trigger: 'atombench',
      work: { Hypothesize: 7, Act: 7, Learn: 7 },
    });
    expect(JSON.parse(queues.q.Hypothesize[0]!.body).failAt).toBeUndefined();
    const stopped = driver.stop(1000);
    await clock.advance(2000);
    await stopped;
    const s = driver.summary(undefined, 'not sampled');
    expect(s.loopsStarted).toBe(5);
    expect(s.loopsCompleted).toBe(5);
    // 5 Analyze by the client + 15 server rows.
    expect(s.phaseExecutions).toBe(20);
    expect(s.phaseDurationMs['Learn']?.count).toBe(5);
    expect(s.phaseDurationMs['Act']?.p50).toBeCloseTo(7, 1);
    expect(s.successRate).toEqual({ value: 1 });
  });
});
