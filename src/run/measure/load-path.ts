import type { Engine, OperationRequest, OperationResult } from '../../engines/types.ts';
import type { OutageTracker } from '../../load/outage.ts';
import type { LoadSink } from '../../load/types.ts';
import type { IntervalRecorder } from '../../metrics/interval.ts';
import type { Clock } from '../../model/clock.ts';
import type { RequestSampler } from '../../probes/poller.ts';
import { executeOperation } from '../../workload/registry.ts';
import type { ExecuteContext } from '../../workload/types.ts';
import type { MaintenanceRunner } from '../maintenance.ts';

/**
 * The per-operation path of a run, between the load model and the engine: what runs once per request
 * (offer it to the plan sampler, execute it, optionally delay it) and where each result goes (the
 * outage tracker, the maintenance split, the recorder). Kept free of awaits and wrapper promises:
 * every step here is paid on every operation of the load.
 */
export function createExecute(
  engine: Engine,
  sampler: RequestSampler,
  opCtx: ExecuteContext,
  clock: Clock,
  /** workload.injectDelayMs: a deliberate slowdown for testing the regression gate. */
  delayMs: number,
): (req: OperationRequest) => Promise<OperationResult> {
  // Not async: a wrapper promise per operation is load-path work for nothing when there is no delay.
  return (req) => {
    sampler.offer(req);
    let res: Promise<OperationResult>;
    try {
      res = executeOperation(engine, req, opCtx);
    } catch (e) {
      return Promise.reject(e as Error); // errors reject (LoadContext.execute), thrown or not
    }
    if (!(delayMs > 0)) return res;
    return res.then((r) => clock.sleep(delayMs).then(() => r));
  };
}

/** The outage tracker sees every result; the maintenance split sees the successes, then the recorder. */
export function createSink(
  recorder: IntervalRecorder,
  outage: OutageTracker,
  maintenance: MaintenanceRunner | undefined,
): LoadSink {
  const inner: LoadSink = maintenance ? maintenance.sink(recorder, () => recorder.measuring) : recorder;
  return {
    recordSuccess: (op, us, d) => (outage.success(), inner.recordSuccess(op, us, d)),
    recordError: (op, cls) => (outage.error(cls), inner.recordError(op, cls)),
    recordScheduleLag: (us) => inner.recordScheduleLag(us),
    recordDropped: (n) => inner.recordDropped(n),
    recordCancelled: (n) => inner.recordCancelled(n),
  };
}
