import { randomUUID } from 'node:crypto';
import { errorClassOf } from '../errors.ts';
import type { QueueDriver, QueueMessage, ServerPhaseRow } from '../engines/types.ts';
import { foldServerRows, SERVER_PHASES, serverLoopPlan } from './server-phases.ts';
import { createLatencyHistogram, recordMicros, summarize, type HdrHistogram } from '../metrics/histogram.ts';
import type { LatencySummary, OodaSummary } from '../model/result.ts';
import { PHASES, type Phase } from '../scenario/names.ts';
import type { Clock } from '../model/clock.ts';

export interface OodaOptions {
  triggerEveryMs: number;
  /** Simulated work of one phase, ms (drawn per message). */
  drawWorkMs: () => number;
  failureRate: number;
  rand: () => number;
  /** Loops triggered before this wall time (ms since epoch, clock.wallMs()) are warm-up: not measured. */
  measureFromMs: number;
  clock: Clock;
  /** How long a consumer's receive waits (WAITFOR ... TIMEOUT). */
  receiveWaitMs?: number;
  /** Send Analyze triggers. */
  sendTriggers: boolean;
  /** Run the four phase consumers (false when attached: the deployment's own procedures consume). */
  consume?: boolean;
  /**
   * server: the engine's activation procedures consume Hypothesize/Act/Learn (the driver runs Analyze,
   * sends each loop's plan in the trigger, and reads the server's metric rows at stop). Default client.
   */
  activation?: 'client' | 'server';
}

const NEXT: Record<Phase, Phase | undefined> = {
  Analyze: 'Hypothesize',
  Hypothesize: 'Act',
  Act: 'Learn',
  Learn: undefined,
};

/**
 * Drives OODA traffic: a trigger every `triggerEveryMs` puts an Analyze message on the Analyze
 * queue; one consumer per phase receives, simulates the work, fails at `failureRate`, and
 * completes (metric row + send to the next phase) transactionally through the engine's driver.
 */
export class OodaDriver {
  private readonly phaseHist = new Map<Phase, HdrHistogram>(PHASES.map((p) => [p, createLatencyHistogram()]));
  private readonly loopHist = createLatencyHistogram();
  private readonly errors: Record<string, number> = {};
  private loopsStarted = 0;
  private loopsCompleted = 0;
  private loopsFailed = 0;
  private phaseExecutions = 0;
  private phaseSuccesses = 0;
  private readonly triggerTimesMs: number[] = [];
  private stopping = false;
  private readonly done: Promise<void>[] = [];
  private readonly stopTriggers = new AbortController();

  constructor(
    private readonly queue: QueueDriver,
    private readonly o: OodaOptions,
  ) {}

  private get server(): boolean {
    return this.o.activation === 'server';
  }

  start(): void {
    if (this.o.sendTriggers) this.done.push(this.triggerLoop());
    const phases = this.server
      ? PHASES.filter((p) => !(SERVER_PHASES as readonly Phase[]).includes(p))
      : PHASES;
    if (this.o.consume ?? true) for (const phase of phases) this.done.push(this.consume(phase));
  }

  /** Stop triggering, let in-flight loops finish for up to `drainMs`, then stop the consumers. */
  async stop(drainMs: number): Promise<void> {
    this.stopTriggers.abort();
    const deadline = this.o.clock.nowMs() + drainMs;
    while (this.o.clock.nowMs() < deadline) {
      const depth = await this.queue.depth().catch(() => undefined);
      if (!depth || PHASES.every((p) => depth[p] === 0)) break;
      await this.o.clock.sleep(50);
    }
    this.stopping = true;
    await Promise.all(this.done);
    if (this.server) await this.foldServer(deadline);
  }

  /** The server's phase rows, read until they stop growing (a phase may still run) or the deadline. */
  private async foldServer(deadline: number): Promise<void> {
    if (!this.queue.serverPhaseRows) return;
    let rows: ServerPhaseRow[] = [];
    try {
      for (let before = -1; rows.length !== before;) {
        before = rows.length;
        rows = await this.queue.serverPhaseRows();
        if (this.o.clock.nowMs() >= deadline) break;
        if (rows.length !== before) await this.o.clock.sleep(200);
      }
    } catch (e) {
      this.count(`server-rows:${errorClassOf(e)}`);
    }
    const f = foldServerRows(rows, this.o.measureFromMs);
    this.phaseExecutions += f.executions;
    this.phaseSuccesses += f.successes;
    this.loopsFailed += f.loopsFailed;
    this.loopsCompleted += f.loopsCompleted;
    for (const d of f.durations) recordMicros(this.phaseHist.get(d.phase)!, d.durationMs * 1000);
  }

