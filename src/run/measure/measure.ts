import type { Engine, OperationRequest } from '../../engines/types.ts';
import { errorClassOf, UserError } from '../../errors.ts';
import { createQuerySource, drawParam } from '../../dataset/queries.ts';
import { createRandom, STREAMS } from '../../dataset/prng.ts';
import { startLoad } from '../../load/registry.ts';
import { globalRequestIndex, shardLoad } from '../../load/shard.ts';
import type { LoadContext, LoadOutcome } from '../../load/types.ts';
import { ClientMonitor, type SelfCheckInput } from '../../load/self-check.ts';
import { OutageTracker, type OutageWindow } from '../../load/outage.ts';
import { IntervalRecorder } from '../../metrics/interval.ts';
import type { Clock } from '../../model/clock.ts';
import type { ShardSpec } from '../../model/shard.ts';
import { OodaDriver } from '../../ooda/driver.ts';
import { ProbePoller, RequestSampler } from '../../probes/poller.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { createRequestStream } from '../../workload/request-stream.ts';
import { createExecute, createSink } from './load-path.ts';
import { MaintenanceRunner, maintenanceKinds } from '../maintenance.ts';
import { ProbeRounds, runTicks } from './ticks.ts';
import type { Progress } from '../progress.ts';
import type { GraphSession } from '../graph/session.ts';
import type { SyncReaders, SyncStats } from '../../engines/neo4j/readers.ts';
import { createGaugeHistogram, recordGauge, type HdrHistogram } from '../../metrics/histogram.ts';
import type { TimeSeriesPoint } from '../../model/result.ts';

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
  /** The graph side: readers consume the engine's sync queue and MERGE into Neo4j. */
  graph?: GraphSession;
  /**
   * This process is one shard of a run: it issues its slice of the single-run request stream and
   * runs its share of the load; only shard 0 polls the probes and sends OODA traffic.
   */
  shard?: ShardSpec;
}

/** What the graph side measured (run/graph/summary.ts turns it into result.json's `neo4j`). */
export interface GraphMeasurement {
  stats: SyncStats;
  /** Sync queue depth samples of the measured window. */
  depth: HdrHistogram;
  backlogAtEnd: number | undefined;
  /** Owned Atom nodes above the dataset after the drain: the nodes of this run's ingested atoms. */
  graphNodes: number | undefined;
}

export interface Measurement {
  recorder: IntervalRecorder;
  poller: ProbePoller;
  ooda: OodaDriver | undefined;
  /** Scenario `maintenance:` (undefined when none is configured). */
  maintenance: MaintenanceRunner | undefined;
  graph?: GraphMeasurement;
  load: LoadOutcome;
  client: Omit<SelfCheckInput, 'scheduleLagP99Ms'>;
  startedAt: Date;
  finishedAt: Date;
  /** When the server could not be reached, seconds since the start (warm-up included). */
  outages: OutageWindow[];
  /** Set when the run ended before its window: why (the server stayed unreachable too long). */
  endedEarly?: string;
}

