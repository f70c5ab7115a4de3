import type { Phase } from '../../scenario/names.ts';
import type { EngineRequest, OperationRequest, PhaseMetricRow, QueueMessage, WalkStep } from '../types.ts';

/** Messages between the engine (main thread) and its SQLite worker threads. */
export type WorkerCall =
  | { kind: 'run'; req: EngineRequest }
  /** One walk step: the walk's loop runs on the main thread (src/workload/spatial-walk.ts). */
  | { kind: 'walkStep'; step: WalkStep }
  | { kind: 'explain'; req: OperationRequest }
  | { kind: 'filter'; req: OperationRequest }
  | { kind: 'trigger'; loopId: string; body: string; nowMs: number }
  | { kind: 'receive'; phase: Phase; nowMs: number }
  | { kind: 'complete'; msg: QueueMessage; metric: PhaseMetricRow; next: Phase | undefined; nowMs: number }
  | { kind: 'depth' }
  | { kind: 'maintain'; maintenance: 'statistics' | 'rebuild' }
  /** Build the spatial index: `drop` on its own, then `ddl` in one transaction, then ANALYZE. */
  | { kind: 'buildIndex'; drop: string; ddl: string }
  | { kind: 'syncReceive'; max: number; nowMs: number }
  | { kind: 'syncComplete'; ids: string[] }
  | { kind: 'syncAbandon'; ids: string[] }
  | { kind: 'syncDepth' }
  | { kind: 'close' };

export type WorkerRequest = WorkerCall & { id: number };

export type WorkerResponse =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; errorClass: string };
