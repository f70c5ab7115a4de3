import { UserError } from '../../errors.ts';
import type { ObjectNames } from '../../scenario/names.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { CopyFormat } from './copy-encode.ts';
import { POOL_VARIANTS, type PoolVariant } from './dialect.ts';

/** What the PostGIS engine (index.ts) is made with. */
export interface PostgisEngineOptions {
  url: string;
  dataset: Scenario['dataset'];
  /** The scenario's name mapping (prepare() replaces it with the plan's; attach mode uses it as is). */
  names: ObjectNames;
  runNonce: string;
  /** How windowed operations find their rows (dialect.ts PoolVariant; default knn-dwithin). */
  poolVariant?: PoolVariant;
  /** How seed batches travel in COPY (default binary; text-ewkb / text-ewkt for comparison). */
  copyFormat?: CopyFormat;
  /** Connections loading seed batches at once (default 2; commits stay in batch order). */
  seedConnections?: number;
}

/** Engine options from the environment: ATOMBENCH_POSTGIS_POOL=knn-dwithin|dwithin|intersects. */
export function postgisEnvOptions(env: NodeJS.ProcessEnv): Pick<PostgisEngineOptions, 'poolVariant'> {
  const v = env.ATOMBENCH_POSTGIS_POOL;
  if (v === undefined || v === '') return {};
  if (!(POOL_VARIANTS as readonly string[]).includes(v))
    throw new UserError(
      `ATOMBENCH_POSTGIS_POOL: unknown pool variant "${v}"; valid: ${POOL_VARIANTS.join(', ')}`,
    );
  return { poolVariant: v as PoolVariant };
}
