import type { Budget } from '../../capacity/budget.ts';
import { scaleSweep, sizeScenario, smallerKeys, sweepPoint } from '../../capacity/sweep.ts';
import type { Engine } from '../../engines/types.ts';
import type { ScaleSweep, SweepPoint } from '../../model/capacity.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { measureStep, openSession, type CapacityRunOptions } from './step.ts';
import { checkedBuckets, storedContentHash } from '../../dataset/fingerprint.ts';
import { ensureDataset } from '../dataset.ts';
import { connect, newEngine } from '../phases/connect.ts';
import { guard } from '../phases/guard.ts';

export interface SweepArgs {
  o: CapacityRunOptions;
  budget: Budget;
  status: (what: string, verdict: string) => void;
  /** Tests: the engine for a size's scenario and store (`sweep`: grown in place; `fresh`: a fresh seed). */
  makeEngine?: (sc: Scenario, store: 'sweep' | 'fresh') => Promise<Engine>;
}

/**
 * The scale sweep: one dataset grown in place through the sizes (seeding resumes after the previous
 * size's rows: the same generator stream), at each size one run of the judged workload at a fixed rate,
 * the stored rows' digest as the database computes it, and with capacity.verifyGrowth a fresh seed of the
 * same size in a store of its own whose digest must be equal. The embedded engine keeps the sweep in one
 * file named by the largest size (`-sweep`), so it never touches the files `run` uses.
 */
export async function runSweep(a: SweepArgs): Promise<ScaleSweep | null> {
  const { o } = a;
  const sc = o.scenario;
  const cap = sc.capacity;
  const rate = cap.sweepRatePerSec ?? (sc.load.model === 'open' ? sc.load.ratePerSec : 1);
  const largest = sc.dataset; // capacityProblems: no size is above dataset.atoms
  const make = (s: Scenario, store: 'sweep' | 'fresh'): Promise<Engine> =>
    a.makeEngine
      ? a.makeEngine(s, store)
      : newEngine(
          s.engine,
          s,
          o.url,
          store === 'sweep' ? { dataset: largest, tag: 'sweep' } : { tag: 'fresh' },
        );
  const points: SweepPoint[] = [];
  for (const atoms of cap.atoms) {
    if (o.signal.aborted || a.budget.refusal()) break;
    a.status(
      `sweep ${atoms.toLocaleString('en-US')} atoms at ${rate}/s`,
      `${points.length} of ${cap.atoms.length} sizes`,
    );
    const s = sizeScenario(sc, atoms, rate);
    const engine = await make(s, 'sweep');
    try {
      if (a.makeEngine) await engine.connect();
      else await connect(engine, o.url);
      const session = await openSession(o, s, engine, smallerKeys(sc, atoms));
      const name = `${String(a.budget.stepsRun + 1).padStart(2, '0')}-sweep-${atoms}`;
      const { result, file } = await a.budget.step(() => measureStep(o, session, s, name));
      const storedDigest = await guard(o.url, 'digest', () => contentDigest(engine, atoms));
      const indexBytes = engine.indexBytes ? ((await engine.indexBytes()) ?? null) : null;
      let freshDigest: string | null | undefined;
      const grownFrom = session.dataset.rowsInserted > 0 ? session.dataset.resumedFrom : 0;
      if (cap.verifyGrowth && points.length > 0) freshDigest = await freshSeedDigest(a, s, make);
      points.push(
        sweepPoint(result, {
          atoms,
          grownFrom,
          seedMs: session.dataset.seedDurationMs ?? 0,
          indexBuildMs: session.dataset.indexBuildMs ?? null,
          storedDigest,
          ...(freshDigest !== undefined ? { freshDigest } : {}),
          indexBytes,
          resultFile: file,
        }),
      );
      o.capacityProgress.line(
        `  -> ${atoms.toLocaleString('en-US')} atoms (${grownFrom > 0 ? `grown from ${grownFrom.toLocaleString('en-US')}` : session.dataset.rowsInserted > 0 ? 'seeded' : 'stored'}): p95 ${result.total.latencyMs.p95.toFixed(2)} ms, digest ${storedDigest?.slice(0, 12) ?? 'n/a'}${freshDigest !== undefined ? ` (fresh seed ${freshDigest?.slice(0, 12) ?? 'n/a'}: ${freshDigest === storedDigest ? 'equal' : 'DIFFERENT'})` : ''}`,
      );
    } finally {
      await engine.close().catch(() => {});
    }
  }
  return scaleSweep(points, cap.extrapolateAtoms);
}

/** Seed `s`'s size fresh in a store of its own and return its stored digest. */
async function freshSeedDigest(
  a: SweepArgs,
  s: Scenario,
  make: (s: Scenario, store: 'sweep' | 'fresh') => Promise<Engine>,
): Promise<string | null> {
  const engine = await make(s, 'fresh');
  try {
    if (a.makeEngine) await engine.connect();
    else await connect(engine, a.o.url);
    // The fresh store is atombench's own scratch: replacing what it holds is always allowed.
    await guard(a.o.url, 'fresh seed', () =>
      ensureDataset(engine, s, { reseed: true, force: false, progress: a.o.progress, signal: a.o.signal }),
    );
    return await contentDigest(engine, s.dataset.atoms);
  } finally {
    await engine.close().catch(() => {});
  }
}

/**
 * The stored data's content hash: issue 13's stored fingerprint over every bucket (`full`), hashed by
 * dataset/fingerprint.ts storedContentHash, on every engine that answers storedFingerprint; null otherwise.
 */
async function contentDigest(engine: Engine, atoms: number): Promise<string | null> {
  if (!engine.storedFingerprint) return null;
  const fp = await engine.storedFingerprint({ atoms, buckets: checkedBuckets(atoms, 'full') });
  return storedContentHash(fp, 'full');
}
