import { join } from 'node:path';
import { datasetKey } from '../dataset/stream.ts';
import { UserError } from '../errors.ts';
import type { Scenario } from '../scenario/schema.ts';
import { resolveNames } from '../scenario/names.ts';
import type { Engine } from './types.ts';
import type { EngineName } from '../model/engine.ts';

export interface EngineContext {
  scenario: Scenario;
  /** Connection URL from --url / ATOMBENCH_URL / the scenario; undefined for the embedded default. */
  url: string | undefined;
  /** Unique per run: ingested atoms get content hashes no other run uses. */
  runNonce: string;
  /**
   * The dataset whose identity names embedded storage (default: the scenario's). A scale sweep passes its
   * largest size, so every size lives in one file and grows in place.
   */
  storageDataset?: Scenario['dataset'];
  /** Appended to the embedded file's name (`<key>-<tag>.sqlite`): a store of its own (sweep, fresh seed). */
  storageTag?: string;
}

type Factory = (ctx: EngineContext) => Promise<Engine>;

/** Where the embedded engine keeps its file: one per dataset, so switching scenarios does not reseed. */
export const EMBEDDED_DIR = '.atombench';

function sqlitePath(ctx: EngineContext): string {
  const url = ctx.url;
  if (!url) {
    const tag = ctx.storageTag ? `-${ctx.storageTag}` : '';
    return join(EMBEDDED_DIR, `${datasetKey(ctx.storageDataset ?? ctx.scenario.dataset)}${tag}.sqlite`);
  }
  if (url.startsWith('sqlite:') || url.startsWith('file:')) return url.replace(/^(sqlite|file):(\/\/)?/, '');
  if (/^[a-z]+:\/\//i.test(url))
    throw new UserError(
      `--url: the sqlite engine takes a file path or sqlite:<path>, not ${url.split(':')[0]}://`,
    );
  return url;
}

/**
 * Every engine, by name. Add one: write src/engines/<name>/, list its factory here. Each factory loads
 * its engine when called, so a command loads one driver, not all three (the mssql driver alone cost
 * every start ~0.8 s and ~35 MB).
 */
export const ENGINES: Record<EngineName, Factory> = {
  sqlite: async (ctx) => {
    const { SqliteEngine, sqliteEnvOptions } = await import('./sqlite/index.ts');
    return new SqliteEngine({
      path: sqlitePath(ctx),
      dataset: ctx.scenario.dataset,
      runNonce: ctx.runNonce,
      names: resolveNames(ctx.scenario.names.preset, ctx.scenario.names.overrides),
      ...sqliteEnvOptions(process.env),
    });
  },
  postgis: async (ctx) => {
    const { checkPostgresUrl } = await import('./postgis/connection.ts');
    const { PostgisEngine, postgisEnvOptions } = await import('./postgis/index.ts');
    return new PostgisEngine({
      url: checkPostgresUrl(ctx.url),
      dataset: ctx.scenario.dataset,
      names: resolveNames(ctx.scenario.names.preset, ctx.scenario.names.overrides),
      runNonce: ctx.runNonce,
      ...postgisEnvOptions(process.env),
    });
  },
  mssql: async (ctx) => {
    const { MssqlEngine } = await import('./mssql/index.ts');
    return new MssqlEngine({ url: ctx.url, scenario: ctx.scenario, runNonce: ctx.runNonce });
  },
};

export async function createEngine(name: string, ctx: EngineContext): Promise<Engine> {
  const factory = ENGINES[name as EngineName];
  if (!factory)
    throw new UserError(`--engine: unknown engine "${name}"; valid: ${Object.keys(ENGINES).join(', ')}`);
  return factory(ctx);
}
