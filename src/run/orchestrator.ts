import { randomBytes } from 'node:crypto';
import { createEngine } from '../engines/registry.ts';
import type { Engine } from '../engines/types.ts';
import { Interrupted, RuntimeFailure, UserError } from '../errors.ts';
import { checkActivation } from '../ooda/activation.ts';
import { realClock } from '../load/clock.ts';
import { loadPoolSize } from '../load/registry.ts';
import { shardLoad, shardLoadProblems } from '../load/shard.ts';
import type { Clock } from '../model/clock.ts';
import type { RunResult } from '../model/result.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { TargetSpec } from '../targets/runbook.ts';
import { interruptedStep, untilAborted } from './abort.ts';
import { ensureDataset, followDataset, type DatasetOutcome } from './dataset.ts';
import type { VerifyMode } from '../dataset/fingerprint.ts';
import { measure, type Measurement } from './measure.ts';
import { clientMachine, runFingerprint } from './fingerprint.ts';
import type { Progress } from './progress.ts';
import { buildResult } from './result.ts';
import { scrubSecrets } from '../redact.ts';
import { runTrials } from './trials.ts';
import type { GraphSession } from './graph/session.ts';
import { endMeasuredPhase } from './shards/shard-end.ts';
import {
  DATASET_KEY,
  measureClockOffset,
  shardInfo,
  waitForStart,
  type ClockOffset,
  type ShardRun,
} from './shards/shard-start.ts';

export interface RunOptions {
  scenario: Scenario;
  targets: TargetSpec[];
  url: string | undefined;
  runId: string;
  version: string;
  signal: AbortSignal;
  progress: Progress;
  reseed: boolean;
  force: boolean;
  /** With force: delete rows atombench did not insert (saying so first) instead of refusing. */
  dropForeignRows?: boolean;
  /** How the stored dataset is checked against the generator before measuring (default sample). */
  verify?: VerifyMode;
  clock?: Clock;
  /** Seeds the workload's random choices; defaults to the dataset seed so reruns issue the same queries. */
  runSeed?: number;
  /** Use this engine instead of creating one from the registry (tests inject a stalling engine). */
  engine?: Engine;
  /** The Neo4j URL (--neo4j-url / ATOMBENCH_NEO4J_URL / neo4j.url): the graph side runs when set. */
  neo4jUrl?: string;
  /** This process is one shard of a run (`run --shard I/N`); runId is then the run's, shared by all shards. */
  shard?: ShardRun;
}

/** Connect, turning driver errors into a RuntimeFailure whose message carries no secret. */
export async function connectEngine(
  name: string,
  scenario: Scenario,
  url: string | undefined,
  signal?: AbortSignal,
): Promise<Engine> {
  const engine = await newEngine(name, scenario, url);
  await connect(engine, url, signal);
  return engine;
}

/** The engine, not connected yet (its capabilities can be read; a bad URL is a UserError here). */
export function newEngine(
  name: string,
  scenario: Scenario,
  url: string | undefined,
  storage?: { dataset?: Scenario['dataset']; tag?: string },
): Promise<Engine> {
  return createEngine(name, {
    scenario,
    url,
    runNonce: randomBytes(6).toString('hex'),
    ...(storage?.dataset ? { storageDataset: storage.dataset } : {}),
    ...(storage?.tag ? { storageTag: storage.tag } : {}),
  });
}

/** Connect, with connection errors as RuntimeFailure (exit 3) and secrets scrubbed. */
export async function connect(engine: Engine, url: string | undefined, signal?: AbortSignal): Promise<void> {
  try {
    // A connect attempt waits up to its connect timeout (10 s); Ctrl-C must not.
    await untilAborted(signal, engine.connect(), 'while connecting; nothing was measured');
  } catch (e) {
    if (e instanceof UserError || e instanceof RuntimeFailure) throw e;
    if ((e as Error).name === 'AbortError') throw new Interrupted('while connecting; nothing was measured');
    throw new RuntimeFailure(`cannot connect to ${engine.name}: ${scrubSecrets((e as Error).message, url)}`);
  }
}

/**
 * Connect and make sure the scenario's dataset is stored (seeded first if missing, or with --reseed,
 * like `run`): what a measured `tune` needs before it rebuilds anything.
 */
export async function openWithDataset(
  engine: Engine,
  sc: Scenario,
  url: string | undefined,
  opts: {
    reseed: boolean;
    force: boolean;
    dropForeignRows?: boolean;
    verify?: VerifyMode;
    progress: Progress;
    signal: AbortSignal;
  },
): Promise<void> {
  try {
    await connect(engine, url, opts.signal);
    await guard(url, 'dataset', () => ensureDataset(engine, sc, opts));
  } catch (e) {
    await engine.close().catch(() => undefined);
    throw e;
  }
}

/** Whatever fails once the signal is aborted is the interrupt (an aborted step), said as such. */
async function interruptible<T>(
  signal: AbortSignal,
  during: string | ((inner: string | undefined) => string),
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!signal.aborted) throw e;
    // The step that was interrupted says where it was (run/abort.ts).
    throw new Interrupted(typeof during === 'string' ? during : during(interruptedStep(e)));
  }
}