/** The last probe round and the OODA driver get this long to finish at the end (a dead server must not hang us). */
const FINAL_WAIT_MS = 2000;

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
  const graphAtoms = o.graph?.preload?.atoms ?? Math.min(sc.neo4j.preloadAtoms, sc.dataset.atoms);
  const requests = createRequestStream(sc.workload.mix, points, o.runSeed, graphAtoms);
  const shard = o.shard && o.shard.count > 1 ? o.shard : undefined;
  const lead = !o.shard || o.shard.index === 0;
  let sent = 0;
  const nextRequest = (index?: number): OperationRequest =>
    requests.at(index ?? globalRequestIndex(sent++, shard));
  const sampler = new RequestSampler();
  const execute = createExecute(engine, sampler, { graph: o.graph?.graph }, clock, sc.workload.injectDelayMs);

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
  const poller = new ProbePoller(engine, sampler, sc.probes.planSamples, engine.capabilities, () =>
    clock.nowMs(),
  );
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
      activation: sc.ooda.activation,
    });
    ooda.start();
  }

  // The load stops on the user's signal or when the server stays unreachable longer than faults.maxOutageSec.
  const stop = new AbortController();
  let endedEarly: string | undefined;
  const outage = new OutageTracker(
    () => (clock.nowMs() - t0) / 1000,
    (w) => {
      if (endedEarly) return;
      endedEarly =
        `the server was unreachable for ${sc.faults.maxOutageSec} s (since ${w.startSec.toFixed(1)} s; ` +
        `faults.maxOutageSec): the run ended early`;
      o.progress.info(`server lost: ${endedEarly}`);
      stop.abort();
    },
    sc.faults.maxOutageSec,
  );
  let maintenance: MaintenanceRunner | undefined;
  // Server-side work like probes and OODA: one shard (the lead) runs it for the whole run.
  if (lead && maintenanceKinds(sc.maintenance).length > 0) {
    maintenance = new MaintenanceRunner(engine, sc.maintenance, clock, t0, (e) =>
      e instanceof Error ? e.message : String(e),
    );
    await maintenance.start(totalMs);
  }
  const sink = createSink(recorder, outage, maintenance);

  let readers: SyncReaders | undefined;
  const depth = createGaugeHistogram();
  if (o.graph) {
    if (!engine.syncQueue) throw new UserError(`neo4j: the ${engine.name} engine has no Neo4j sync queue`);
    const { SyncReaders } = await import('../../engines/neo4j/readers.ts'); // neo4j-driver: only with a graph
    readers = new SyncReaders(await engine.syncQueue(sc.neo4j.readers), o.graph.graph, {
      readers: sc.neo4j.readers,
      batch: sc.neo4j.batch,
      clock,
      measureFromWallMs: clock.wallMs() + warmupMs,
    });
    readers.start();
  }
  let mergedBefore = 0;
  /** The sync queue's depth and the merges of the interval, on the point just ticked. */
  const sampleGraph = async (point: TimeSeriesPoint) => {
    if (!readers) return;
    const d = await readers.depth();
    if (d !== undefined) {
      point.neo4jQueueDepth = d;
      if (!point.warmup) recordGauge(depth, d);
    }
    const total = readers.stats().mergedTotal;
    point.neo4jMerged = total - mergedBefore;
    mergedBefore = total;
  };

  const ctx: LoadContext = {
    next: nextRequest,
    execute,
    classify: errorClassOf,
    sink,
    clock,
    signal: AbortSignal.any([o.signal, stop.signal]),
    totalMs,
    gracefulStopMs: sc.load.gracefulStopSec * 1000,
    cancelRunning: engine.cancelRunning ? () => engine.cancelRunning!() : undefined,
    onDrain: (n, leftMs) =>
      o.progress.waiting(
        leftMs > 0
          ? `draining ${n} in flight (graceful stop, ${(leftMs / 1000).toFixed(1)} s left)`
          : `cancelling ${n} still in flight (graceful stop ran out)`,
      ),
    ...(shard ? { shard } : {}),
  };
  const loadDone = startLoad(ctx, shardLoad(sc.load, shard), warmupMs, arrivalRand);
  // The measured window ends when the load settles (its drain included), read then: the tick loop may
  // notice it only after a bounded wait (the graph side's depth sample).
  const loadEnded = loadDone.then(
    () => clock.nowMs(),
    () => clock.nowMs(),
  );

  const probes = new ProbeRounds(poller, recorder, clock, lead);
  const interval = sc.probes.intervalMs;
  // The sync queue's depth is read at each tick, bounded: a dead server must not stop the ticks.
  const sampleGraphBounded = (point: TimeSeriesPoint) =>
    Promise.race([sampleGraph(point).catch(() => undefined), clock.sleep(interval)]);
  let outcome: LoadOutcome;
  try {
    outcome = await runTicks(
      { clock, t0, warmupMs, totalMs, intervalMs: interval, recorder, poller, probes, outage },
      { progress: o.progress, samplePoint: sampleGraphBounded },
      loadDone,
    );
  } catch (e) {
    // A failed run must not leave the sync readers or the maintenance schedule running.
    await readers?.stop();
    await maintenance?.stop();
    throw e;
  }
  // What follows (maintenance stop, the final probe round) is filed into the last interval, which
  // closes at the load's end: it does not dilute the window's throughput.
  const loadEndedMs = await loadEnded;
  // Interrupted: the user waits, so the last probe round and the OODA stop get little time.
  const finalWaitMs = o.signal.aborted ? FINAL_WAIT_MS / 8 : FINAL_WAIT_MS;
  // A running maintenance operation is waited for (its window closes), unless the run was
  // interrupted or the server is lost: then it gets the final wait (a dead server must not hang us).
  if (maintenance) {
    const stopped = maintenance.stop();
    const hurry = o.signal.aborted || endedEarly !== undefined;
    await (hurry ? Promise.race([stopped, clock.sleep(finalWaitMs)]) : stopped);
  }
  await Promise.race([probes.round, clock.sleep(finalWaitMs)]);
  if (lead && !probes.busy && !o.signal.aborted) {
    probes.start(true);
    await Promise.race([probes.round, clock.sleep(FINAL_WAIT_MS)]);
  }
  const last = recorder.tick(loadEndedMs);
  if (probes.busy || !probes.ok) last.probeMissing = true;
  await sampleGraphBounded(last);
  // A consumer stuck connecting to a dead server must not hold the run: the engine's close() ends it.
  if (ooda) await Promise.race([ooda.stop(finalWaitMs), clock.sleep(2 * finalWaitMs)]);
  let graph: GraphMeasurement | undefined;
  if (readers && o.graph) {
    // The readers may catch up with what ingest left queued; then the graph is counted.
    const backlogAtEnd = o.signal.aborted
      ? await readers.depth()
      : await readers.drain(sc.neo4j.drainSec * 1000);
    await readers.stop();
    const graphNodes = await o.graph.graph.countOwned(sc.dataset.atoms).catch(() => undefined);
    graph = { stats: readers.stats(), depth, backlogAtEnd, graphNodes };
  }
  o.progress.done();
  return {
    outages: outage.outages(),
    ...(endedEarly ? { endedEarly } : {}),
    recorder,
    poller,
    ooda,
    maintenance,
    graph,
    load: outcome,
    client: monitor.stop(),
    startedAt,
    finishedAt: new Date(clock.wallMs()),
  };
}
