import { UserError } from '../../errors.ts';
import type { ObjectNames } from '../../scenario/names.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { CopyFormat } from './copy/copy-encode.ts';
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
  /** Worker threads generating the seed's rows (default 2, 1 on a single core; 0: on the main thread, row by row). */
  seedThreads?: number;
}

/** Most generator threads ATOMBENCH_POSTGIS_SEED_THREADS may ask for. */
export const MAX_SEED_THREADS = 16;

/**
 * Engine options from the environment: ATOMBENCH_POSTGIS_POOL=knn-dwithin|dwithin|intersects,
 * ATOMBENCH_POSTGIS_SEED_THREADS=0..16 (0: the seed generates its rows on the main thread).
 */
export function postgisEnvOptions(
  env: NodeJS.ProcessEnv,
): Pick<PostgisEngineOptions, 'poolVariant' | 'seedThreads'> {
  return {
    ...poolVariantOption(env.ATOMBENCH_POSTGIS_POOL),
    ...seedThreadsOption(env.ATOMBENCH_POSTGIS_SEED_THREADS),
  };
}

function seedThreadsOption(v: string | undefined): Pick<PostgisEngineOptions, 'seedThreads'> {
  if (v === undefined || v === '') return {};
  if (!/^\d+$/.test(v) || Number(v) > MAX_SEED_THREADS)
    throw new UserError(
      `ATOMBENCH_POSTGIS_SEED_THREADS: expected an integer 0..${MAX_SEED_THREADS}, got "${v}"`,
    );
  return { seedThreads: Number(v) };
}

function poolVariantOption(v: string | undefined): Pick<PostgisEngineOptions, 'poolVariant'> {
  if (v === undefined || v === '') return {};
  if (!(POOL_VARIANTS as readonly string[]).includes(v))
    throw new UserError(
      `ATOMBENCH_POSTGIS_POOL: unknown pool variant "${v}"; valid: ${POOL_VARIANTS.join(', ')}`,
    );
  return { poolVariant: v as PoolVariant };
}
