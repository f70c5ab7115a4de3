import type { Engine } from '../../engines/types.ts';
import { UserError } from '../../errors.ts';
import { realClock } from '../../load/clock.ts';
import { loadPoolSize } from '../../load/registry.ts';
import type { Clock } from '../../model/clock.ts';
import type { EngineFingerprint } from '../../model/engine.ts';
import type { RunResult } from '../../model/result.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { TargetSpec } from '../../targets/runbook.ts';
import { ensureDataset, type DatasetOutcome } from '../dataset.ts';
import { measure } from '../measure/measure.ts';
import { guard } from '../phases/guard.ts';
import { silentProgress, type Progress } from '../progress.ts';
import { buildResult } from '../result.ts';

/**
 * One capacity step as a short run of its own (warm-up, HDR histograms, targets) on the session's engine
 * and stored dataset. Writing a step's result.json is the caller's (`saveStep`), so run/ renders nothing.
 */

export interface CapacityProgress {
  /** One line per step: which step, its rate, elapsed and remaining budget, the running verdict. */
  line(text: string): void;
}

export interface CapacityRunOptions {
  scenario: Scenario;
  targets: TargetSpec[];
  url: string | undefined;
  id: string;
  version: string;
  signal: AbortSignal;
  /** Seeding and set-up messages. */
  progress: Progress;
  capacityProgress: CapacityProgress;
  reseed: boolean;
  force: boolean;
  /** Write one step's result.json; returns its path relative to capacity.json's folder. */
  saveStep: (result: RunResult, name: string) => Promise<string>;
  clock?: Clock;
  /** Use this engine (tests inject one with a fixed service time); else one from the registry. */
  engine?: Engine;
  /** Engines for the scale sweep's sizes and fresh seeds (tests); else from the registry. */
  engineFor?: (sc: Scenario, store: 'sweep' | 'fresh') => Promise<Engine>;
}

/** Everything a step needs from the session: the engine, its dataset, the fingerprint. */
export interface CapacitySession {
  engine: Engine;
  fingerprint: EngineFingerprint;
  dataset: DatasetOutcome;
}

/** One step: the scenario at `sc`'s rate, measured, cleaned up, built into a result and saved. */
export async function measureStep(
  o: CapacityRunOptions,
  session: CapacitySession,
  sc: Scenario,
  name: string,
): Promise<{ result: RunResult; file: string; wallSec: number }> {
  const clock = o.clock ?? realClock;
  const t0 = clock.nowMs();
  const m = await guard(o.url, `capacity step ${name}`, () =>
    measure({
      engine: session.engine,
      scenario: sc,
      clock,
      signal: o.signal,
      progress: silentProgress,
      runSeed: sc.dataset.seed,
      oodaTraffic: sc.attach ? (sc.ooda.sendInAttachMode ? 'triggers' : 'off') : 'full',
    }),
  );
  if (!sc.attach) await guard(o.url, 'cleanup', () => session.engine.resetIngested(sc.dataset.atoms));
  const result = buildResult({
    runId: `${o.id}-${name}`,
    version: o.version,
    scenario: sc,
    fingerprint: session.fingerprint,
    dataset: session.dataset,
    m,
    targets: o.targets,
    interrupted: o.signal.aborted,
  });
  const file = await o.saveStep(result, name);
  return { result, file, wallSec: (clock.nowMs() - t0) / 1000 };
}

export async function openSession(
  o: CapacityRunOptions,
  sc: Scenario,
  engine: Engine,
  growsFrom?: readonly string[],
): Promise<CapacitySession> {
  const dataset: DatasetOutcome = sc.attach
    ? {
        key: 'attached',
        checksum: 'n/a (attached to an existing deployment)',
        rowsInserted: 0,
        resumedFrom: 0,
      }
    : await guard(o.url, 'dataset', () =>
        ensureDataset(engine, sc, {
          reseed: o.reseed,
          force: o.force,
          progress: o.progress,
          signal: o.signal,
          ...(growsFrom ? { growsFrom } : {}),
        }),
      );
  // After the dataset: the schema (and on PostGIS the extension) exists, so the fingerprint is complete.
  const fingerprint = await guard(o.url, 'fingerprint', () => engine.fingerprint());
  if (dataset.indexDdl) fingerprint.indexDdl = dataset.indexDdl;
  if (o.signal.aborted) throw new UserError('interrupted before the first step; the seeded rows are kept');
  await guard(o.url, 'opening the connection pool', () =>
    engine.openPool(loadPoolSize(sc.load), { statementTimeoutMs: sc.workload.timeoutMs }),
  );
  return { engine, fingerprint, dataset };
}
