import type { Capabilities, Engine, OperationRequest, ProbeSample } from '../engines/types.ts';
import { errorClassOf } from '../errors.ts';
import { isSpatialOperation } from '../model/operations.ts';
import type { Measured, ProbeSummary } from '../model/result.ts';
import type { Phase } from '../scenario/names.ts';

/** Primary filter samples kept per operation over a run (each costs a scan of the candidates). */
const FILTER_SAMPLES_PER_OP = 8;
/**
 * Share of the measured time the primary filter samples may take together. Each is a count of all
 * the window's candidates: about 0.2 s of one server core for spatial.pool radius 10 on 1M atoms,
 * where the query it samples takes 8 ms. Eight of them in a 10 s window took 3-9 % of the load's
 * throughput on 2 cores; within this share a run still gets its 8 samples after 80 s of window.
 */
export const FILTER_TIME_SHARE = 0.02;

/**
 * May the poller take another primary filter sample of an operation? Its first always (a run gets
 * one), then while the samples so far took at most `share` of the measured time elapsed.
 */
export function filterSampleAllowed(i: {
  sampled: number;
  spentMs: number;
  elapsedMs: number;
  max?: number;
  share?: number;
}): boolean {
  if (i.sampled >= (i.max ?? FILTER_SAMPLES_PER_OP)) return false;
  return i.sampled === 0 || i.spentMs <= (i.share ?? FILTER_TIME_SHARE) * i.elapsedMs;
}
/**
 * Share of the measured probe rounds that may be missing (the server or the probe connection was
 * gone) before the probe targets cannot be judged: judged on what is left, an outage would pass.
 */
export const PROBE_MISSING_LIMIT = 0.2;

/**
 * Spatial requests the load issued since the last probe; the poller explains a few of them each
 * interval, so every sampled plan is a different query and the sample follows the mix.
 */
export class RequestSampler {
  /** The latest `capacity` spatial requests, a ring (offer runs once per operation: no shifting). */
  private readonly ring: OperationRequest[] = [];
  private next = 0;
  /** Spatial requests offered since the last take (the ring holds the latest min(fresh, capacity)). */
  private fresh = 0;
  constructor(private readonly capacity = 256) {}

  offer(req: OperationRequest): void {
    if (!isSpatialOperation(req.op)) return;
    this.ring[this.next] = req;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    this.fresh++;
  }

  /** Up to n of the requests issued since the last take, spread evenly over them, oldest first. */
  take(n: number): OperationRequest[] {
    const held = Math.min(this.fresh, this.capacity);
    this.fresh = 0;
    // The i-th oldest of the held requests sits `held - i` places behind the write position.
    const at = (i: number) => this.ring[(this.next - held + i + this.capacity) % this.capacity]!;
    if (held <= n) return Array.from({ length: held }, (_, i) => at(i));
    return Array.from({ length: n }, (_, i) => at(Math.floor((i * held) / n)));
  }
}

/**
 * Polls the server on the engine's probe connection every interval: queue depth per queue (from the
 * database, not the client's counters), cache counters, server statement stats, and the plans of a
 * few sampled spatial queries (seek ratio = share whose plan used the spatial index; primary filter
 * = candidates vs rows output). What the engine cannot measure stays n/a with its reason.
 */
export class ProbePoller {
  private seekUsed = 0;
  private seekSamples = 0;
  private readonly depthMax: Partial<Record<Phase, number>> = {};
  private depthSamples = 0;
  private first: ProbeSample | undefined;
  private last: ProbeSample | undefined;
  private readonly filter: ProbeSummary['primaryFilter'] = {};
  private readonly errors: Record<string, number> = {};
  private planExample: string | undefined;
  private lastDepthTotal: number | undefined;
  private lastDepthByQueue: Record<string, number> | undefined;
  /** Measured probe rounds, and how many of them got no sample from the server. */
  private rounds = 0;
  private missing = 0;
  /** Time the primary filter samples took, and when the first measured round started (ms). */
  private filterSpentMs = 0;
  private measuredFromMs: number | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly sampler: RequestSampler,
    private readonly planSamples: number,
    private readonly caps: Capabilities,
    /** Monotonic milliseconds (the run's clock). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The summed queue depth of the latest sample, for the time series. */
  get latestDepth(): number | undefined {
    return this.lastDepthTotal;
  }

  /** Depth per queue of the latest sample. */
  get latestDepthByQueue(): Record<string, number> | undefined {
    return this.lastDepthByQueue;
  }

  /** A measured interval in which no probe round could even start (the previous one still hung). */
  markMissing(measuring: boolean): void {
    this.lastDepthTotal = this.lastDepthByQueue = undefined;
    if (measuring) {
      this.rounds++;
      this.missing++;
    }
  }

  /** Share of the measured probe rounds without a sample (0 when none ran). */
  get missingRatio(): number {
    return this.rounds > 0 ? this.missing / this.rounds : 0;
  }

  /** Why the probe targets cannot be judged (too many rounds missing), or undefined. */
  private missingReason(): string | undefined {
    if (this.missingRatio <= PROBE_MISSING_LIMIT) return undefined;
    return (
      `the server could not be probed in ${this.missing} of ${this.rounds} measured intervals ` +
      `(${(100 * this.missingRatio).toFixed(0)}% > ${PROBE_MISSING_LIMIT * 100}%): not judged on what is left`
    );
  }

