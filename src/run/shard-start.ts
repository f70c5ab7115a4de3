import type { ShardCoordination } from '../engines/types.ts';
import { RuntimeFailure } from '../errors.ts';
import type { Clock } from '../model/clock.ts';
import type { ShardInfo, ShardSpec } from '../model/shard.ts';

/**
 * How the shards of one run start together (DESIGN.md "Shards"):
 * - `at`: every shard waits for the same wall-clock time (--start-at); a shard that is ready later than
 *   that (plus a small tolerance) fails rather than running out of step with the others.
 * - `barrier`: every shard writes its row on the database and waits until all N rows are there; they
 *   then start at the server time of the last row plus a margin, each converted to its own clock with
 *   the offset it measured, so the starts agree to the clocks' precision, not to the polling interval.
 * Shard 0 seeds; the others wait for its `dataset` row (the dataset checksum) before they touch the data.
 */

export type ShardStart = { kind: 'at'; at: Date } | { kind: 'barrier'; timeoutMs: number } | { kind: 'none' };

export interface ShardRun {
  spec: ShardSpec;
  start: ShardStart;
  /** How long past --start-at a shard may still start (default 1 s). */
  lateToleranceMs?: number;
  /** How long a shard above 0 waits for shard 0's dataset without a start time (default 30 min). */
  datasetWaitMs?: number;
}

const POLL_MS = 250;
const BARRIER_MARGIN_MS = 1500;
const DEFAULT_LATE_MS = 1000;
const DEFAULT_DATASET_WAIT_MS = 30 * 60_000;
const CLOCK_READINGS = 5;

export const DATASET_KEY = 'dataset';
export const BARRIER_KEY = 'start';

export interface ClockOffset {
  offsetMs: number;
  rttMs: number;
}

/**
 * Server clock minus this client's wall clock: the reading with the shortest round trip of a few,
 * taken at the midpoint of its round trip (NTP's estimate; its error is at most half the round trip).
 */
export async function measureClockOffset(coord: ShardCoordination, clock: Clock): Promise<ClockOffset> {
  let best: ClockOffset | undefined;
  for (let i = 0; i < CLOCK_READINGS; i++) {
    const t0 = clock.wallMs();
    const server = await coord.serverTimeMs();
    const t1 = clock.wallMs();
    const reading = { offsetMs: server - (t0 + t1) / 2, rttMs: t1 - t0 };
    if (!best || reading.rttMs < best.rttMs) best = reading;
  }
  return best!;
}

/** Sleep until the wall clock reads `atMs` (in steps, so an abort is noticed). */
export async function sleepUntil(clock: Clock, atMs: number, signal: AbortSignal): Promise<void> {
  for (let left = atMs - clock.wallMs(); left > 0 && !signal.aborted; left = atMs - clock.wallMs())
    await clock.sleep(Math.min(left, 1000), signal);
}

/** The last moment a shard may wait for shard 0's dataset. */
export function datasetDeadlineMs(run: ShardRun, nowMs: number): number {
  if (run.start.kind === 'at') return run.start.at.getTime() + (run.lateToleranceMs ?? DEFAULT_LATE_MS);
  if (run.start.kind === 'barrier') return nowMs + run.start.timeoutMs;
  return nowMs + (run.datasetWaitMs ?? DEFAULT_DATASET_WAIT_MS);
}

/** Shards above 0: wait for shard 0's `dataset` row and return the checksum it announced. */
export async function waitForDataset(
  coord: ShardCoordination,
  runId: string,
  deadlineMs: number,
  clock: Clock,
  signal: AbortSignal,
): Promise<string> {
  for (;;) {
    const row = (await coord.announced(runId, DATASET_KEY)).find((r) => r.shard === 0);
    if (row) return row.value;
    if (signal.aborted) throw new RuntimeFailure('interrupted while waiting for shard 0 to seed');
    if (clock.wallMs() >= deadlineMs)
      throw new RuntimeFailure(
        `shard 0 of run ${runId} did not announce its dataset by ${new Date(deadlineMs).toISOString()}: is shard 0 running (same --run-id, same database)?`,
      );
    await clock.sleep(POLL_MS, signal);
  }
}

/**
 * Wait for the agreed start; returns the wall-clock time the load starts at. `offset` converts the
 * barrier's server time to this client's clock (without one, the server time is used as is).
 */
export async function waitForStart(
  run: ShardRun,
  o: { coord?: ShardCoordination; runId: string; clock: Clock; signal: AbortSignal; offset?: ClockOffset },
): Promise<number> {
  const { clock, signal } = o;
  if (run.start.kind === 'none') return clock.wallMs();
  if (run.start.kind === 'at') {
    const at = run.start.at.getTime();
    const late = clock.wallMs() - at;
    if (late > (run.lateToleranceMs ?? DEFAULT_LATE_MS))
      throw new RuntimeFailure(
        `shard ${run.spec.index} was ready ${(late / 1000).toFixed(1)} s after --start-at ${run.start.at.toISOString()}: start later (seeding included) or use --barrier`,
      );
    await sleepUntil(clock, at, signal);
    return at;
  }
  const coord = o.coord!;
  const deadline = clock.wallMs() + run.start.timeoutMs;
  await coord.announce(o.runId, BARRIER_KEY, run.spec.index, 'ready');
  for (;;) {
    const rows = (await coord.announced(o.runId, BARRIER_KEY)).filter((r) => r.shard < run.spec.count);
    if (rows.length >= run.spec.count) {
      const serverStart = Math.max(...rows.map((r) => r.atMs)) + BARRIER_MARGIN_MS;
      const at = serverStart - (o.offset?.offsetMs ?? 0);
      await sleepUntil(clock, at, signal);
      return at;
    }
    if (signal.aborted) throw new RuntimeFailure('interrupted at the barrier');
    if (clock.wallMs() >= deadline) {
      const here = new Set(rows.map((r) => r.shard));
      const missing = Array.from({ length: run.spec.count }, (_, i) => i).filter((i) => !here.has(i));
      throw new RuntimeFailure(
        `barrier of run ${o.runId}: ${rows.length} of ${run.spec.count} shards arrived within ${run.start.timeoutMs / 1000} s (missing: ${missing.join(', ')})`,
      );
    }
    await clock.sleep(POLL_MS, signal);
  }
}

/** The shard's entry in result.json. */
export function shardInfo(run: ShardRun, issued: number, offset: ClockOffset | string): ShardInfo {
  const start: ShardInfo['start'] =
    run.start.kind === 'at'
      ? { kind: 'at', at: run.start.at.toISOString() }
      : run.start.kind === 'barrier'
        ? { kind: 'barrier', timeoutSec: run.start.timeoutMs / 1000 }
        : { kind: 'none' };
  const info: ShardInfo = { ...run.spec, start, issued };
  if (typeof offset === 'string') info.clockNa = offset;
  else {
    info.clockOffsetMs = offset.offsetMs;
    info.clockRttMs = offset.rttMs;
  }
  return info;
}
