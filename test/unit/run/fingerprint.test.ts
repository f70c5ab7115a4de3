import { describe, expect, it } from 'vitest';
import { canonicalDdl, clientMachine, runFingerprint } from '../../../src/run/fingerprint.ts';
import { scenarioSchema } from '../../../src/scenario/schema.ts';

describe('canonicalDdl', () => {
  it.each([
    [
      'CREATE VIRTUAL TABLE IF NOT EXISTS "AtomEmbeddings_rtree" USING rtree(id, minX, maxX, minY, maxY);',
      'CREATE VIRTUAL TABLE "AtomEmbeddings_rtree" USING rtree(id, minX, maxX, minY, maxY) -- over (X, Y)',
    ],
    [
      'CREATE SPATIAL INDEX ix ON t(g)\n  USING GEOMETRY_GRID /* grid */ WITH (GRIDS = (MEDIUM, MEDIUM, MEDIUM, MEDIUM));',
      'CREATE SPATIAL INDEX ix ON t(g) USING GEOMETRY_GRID WITH (GRIDS = (MEDIUM, MEDIUM, MEDIUM, MEDIUM))',
    ],
  ])('treats %j and %j as the same index', (a, b) => {
    expect(canonicalDdl(a)).toBe(canonicalDdl(b));
  });

  it('keeps what changes the index', () => {
    expect(canonicalDdl('... GRIDS = (HIGH, HIGH, HIGH, HIGH)')).not.toBe(
      canonicalDdl('... GRIDS = (LOW, LOW, LOW, LOW)'),
    );
  });
});

describe('runFingerprint', () => {
  const scenario = scenarioSchema.parse({
    workload: { injectDelayMs: 5, mix: [{ op: 'spatial.knn' }] },
    index: { grids: ['HIGH', 'HIGH', 'MEDIUM', 'LOW'] },
  });
  const fp = runFingerprint({
    engine: {
      engine: 'sqlite',
      serverVersion: 'SQLite 3',
      settings: { journal_mode: 'WAL' },
      indexDdl: 'CREATE X;',
    },
    scenario,
    dataset: { atoms: 10, seed: 1, checksum: 'c', distribution: 'sphere', seedDurationMs: 5 } as never,
    version: '9.9.9',
    client: { cpuModel: 'cpu', cores: 2, memoryGiB: 8, os: 'linux', node: 'v20' },
  });

  it('holds the engine, index grid settings, dataset identity, version and client', () => {
    expect(fp.engine).toEqual({
      name: 'sqlite',
      serverVersion: 'SQLite 3',
      settings: { journal_mode: 'WAL' },
      indexDdl: 'CREATE X',
    });
    expect(fp.index.grids).toEqual(['HIGH', 'HIGH', 'MEDIUM', 'LOW']);
    expect(fp.dataset).toEqual({ atoms: 10, seed: 1, checksum: 'c', distribution: 'sphere' });
    expect(fp.atombench.version).toBe('9.9.9');
    expect(fp.client.cores).toBe(2);
  });

  it('leaves out the injected delay (it plays a slower build, which compare must be able to see)', () => {
    expect(JSON.stringify(fp.workload)).not.toContain('injectDelayMs');
    expect(fp.workload.mix).toEqual(scenario.workload.mix);
  });

  it('reads the client machine', () => {
    const c = clientMachine();
    expect(c.cores).toBeGreaterThan(0);
    expect(c.node).toBe(process.version);
    expect(c.memoryGiB).toBeGreaterThanOrEqual(0);
  });
});
