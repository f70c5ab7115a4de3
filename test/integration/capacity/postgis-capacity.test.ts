import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapacityDocument } from '../../../src/model/capacity.ts';
import { postgisSkipReason, startPgServer, type PgServer } from '../../helpers/pg-server.ts';

/**
 * `atombench capacity` on a throwaway PostGIS server, as a user runs it: the acceptance run
 * (scenarios/capacity-smoke.yaml ends with a knee, an interval and the first target to break, in under 3
 * minutes), and a scale sweep whose spatial index size (pg_relation_size of the GiST index) grows with
 * the dataset. Runs in CI (ATOMBENCH_REQUIRE_POSTGIS=1 fails it instead of skipping).
 */

const skip = postgisSkipReason();
const BIN = resolve('bin/atombench.js');

const SWEEP = `
name: sweep-postgis
engine: postgis
dataset: { atoms: 24000, seed: 21, batchSize: 4000 }
workload: { mix: [ { op: spatial.knn, k: 10 } ] }
load: { model: open, ratePerSec: 20, maxInFlight: 16, connections: 2 }
warmupSec: 0.5
durationSec: 2
ooda: { enabled: false }
probes: { intervalMs: 500 }
targets: { latency.spatial: 'p95 < 10s' }
capacity: { search: false, atoms: [3000, 24000], clientBound: judge, maxMinutes: 3 }
`;

describe.skipIf(!!skip)('atombench capacity on postgis', () => {
  let server: PgServer;
  let cwd: string;
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, 'capacity', ...args, '--no-progress'], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, ATOMBENCH_URL: '' },
      timeout: 240_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const doc = (out: string): CapacityDocument =>
    JSON.parse(readFileSync(join(cwd, out, 'latest/capacity.json'), 'utf8')) as CapacityDocument;

  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off', synchronous_commit: 'off' } });
    server.psql('CREATE DATABASE capsmoke; CREATE DATABASE capsweep;');
    for (const db of ['capsmoke', 'capsweep']) server.psql('CREATE EXTENSION postgis;', db);
    cwd = mkdtempSync(join(tmpdir(), 'atombench-pgcapacity-'));
    writeFileSync(join(cwd, 'sweep.yaml'), SWEEP);
  });
  afterAll(async () => {
    await server?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it(
    'capacity-smoke.yaml ends with a knee, an interval and the first target to break, < 3 min',
    { timeout: 240_000 },
    () => {
      const started = Date.now();
      const r = cli(
        resolve('scenarios/capacity-smoke.yaml'),
        '--url',
        server.urlFor('capsmoke'),
        '--out',
        'smoke',
      );
      const wallMs = Date.now() - started;
      expect(r.code, `${r.out}\n${r.err}`).toBe(0);
      const d = doc('smoke');
      expect(d.schema).toBe('atombench/capacity@1');
      expect(d.search!.outcome).toBe('knee');
      const knee = d.search!.knee!;
      expect(knee.ratePerSec).toBeGreaterThan(25);
      expect(knee.interval[0]).toBeLessThanOrEqual(knee.ratePerSec);
      expect(knee.interval[1]).toBeGreaterThanOrEqual(knee.ratePerSec);
      expect(knee.interval[1]).toBeGreaterThan(knee.interval[0]);
      // The first to break is a check the search's own step at the first bad rate failed (latency.spatial
      // p95, or a drop limit: capacity.maxDropRatio, or the runbook's load.dropRatio target).
      const ftb = knee.firstToBreak!;
      expect(ftb.atRatePerSec).toBe(knee.bracket[1]);
      const firstBad = d.search!.steps.find(
        (s) => s.trial === 1 && s.offeredRatePerSec === ftb.atRatePerSec,
      )!;
      expect(firstBad.checks.find((c) => c.name === ftb.check)?.verdict).toBe('fail');
      expect(r.out).toContain(`first to break: ${ftb.check} at `);
      expect(r.out).toMatch(
        /capacity: max sustainable [\d.]+\/s \(90 % interval [\d.]+\/s-[\d.]+\/s\); first to break: /,
      );
      // capacity.maxMinutes is 3; seeding 20k and starting the server come on top in the test, not in the run.
      expect(wallMs).toBeLessThan(200_000);
    },
  );

  it('the scale sweep reports the GiST index size, growing with the dataset', { timeout: 240_000 }, () => {
    const r = cli('sweep.yaml', '--url', server.urlFor('capsweep'), '--out', 'sweep');
    expect([0, 1], `${r.out}\n${r.err}`).toContain(r.code);
    const pts = doc('sweep').sweep!.points;
    expect(pts.map((p) => p.atoms)).toEqual([3000, 24000]);
    const [small, large] = pts.map((p) => p.indexBytes);
    // A GiST page is 8 KiB: 3000 2-D boxes fill a few pages, 24000 about eight times as many.
    expect(small).toBeGreaterThan(8192);
    expect(large).toBeGreaterThan(small! * 4);
    expect(large).toBeLessThan(small! * 16);
    const actual = server.psql(`SELECT pg_relation_size('"IX_AtomEmbeddings_SpatialGeometry"')`, 'capsweep');
    expect(Number(actual.trim())).toBe(large);
    const md = readFileSync(join(cwd, 'sweep/latest/capacity.md'), 'utf8');
    expect(md).toContain(`${(large! / 1024 / 1024).toFixed(1)} MiB`);
  });
});
