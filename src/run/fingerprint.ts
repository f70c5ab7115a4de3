import { arch, availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import type { EngineFingerprint } from '../model/engine.ts';
import type { RunFingerprint } from '../model/result.ts';
import type { Scenario } from '../scenario/schema.ts';

/**
 * The fingerprint every result carries: what must be equal for two runs to be compared (compare names
 * each field that differs). The engine's own fingerprint, the index settings, the dataset's identity,
 * the load asked of the server, atombench's version and the client machine.
 */

export function clientMachine(): RunFingerprint['client'] {
  const cpu = cpus()[0];
  return {
    cpuModel: cpu ? cpu.model.trim().replace(/\s+/g, ' ') : 'unknown',
    cores: availableParallelism(),
    // Whole GiB: the kernel's reserved memory moves totalmem by a few MiB between boots of one machine.
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
}

/**
 * DDL as text that only changes when the index does: comments, `IF NOT EXISTS`, a trailing semicolon
 * and whitespace are dropped (an engine reports its index from the catalog on one run and from the
 * build script on the next, and the two must compare equal).
 */
export function canonicalDdl(ddl: string): string {
  return ddl
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/\bIF\s+NOT\s+EXISTS\b/gi, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s*;\s*$/, '')
    .trim();
}

export interface FingerprintInput {
  engine: EngineFingerprint;
  scenario: Scenario;
  dataset: {
    atoms: number;
    seed: number;
    checksum: string;
    distribution: string;
    stored?: { contentHash: string };
  };
  version: string;
  client: RunFingerprint['client'];
}

export function runFingerprint(i: FingerprintInput): RunFingerprint {
  const sc = i.scenario;
  const { injectDelayMs: _delay, ...workload } = sc.workload;
  return {
    engine: {
      name: i.engine.engine,
      serverVersion: i.engine.serverVersion,
      settings: { ...i.engine.settings },
      indexDdl: canonicalDdl(i.engine.indexDdl),
    },
    index: { ...sc.index },
    // Only the data's identity: seeding and index build times differ between runs of the same data.
    dataset: {
      atoms: i.dataset.atoms,
      seed: i.dataset.seed,
      checksum: i.dataset.checksum,
      distribution: i.dataset.distribution,
      // What the database holds (the generator's checksum says what it should hold).
      ...(i.dataset.stored ? { stored: i.dataset.stored.contentHash } : {}),
    },
    workload: {
      ...workload,
      load: sc.load,
      ooda: sc.ooda,
      warmupSec: sc.warmupSec,
      durationSec: sc.durationSec,
      attach: sc.attach,
    },
    atombench: { version: i.version },
    client: i.client,
  };
}
