import type { OperationRequest } from '../engines/types.ts';
import type { OperationSpec } from '../scenario/workload-schema.ts';
import { operationPlugin } from './registry.ts';
import type { BuildContext } from './types.ts';

/** Picks the next operation by weight and builds its request. Pure given the injected random source. */
export class WorkloadMix {
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(
    private readonly specs: OperationSpec[],
    private readonly ctx: BuildContext,
    private readonly rand: () => number,
  ) {
    let sum = 0;
    for (const s of specs) this.cumulative.push((sum += s.weight));
    this.total = sum;
  }

  next(): OperationRequest {
    const u = this.rand() * this.total;
    let i = this.cumulative.findIndex((c) => u < c);
    if (i < 0) i = this.specs.length - 1;
    const spec = this.specs[i]!;
    return operationPlugin(spec.op).build(spec, this.ctx);
  }
}