/** Where setting up the dataset was interrupted, and what is kept. */
const datasetInterrupted = (inner: string | undefined): string =>
  inner === 'during the index build'
    ? 'during the index build; the seeded rows are kept and the index is built again on the next run'
    : 'during seeding; the committed batches are kept';

/** Server errors during a run become RuntimeFailure (exit 3) with secrets scrubbed. */
export async function guard<T>(url: string | undefined, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UserError || e instanceof RuntimeFailure) throw e;
    if ((e as Error).name === 'AbortError') throw e;
    throw new RuntimeFailure(`${what}: ${scrubSecrets((e as Error).message ?? String(e), url)}`);
  }
}

/**
 * One run: engine, dataset, workload, load, probes, OODA traffic, targets. The abort signal stops
 * the load early; what was measured until then is kept and marked interrupted.
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
  let graph: GraphSession | undefined;
  // Loaded only for a run with a graph side: neo4j-driver costs ~0.4 s of CPU at every start.
  let graphApi: typeof import('./graph/session.ts') | undefined;
  try {
    if (o.neo4jUrl) {
      if (!engine.syncQueue)
        throw new UserError(`--neo4j-url: the ${engine.name} engine has no Neo4j sync queue yet`);
      // Before the dataset: a foreign graph is refused before the first write anywhere.
      graphApi = await import('./graph/session.ts');
      graph = await graphApi.openGraph(sc, o.neo4jUrl);
      o.progress.info(`neo4j: ${graph.display} (${graph.graph.serverVersion})`);
    }
    if (shard) checkShardable(engine, sc, shard);
    const coord = engine.coordination;
    const lead = !shard || shard.spec.index === 0;
    const fingerprint = await guard(o.url, 'fingerprint', () => engine.fingerprint());
    let dataset: DatasetOutcome;
    if (sc.attach) {
      dataset = {
        key: 'attached',
        checksum: 'n/a (attached to an existing deployment)',
        rowsInserted: 0,
        resumedFrom: 0,
      };
    } else if (lead) {
      dataset = await interruptible(o.signal, datasetInterrupted, () =>
        guard(o.url, 'dataset', () =>
          ensureDataset(engine, sc, {
            reseed: o.reseed,
            force: o.force,
            dropForeignRows: o.dropForeignRows,
            verify: o.verify,
            progress: o.progress,
            signal: o.signal,
            neo4jSync: !!graph,
          }),
        ),
      );
      if (dataset.indexDdl) fingerprint.indexDdl = dataset.indexDdl;
      // Before the other shards may go on: graph setups running at once deadlock on Neo4j's label lock.
      if (graph) await graphApi!.setupGraph(graph, sc, o.progress);
      // Only shard 0 seeds: the other shards wait for this row before they touch the data.
      if (shard && coord)
        await guard(o.url, 'announcing the dataset', () =>
          coord.announce(o.runId, DATASET_KEY, 0, dataset.checksum),
        );
    } else {
      o.progress.info(`shard ${shard!.spec.index}: waiting for shard 0's dataset`);
      dataset = await interruptible(
        o.signal,
        "while waiting for shard 0's dataset; nothing was measured",
        () =>
          guard(o.url, 'waiting for the dataset', () =>
            followDataset(engine, sc, shard!, {
              runId: o.runId,
              clock,
              signal: o.signal,
              force: o.force,
              neo4jSync: !!graph,
            }),
          ),
      );
    }
    // After shard 0's: nothing left to change.
    if (graph && !lead) await graphApi!.setupGraph(graph, sc, o.progress);
    if (o.signal.aborted)
      throw new Interrupted('before the load started; nothing was measured, the seeded rows are kept');
    const load = shardLoad(sc.load, shard?.spec);
    await interruptible(o.signal, 'while opening the connection pool; nothing was measured', () =>
      guard(o.url, 'opening the connection pool', () =>
        engine.openPool(loadPoolSize(load), { statementTimeoutMs: sc.workload.timeoutMs }),
      ),
    );
    let offset: ClockOffset | string = 'the engine cannot read the server clock';
    if (shard && coord)
      offset = await guard(o.url, 'reading the server clock', () => measureClockOffset(coord, clock));
    if (shard) {
      const at = await interruptible(o.signal, 'while waiting for the start; nothing was measured', () =>
        guard(o.url, 'waiting for the start', () =>
          waitForStart(shard, {
            coord,
            runId: o.runId,
            clock,
            signal: o.signal,
            ...(typeof offset === 'string' ? {} : { offset }),
          }),
        ),
      );
      o.progress.info(
        `shard ${shard.spec.index}/${shard.spec.count} of run ${o.runId}: starting at ${new Date(at).toISOString()}`,
      );
    }
    if (o.signal.aborted)
      throw new Interrupted('before the load started; nothing was measured, the seeded rows are kept');
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
    // Cleanup after a fault must not lose what was measured: the engine retries on a fresh connection;
    // if the server is gone the rows stay (the next run's cleanup removes them) and the report says so.
    const warnings: string[] = [];
    let ingestedAtoms: number | undefined;
    let graphNodes: number | undefined;
    const cleanup = async () => {
      if (sc.attach) return;
      if (graph && shard && coord) {
        // Shard 0 counts and removes the run's atoms once every shard's readers have drained.
        const timeoutMs = (sc.neo4j.drainSec + sc.warmupSec + 60) * 1000;
        const late = await endMeasuredPhase(coord, {
          runId: o.runId,
          spec: shard.spec,
          clock,
          signal: o.signal,
          timeoutMs,
        }).catch((e: Error) => `the shards' end could not be coordinated (${e.message})`);
        if (late) warnings.push(late);
        if (lead) graphNodes = await graph.graph.countOwned(sc.dataset.atoms).catch(() => undefined);
      }
      if (!lead) return;
      // Shard 0 removes the rows the run ingested (rows of a shard still finishing are removed by the next run).
      try {
        ingestedAtoms = await guard(o.url, 'cleanup', () => engine.resetIngested(sc.dataset.atoms));
      } catch (e) {
        if (e instanceof UserError) throw e;
        const why = (e as Error).message;
        warnings.push(
          `cleanup skipped (${why}): rows this run ingested are still stored; the next run removes them`,
        );
        o.progress.info(`warning: cleanup skipped: ${why}`);
      }
      // The graph's atoms of this run go too (owned ones only): the next run starts from the same graph.
      if (graph) await graph.graph.cleanup(sc.dataset.atoms).catch(() => undefined);
    };
    const build = (m: Measurement, interrupted: boolean) => {
      const r = buildResult({
        runId: o.runId,
        version: o.version,
        scenario: sc,
        fingerprint,
        dataset,
        m,
        targets: o.targets,
        interrupted,
        graph,
        ...(shard ? { shard: shardInfo(shard, m.load.issued, offset) } : {}),
      });
      if (r.neo4j && ingestedAtoms !== undefined) r.neo4j.ingestedAtoms = ingestedAtoms;
      if (r.neo4j && graphNodes !== undefined) r.neo4j.graphNodes = graphNodes;
      return r;
    };
    let result: RunResult;
    const trials = sc.gate?.trials ?? 1; // scenarios built in code before the gate section existed have none
    if (trials <= 1) {
      const m = await measureOnce();
      await cleanup();
      result = build(m, o.signal.aborted);
    } else {
      result = await runTrials({
        trials,
        signal: o.signal,
        progress: o.progress,
        targets: o.targets,
        measureOnce,
        cleanup,
        build,
      });
    }
    // The engine's own report of the index once it exists: the same text whether this run built it
    // (the build script's DDL, kept in result.engine) or found it (the catalog's).
    const settled = sc.attach
      ? fingerprint
      : await guard(o.url, 'fingerprint', () => engine.fingerprint()).catch((e: Error) => {
          warnings.push(
            `the engine's fingerprint after the run could not be read (${e.message}); the one from the start is kept`,
          );
          return fingerprint;
        });
    if (result.faults) result.faults.warnings.push(...warnings);
    else result.faults = { outages: [], warnings };
    result.fingerprint = runFingerprint({
      engine: settled,
      scenario: sc,
      dataset: result.dataset,
      version: o.version,
      client: clientMachine(),
    });
    return result;
  } finally {
    await closeBounded(engine);
    await graph?.graph.close().catch(() => {});
  }
}

/** How long closing the engine may take: a session stuck on a dead or locked server must not keep the reports. */
const CLOSE_WAIT_MS = 3000;

async function closeBounded(engine: Engine): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    engine.close().catch(() => {}),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS))),
  ]);
  clearTimeout(timer);
}

/** Refusals before anything is written: what a shard of this scenario on this engine cannot do. */
function checkShardable(engine: Engine, sc: Scenario, shard: ShardRun): void {
  const problems = shardLoadProblems(sc.load, shard.spec).map((p) => `${p.path}: ${p.message}`);
  if ((sc.gate?.trials ?? 1) > 1)
    problems.push('--trials: a sharded run has one trial (merge the shards, then compare merged runs)');
  if (shard.start.kind === 'barrier' && sc.attach)
    problems.push('--barrier writes a row on the database; attach mode never writes (use --start-at)');
  const needsRows = shard.start.kind === 'barrier' || (shard.spec.index > 0 && !sc.attach);
  if (needsRows && !engine.coordination)
    problems.push(
      `engine ${engine.name} cannot coordinate shards (no shared table): ${shard.start.kind === 'barrier' ? '--barrier' : `shard ${shard.spec.index} cannot wait for shard 0's dataset`}`,
    );
  if (problems.length)
    throw new UserError(`--shard ${shard.spec.index}/${shard.spec.count}: ${problems.join('; ')}`);
}