  /**
   * One probe round; `measuring` false during warm-up (samples are not counted then). False when the
   * server gave no sample: the latest depth is then unknown, never the previous one repeated.
   */
  async poll(measuring: boolean): Promise<boolean> {
    if (measuring) this.rounds++;
    try {
      const s = await this.engine.probe();
      if (s.queueDepth) {
        this.lastDepthTotal = Object.values(s.queueDepth).reduce((a, b) => a + b, 0);
        this.lastDepthByQueue = s.queueDepth;
        if (measuring) {
          this.depthSamples++;
          for (const [q, d] of Object.entries(s.queueDepth) as [Phase, number][])
            this.depthMax[q] = Math.max(this.depthMax[q] ?? 0, d);
        }
      }
      if (measuring) {
        this.first ??= s;
        this.last = s;
      }
    } catch (e) {
      this.count(e);
      this.lastDepthTotal = this.lastDepthByQueue = undefined;
      if (measuring) this.missing++;
      return false;
    }
    if (!measuring) return true;
    this.measuredFromMs ??= this.now();
    let filteredThisPoll = false;
    for (const req of this.sampler.take(this.planSamples)) {
      try {
        if (this.caps.seekRatio.supported) {
          const plan = await this.engine.explain(req);
          this.seekSamples++;
          if (plan.usedSpatialIndex) this.seekUsed++;
          this.planExample ??= plan.planSummary;
        }
        // The primary filter costs a count over every candidate: a few samples per operation are
        // enough, and more would load the server the run is measuring.
        const sampled = this.filter[req.op]?.samples ?? 0;
        const t0 = this.now();
        if (
          this.caps.primaryFilter.supported &&
          this.engine.primaryFilter &&
          !filteredThisPoll &&
          filterSampleAllowed({ sampled, spentMs: this.filterSpentMs, elapsedMs: t0 - this.measuredFromMs })
        ) {
          filteredThisPoll = true;
          const f = await this.engine
            .primaryFilter(req)
            .finally(() => (this.filterSpentMs += this.now() - t0));
          if (f) {
            const e = (this.filter[req.op] ??= { samples: 0, candidates: 0, output: 0 });
            e.samples++;
            e.candidates += f.candidates;
            e.output += f.output;
          }
        }
      } catch (e) {
        this.count(e);
      }
    }
    return true;
  }

  private count(e: unknown): void {
    const cls = errorClassOf(e);
    this.errors[cls] = (this.errors[cls] ?? 0) + 1;
  }

  /** Max queue depth per queue over the measured window, or undefined when never sampled. */
  queueDepthMax(): Record<string, number> | undefined {
    if (this.missingReason()) return undefined;
    return this.depthSamples > 0 ? { ...(this.depthMax as Record<string, number>) } : undefined;
  }

  summary(): ProbeSummary {
    const c = this.caps;
    const na = <T>(why: string | undefined): Measured<T> => ({ na: why ?? 'not measured' });
    const depth = this.queueDepthMax();
    const gauges: Record<string, number> = { ...(this.last?.gauges ?? {}) };
    for (const [k, v] of Object.entries(this.errors)) gauges[`probeErrors.${k}`] = v;
    gauges.probeRounds = this.rounds;
    gauges.probeMissing = this.missing;
    const gone = this.missingReason();
    if (gone)
      return {
        seekRatio: na(gone),
        seekSamples: this.seekSamples,
        cacheHitRatio: na(gone),
        queueDepthMax: na(gone),
        serverQueryStats: na(gone),
        gauges,
        planExample: this.planExample,
        primaryFilter: this.filter,
      };
    return {
      seekRatio: !c.seekRatio.supported
        ? na(c.seekRatio.reason)
        : this.seekSamples > 0
          ? { value: this.seekUsed / this.seekSamples }
          : na('no spatial query was sampled in the measured window'),
      seekSamples: this.seekSamples,
      cacheHitRatio: !c.cacheHitRatio.supported ? na(c.cacheHitRatio.reason) : this.cacheRatio(),
      queueDepthMax: !c.queueDepth.supported
        ? na(c.queueDepth.reason)
        : depth
          ? { value: Math.max(0, ...Object.values(depth)) }
          : na('queue depth was never sampled'),
      serverQueryStats: !c.serverQueryStats.supported
        ? na(c.serverQueryStats.reason)
        : this.last?.serverQueryStats
          ? { value: this.last.serverQueryStats }
          : na('the server returned no statement statistics for the workload'),
      gauges,
      planExample: this.planExample,
      primaryFilter: this.filter,
    };
  }

  /** Cache hit ratio over the measured window from cumulative counters, else the server's instant ratio. */
  private cacheRatio(): Measured<number> {
    const a = this.first?.cache;
    const b = this.last?.cache;
    if (a && b && b.lookups - a.lookups > 0) {
      return { value: (b.hits - a.hits) / (b.lookups - a.lookups) };
    }
    if (this.last?.cacheHitRatio !== undefined) return { value: this.last.cacheHitRatio };
    return { na: 'no cache activity between the first and last probe of the measured window' };
  }
}
