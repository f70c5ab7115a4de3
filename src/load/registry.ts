import { UserError } from '../errors.ts';
import type { LoadSpec } from '../scenario/load-schema.ts';
import { closedLoop } from './closed-loop.ts';
import { openLoop } from './open-loop.ts';
import type { LoadContext, LoadModel, LoadModelName, LoadOutcome } from './types.ts';

/** Every load model, by name. Add one: write its file, list it here, add its branch to the scenario's load schema. */
export const LOAD_MODELS = { open: openLoop, closed: closedLoop } as const satisfies {
  [M in LoadModelName]: LoadModel<M>;
};

export function loadModel(name: string): LoadModel {
  const m = (LOAD_MODELS as Record<string, LoadModel | undefined>)[name];
  if (!m) throw new UserError(`unknown load model "${name}"; valid: ${Object.keys(LOAD_MODELS).join(', ')}`);
  return m;
}

// The table is keyed by the spec's own `model`, so the model found takes that spec's branch.

/** Connections the load needs from the engine's pool. */
export function loadPoolSize(load: LoadSpec): number {
  return loadModel(load.model).poolSize(load);
}

/** Start the scenario's load model; resolves when the load has stopped. */
export function startLoad(
  ctx: LoadContext,
  load: LoadSpec,
  warmupMs: number,
  rand: () => number,
): Promise<LoadOutcome> {
  return loadModel(load.model).start(ctx, load, warmupMs, rand);
}
