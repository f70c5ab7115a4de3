import { UserError } from '../errors.ts';
import { checkActivation } from '../ooda/activation.ts';
import { realClock } from '../load/clock.ts';
import type { RunResult } from '../model/result.ts';
import { measure } from './measure/measure.ts';
import { runTrials } from './trials.ts';
import { checkShardable } from './shards/shardable.ts';
import { closeBounded, connectEngine } from './phases/connect.ts';
import { resultBuilder, settleResult } from './phases/finish.ts';
import { guard } from './phases/guard.ts';
import type { RunOptions } from './phases/options.ts';
import { openGraphSide, prepareDataset, type GraphSide } from './phases/prepare.ts';
import { startLoad } from './phases/start.ts';
import { teardown } from './phases/teardown.ts';

/**
 * One run: engine, dataset, workload, load, probes, OODA traffic, targets. The abort signal stops
 * the load early; what was measured until then is kept and marked interrupted. Its phases are in
 * phases/: prepare (graph side, dataset), start (pool, shard start), teardown (cleanup), finish (result).
 */
export async function runBenchmark(o: RunOptions): Promise<RunResult> {
  const sc = o.scenario;
  if (o.neo4jUrl && sc.attach)
    throw new UserError(
      '--neo4j-url: the graph side writes (sync readers, MERGE): not allowed in attach mode (attach: true is read-only)',
    );
  checkActivation(o.engine?.name ?? sc.engine, sc);
  const shard = o.shard;
  const clock = o.clock ?? realClock;
  const engine = o.engine ?? (await connectEngine(sc.engine, sc, o.url, o.signal));
  if (o.engine) await engine.connect();
  let side: GraphSide | undefined;
  try {
    side = await openGraphSide(o, engine);
    const graph = side?.session;
    if (shard) checkShardable(engine, sc, shard);
    const lead = !shard || shard.spec.index === 0;
    const fingerprint = await guard(o.url, 'fingerprint', () => engine.fingerprint());
    const dataset = await prepareDataset(o, engine, { graph: side, lead, clock, fingerprint });
    const offset = await startLoad(o, engine, clock);
    o.progress.info(
      `running ${sc.name}: ${sc.load.model} loop, ${sc.warmupSec}s warm-up + ${sc.durationSec}s on ${engine.name}`,
    );
    const measureOnce = () =>
      guard(o.url, 'run', () =>
        measure({
          engine,
          scenario: sc,
          clock,
          signal: o.signal,
          progress: o.progress,
          runSeed: o.runSeed ?? sc.dataset.seed,
          // Attached to a deployment, atombench never consumes its queues (that would steal real work);
          // it sends triggers only when told to.
          oodaTraffic: !sc.attach ? 'full' : sc.ooda.sendInAttachMode ? 'triggers' : 'off',
          graph,
          ...(shard ? { shard: shard.spec } : {}),
        }),
      );
    const td = teardown(o, engine, { graph, lead, clock });
    const build = resultBuilder(o, { fingerprint, dataset, graph, offset, teardown: td });
    let result: RunResult;
    const trials = sc.gate?.trials ?? 1; // scenarios built in code before the gate section existed have none
    if (trials <= 1) {
      const m = await measureOnce();
      await td.cleanup();
      result = build(m, o.signal.aborted);
    } else {
      result = await runTrials({
        trials,
        signal: o.signal,
        progress: o.progress,
        targets: o.targets,
        measureOnce,
        cleanup: td.cleanup,
        build,
      });
    }
    return await settleResult(o, engine, result, fingerprint, td.warnings);
  } finally {
    await closeBounded(engine);
    await side?.session.graph.close().catch(() => {});
  }
}