  private count(cls: string): void {
    this.errors[cls] = (this.errors[cls] ?? 0) + 1;
  }

  private async triggerLoop(): Promise<void> {
    const signal = this.stopTriggers.signal;
    while (!signal.aborted) {
      const loopId = randomUUID();
      // Wall time: compared with measureFromMs and, through the loop's start, with server timestamps.
      const now = this.o.clock.wallMs();
      try {
        const plan = this.server
          ? serverLoopPlan(this.o.drawWorkMs, this.o.rand, this.o.failureRate)
          : undefined;
        await this.queue.trigger(loopId, JSON.stringify({ trigger: 'atombench', loopId, ...plan }));
        if (now >= this.o.measureFromMs) {
          this.loopsStarted++;
          this.triggerTimesMs.push(now);
        }
      } catch (e) {
        this.count(`trigger:${errorClassOf(e)}`);
      }
      await this.o.clock.sleep(this.o.triggerEveryMs, signal);
    }
  }

  private async consume(phase: Phase): Promise<void> {
    const waitMs = this.o.receiveWaitMs ?? 200;
    while (!this.stopping) {
      let msg: QueueMessage | undefined;
      try {
        msg = await this.queue.receive(phase, waitMs);
      } catch (e) {
        this.count(`receive:${errorClassOf(e)}`);
        await this.o.clock.sleep(waitMs);
        continue;
      }
      if (msg) await this.work(phase, msg);
    }
  }

  private async work(phase: Phase, msg: QueueMessage): Promise<void> {
    const t0 = this.o.clock.nowNs();
    await this.o.clock.sleep(Math.max(0, this.o.drawWorkMs()));
    const success = !(this.o.rand() < this.o.failureRate);
    const durationMs = Number(this.o.clock.nowNs() - t0) / 1e6;
    const next = success ? NEXT[phase] : undefined;
    try {
      await this.queue.complete(
        msg,
        { phase, durationMs, success, errorMessage: success ? undefined : 'atombench simulated failure' },
        next,
      );
    } catch (e) {
      this.count(`complete:${errorClassOf(e)}`);
      return;
    }
    if (msg.loopStartedAtMs < this.o.measureFromMs) return; // a warm-up loop
    this.phaseExecutions++;
    if (success) this.phaseSuccesses++;
    recordMicros(this.phaseHist.get(phase)!, durationMs * 1000);
    if (!success) this.loopsFailed++;
    else if (!next) {
      this.loopsCompleted++;
      recordMicros(this.loopHist, (this.o.clock.wallMs() - msg.loopStartedAtMs) * 1000);
    }
  }

  summary(
    queueDepthMaxByQueue: Record<string, number> | undefined,
    depthNa: string | undefined,
  ): OodaSummary {
    const phaseDurationMs: Record<string, LatencySummary> = {};
    for (const [p, h] of this.phaseHist) if (h.totalCount > 0) phaseDurationMs[p] = summarize(h);
    const gaps = this.triggerTimesMs.slice(1).map((t, i) => t - this.triggerTimesMs[i]!);
    const maxDepth = queueDepthMaxByQueue ? Math.max(0, ...Object.values(queueDepthMaxByQueue)) : undefined;
    return {
      loopsStarted: this.loopsStarted,
      loopsCompleted: this.loopsCompleted,
      loopsFailed: this.loopsFailed,
      phaseExecutions: this.phaseExecutions,
      successRate:
        this.phaseExecutions > 0
          ? { value: this.phaseSuccesses / this.phaseExecutions }
          : { na: 'no OODA phase executed in the measured window' },
      loopIntervalSec: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length / 1000 : undefined,
      errors: { ...this.errors },
      loopLatencyMs: this.loopHist.totalCount > 0 ? summarize(this.loopHist) : undefined,
      phaseDurationMs,
      maxQueueDepth:
        maxDepth !== undefined ? { value: maxDepth } : { na: depthNa ?? 'queue depth not sampled' },
      queueDepthMaxByQueue: queueDepthMaxByQueue ?? {},
    };
  }
}
