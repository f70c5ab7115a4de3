import type { Engine, OperationRequest, OperationResult } from '../engines/types.ts';
import { errorClassOf } from '../errors.ts';
import { createQuerySource, drawParam } from '../dataset/queries.ts';
import { createRandom, STREAMS } from '../dataset/prng.ts';
import { startLoad } from '../load/registry.ts';
import { globalRequestIndex, shardLoad } from '../load/shard.ts';
import type { LoadContext, LoadOutcome } from '../load/types.ts';
import { ClientMonitor, type SelfCheckInput } from '../load/self-check.ts';
import { IntervalRecorder } from '../metrics/interval.ts';
import type { Clock } from '../model/clock.ts';
import type { ShardSpec } from '../model/shard.ts';
import { OodaDriver } from '../ooda/driver.ts';
import { ProbePoller, RequestSampler } from '../probes/poller.ts';
import type { Scenario } from '../scenario/schema.ts';
import { executeOperation } from '../workload/registry.ts';
import { createRequestStream } from '../workload/request-stream.ts';
import type { Progress } from './progress.ts';

export interface MeasureOptions {
  engine: Engine;
  scenario: Scenario;
  clock: Clock;
  signal: AbortSignal;
  progress: Progress;
  /** Seeds the workload's random choices (query points, parameters, arrivals). */
  runSeed: number;
  /**
   * OODA traffic: `full` (triggers and the four phase consumers), `triggers` (attach mode with the
   * explicit flag: the deployment's own activation procedures consume them), or `off`.
   */
  oodaTraffic: 'full' | 'triggers' | 'off';
  /**
   * This process is one shard of a run: it issues its slice of the single-run request stream and
   * runs its share of the load; only shard 0 polls the probes and sends OODA traffic.
   */
  shard?: ShardSpec;
}

export interface Measurement {
  recorder: IntervalRecorder;
  poller: ProbePoller;
  ooda: OodaDriver | undefined;
  load: LoadOutcome;
  client: Omit<SelfCheckInput, 'scheduleLagP99Ms'>;
  startedAt: Date;
  finishedAt: Date;
}

/** The measured part of a run: warm-up then the measured window, with probes, OODA traffic and ticks. */
export async function measure(o: MeasureOptions): Promise<Measurement> {
  const { engine, scenario: sc, clock } = o;
  const warmupMs = sc.warmupSec * 1000;
  const totalMs = warmupMs + sc.durationSec * 1000;
  // Separate counter-based streams: OODA draws, arrival gaps and requests never shift one another,
  // so request k and arrival k are the same in every run and every shard of the same seed.
  const rand = createRandom(o.runSeed);
  const arrivalRand = createRandom(o.runSeed, STREAMS.arrivals);
  const points = createQuerySource(sc.dataset, sc.workload.queryJitter, o.runSeed);
  const requests = createRequestStream(sc.workload.mix, points, o.runSeed);
  const shard = o.shard && o.shard.count > 1 ? o.shard : undefined;
  const lead = !o.shard || o.shard.index === 0;
  let sent = 0;
  const nextRequest = (index?: number): OperationRequest =>
    requests.at(index ?? globalRequestIndex(sent++, shard));
  const sampler = new RequestSampler();
  const delayMs = sc.workload.injectDelayMs;
  const execute = async (req: OperationRequest): Promise<OperationResult> => {
    sampler.offer(req);
    const res = await executeOperation(engine, req);
    if (delayMs > 0) await clock.sleep(delayMs); // a deliberate slowdown for testing the regression gate
    return res;
  };

  // One clock for everything that reads time: latencies, ticks, the recorder's intervals, OODA.
  const startedAt = new Date(clock.wallMs());
  const t0 = clock.nowMs();
  const recorder = new IntervalRecorder({
    now: () => clock.nowMs(),
    startMs: t0,
    warmupSec: sc.warmupSec,
    ops: sc.workload.mix.map((m) => m.op),
    openLoop: sc.load.model === 'open',
  });
  const poller = new ProbePoller(engine, sampler, sc.probes.planSamples, engine.capabilities);
  const monitor = new ClientMonitor();

  let ooda: OodaDriver | undefined;
  if (sc.ooda.enabled && o.oodaTraffic !== 'off' && lead) {
    ooda = new OodaDriver(await engine.queues(), {
      triggerEveryMs: sc.ooda.triggerEverySec * 1000,
      drawWorkMs: () => drawParam(sc.ooda.phaseWorkMs, rand),
      failureRate: sc.ooda.failureRate,
      rand,
      measureFromMs: clock.wallMs() + warmupMs,
      clock,
      sendTriggers: true,
      consume: o.oodaTraffic === 'full',
    });
    ooda.start();
  }

  const ctx: LoadContext = {
    next: nextRequest,
    execute,
    classify: errorClassOf,
    sink: recorder,
    clock,
    signal: o.signal,
    totalMs,
    ...(shard ? { shard } : {}),
  };
  const loadDone = startLoad(ctx, shardLoad(sc.load, shard), warmupMs, arrivalRand);

  // Ticks: every probe interval, and exactly at the end of warm-up so no interval straddles it.
  const interval = sc.probes.intervalMs;
  const ticks: number[] = [];
  for (let t = interval; t < warmupMs; t += interval) ticks.push(t);
  if (warmupMs > 0) ticks.push(warmupMs);
  for (let t = warmupMs + interval; t < totalMs; t += interval) ticks.push(t);
  let finished = false;
  const load = loadDone.finally(() => (finished = true));
  let errorsTotal = 0;
  for (const at of ticks) {
    const wait = at - (clock.nowMs() - t0);
    if (wait > 0) await Promise.race([clock.sleep(wait), load]);
    if (finished) break;
    const measuring = at > warmupMs;
    if (lead) await poller.poll(measuring);
    recordDepth(recorder, poller);
    const point = recorder.tick();
    errorsTotal += point.errors;
    o.progress.status(point, { elapsedSec: at / 1000, totalSec: totalMs / 1000, errorsTotal });
  }
  const outcome = await load;
  if (lead) await poller.poll(true);
  recordDepth(recorder, poller);
  recorder.tick();
  await ooda?.stop(2000);
  o.progress.done();
  return {
    recorder,
    poller,
    ooda,
    load: outcome,
    client: monitor.stop(),
    startedAt,
    finishedAt: new Date(clock.wallMs()),
  };
}

function recordDepth(recorder: IntervalRecorder, poller: ProbePoller): void {
  if (poller.latestDepth !== undefined) recorder.recordQueueDepth(poller.latestDepth);
  if (poller.latestDepthByQueue) recorder.recordQueueDepths(poller.latestDepthByQueue);
}
