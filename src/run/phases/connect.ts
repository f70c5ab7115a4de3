import { randomBytes } from 'node:crypto';
import type { VerifyMode } from '../../dataset/fingerprint.ts';
import { createEngine } from '../../engines/registry.ts';
import type { Engine } from '../../engines/types.ts';
import { Interrupted, RuntimeFailure, UserError } from '../../errors.ts';
import { scrubSecrets } from '../../redact.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { untilAborted } from '../abort.ts';
import { ensureDataset } from '../dataset.ts';
import type { Progress } from '../progress.ts';
import { guard } from './guard.ts';

/** Connect, turning driver errors into a RuntimeFailure whose message carries no secret. */
export async function connectEngine(
  name: string,
  scenario: Scenario,
  url: string | undefined,
  signal?: AbortSignal,
): Promise<Engine> {
  const engine = await newEngine(name, scenario, url);
  await connect(engine, url, signal);
  return engine;
}

/** The engine, not connected yet (its capabilities can be read; a bad URL is a UserError here). */
export function newEngine(
  name: string,
  scenario: Scenario,
  url: string | undefined,
  storage?: { dataset?: Scenario['dataset']; tag?: string },
): Promise<Engine> {
  return createEngine(name, {
    scenario,
    url,
    runNonce: randomBytes(6).toString('hex'),
    ...(storage?.dataset ? { storageDataset: storage.dataset } : {}),
    ...(storage?.tag ? { storageTag: storage.tag } : {}),
  });
}

/** Connect, with connection errors as RuntimeFailure (exit 3) and secrets scrubbed. */
export async function connect(engine: Engine, url: string | undefined, signal?: AbortSignal): Promise<void> {
  try {
    // A connect attempt waits up to its connect timeout (10 s); Ctrl-C must not.
    await untilAborted(signal, engine.connect(), 'while connecting; nothing was measured');
  } catch (e) {
    if (e instanceof UserError || e instanceof RuntimeFailure) throw e;
    if ((e as Error).name === 'AbortError') throw new Interrupted('while connecting; nothing was measured');
    throw new RuntimeFailure(`cannot connect to ${engine.name}: ${scrubSecrets((e as Error).message, url)}`);
  }
}

/**
 * Connect and make sure the scenario's dataset is stored (seeded first if missing, or with --reseed,
 * like `run`): what a measured `tune` needs before it rebuilds anything.
 */
export async function openWithDataset(
  engine: Engine,
  sc: Scenario,
  url: string | undefined,
  opts: {
    reseed: boolean;
    force: boolean;
    dropForeignRows?: boolean;
    verify?: VerifyMode;
    progress: Progress;
    signal: AbortSignal;
  },
): Promise<void> {
  try {
    await connect(engine, url, opts.signal);
    await guard(url, 'dataset', () => ensureDataset(engine, sc, opts));
  } catch (e) {
    await engine.close().catch(() => undefined);
    throw e;
  }
}

/** How long closing the engine may take: a session stuck on a dead or locked server must not keep the reports. */
const CLOSE_WAIT_MS = 3000;

export async function closeBounded(engine: Engine): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    engine.close().catch(() => {}),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS))),
  ]);
  clearTimeout(timer);
}
