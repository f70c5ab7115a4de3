import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { ClientHealth } from '../model/result.ts';

/**
 * The client checks itself: when the harness, not the database, limited the run, the numbers
 * describe the client and must not gate a release. Thresholds (why):
 * - event-loop delay p99 > 20 ms: timers fire late, so open-loop arrivals start late and every
 *   latency carries the client's stall;
 * - main-thread event-loop utilization > 0.9: the loop had no idle time, so it was the bottleneck;
 * - open-loop schedule lag p99 > 10 ms: requests started well after their intended time.
 */
export const SELF_CHECK_LIMITS = { eventLoopLagP99Ms: 20, eventLoopUtilization: 0.9, scheduleLagP99Ms: 10 };

export interface SelfCheckInput {
  cpuPercent: number;
  eventLoopUtilization: number;
  eventLoopLagP99Ms: number;
  eventLoopLagMaxMs: number;
  scheduleLagP99Ms?: number;
}

export function evaluateClientHealth(i: SelfCheckInput, limits = SELF_CHECK_LIMITS): ClientHealth {
  const reasons: string[] = [];
  if (i.eventLoopLagP99Ms > limits.eventLoopLagP99Ms)
    reasons.push(
      `event-loop delay p99 ${i.eventLoopLagP99Ms.toFixed(1)} ms > ${limits.eventLoopLagP99Ms} ms`,
    );
  if (i.eventLoopUtilization > limits.eventLoopUtilization)
    reasons.push(
      `main thread busy ${(i.eventLoopUtilization * 100).toFixed(0)}% of the run > ${limits.eventLoopUtilization * 100}%`,
    );
  if (i.scheduleLagP99Ms !== undefined && i.scheduleLagP99Ms > limits.scheduleLagP99Ms)
    reasons.push(
      `open-loop schedule lag p99 ${i.scheduleLagP99Ms.toFixed(1)} ms > ${limits.scheduleLagP99Ms} ms`,
    );
  return {
    cpuPercent: i.cpuPercent,
    eventLoopUtilization: i.eventLoopUtilization,
    eventLoopLagP99Ms: i.eventLoopLagP99Ms,
    eventLoopLagMaxMs: i.eventLoopLagMaxMs,
    bottleneck: reasons.length > 0,
    reasons,
  };
}

/** Samples the process while a run lasts; stop() returns the raw figures for evaluateClientHealth. */
export class ClientMonitor {
  private readonly delay = monitorEventLoopDelay({ resolution: 10 });
  private readonly cpu0 = process.cpuUsage();
  private readonly t0 = performance.now();
  private readonly elu0: EventLoopUtilization = performance.eventLoopUtilization();

  constructor() {
    this.delay.enable();
  }

  stop(): Omit<SelfCheckInput, 'scheduleLagP99Ms'> {
    this.delay.disable();
    const cpu = process.cpuUsage(this.cpu0);
    const wallUs = (performance.now() - this.t0) * 1000;
    const elu = performance.eventLoopUtilization(this.elu0);
    // The delay monitor reports nanoseconds and includes its own 10 ms resolution.
    const ns = (v: number) => Math.max(0, v / 1e6 - 10);
    return {
      cpuPercent: wallUs > 0 ? (100 * (cpu.user + cpu.system)) / wallUs : 0,
      eventLoopUtilization: elu.utilization,
      eventLoopLagP99Ms: this.delay.count ? ns(this.delay.percentile(99)) : 0,
      eventLoopLagMaxMs: this.delay.count ? ns(this.delay.max) : 0,
    };
  }
}

/**
 * An open loop drops arrivals when load.maxInFlight requests are busy. By Little's law the load asks
 * for rate x mean latency requests in flight; when that is above maxInFlight the server's service time
 * alone explains the drops, whatever the client's own health says. Returns the reason, or undefined.
 */
export function serverBoundDrops(i: {
  ratePerSec: number;
  meanLatencyMs: number;
  maxInFlight: number;
  dropped: number;
}): string | undefined {
  if (i.dropped <= 0 || !(i.meanLatencyMs > 0)) return undefined;
  const needed = (i.ratePerSec * i.meanLatencyMs) / 1000;
  if (needed <= i.maxInFlight) return undefined;
  const mean =
    i.meanLatencyMs >= 1000 ? `${(i.meanLatencyMs / 1000).toFixed(1)} s` : `${i.meanLatencyMs.toFixed(1)} ms`;
  return `at ${i.ratePerSec}/s with a mean latency of ${mean}, ${Math.round(needed)} requests would have to be in flight (load.maxInFlight ${i.maxInFlight}): the server's service time limited the load`;
}
