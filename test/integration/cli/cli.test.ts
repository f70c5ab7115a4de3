import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve('bin/atombench.js');
const cwd = mkdtempSync(join(tmpdir(), 'atombench-cli-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ATOMBENCH_URL: '' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const TINY = `
name: tiny
dataset: { atoms: 2000, seed: 3, batchSize: 500 }
workload:
  mix:
    - { op: spatial.knn, weight: 3, k: 10 }
    - { op: spatial.pool, weight: 1, radius: 0.02, pool: 100 }
    - { op: ingest, weight: 1, batchSize: 5 }
load: { model: closed, concurrency: 2 }
warmupSec: 0.5
durationSec: 2
ooda: { triggerEverySec: 0.2, phaseWorkMs: 1 }
probes: { intervalMs: 500 }
targets:
  latency.spatial.knn: p95 < 10s
`;

describe('atombench CLI', () => {
  it('runs a scenario end to end: exit code from the verdict, the four report files, a target table', () => {
    writeFileSync(join(cwd, 'tiny.yaml'), TINY);
    const r = cli('run', 'tiny.yaml', '--out', 'out', '--no-progress');
    expect(r.err).toBe('');
    expect([0, 1]).toContain(r.code);
    expect(r.out).toMatch(/latency\.spatial\.knn\s+p95 < 10s/);
    expect(r.out).toMatch(/verdict: (PASS|FAIL)/);
    for (const f of ['result.json', 'summary.md', 'junit.xml', 'timeseries.csv'])
      expect(existsSync(join(cwd, 'out/latest', f))).toBe(true);
    const result = JSON.parse(readFileSync(join(cwd, 'out/latest/result.json'), 'utf8'));
    expect(result.schema).toBe('atombench/result@1');
    expect(result.verdict === 'pass' ? 0 : 1).toBe(r.code);
    expect(result.dataset.atoms).toBe(2000);
    expect(result.dataset.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(result.operations.find((o: { op: string }) => o.op === 'spatial.knn').count).toBeGreaterThan(10);
    expect(result.ooda.loopsCompleted).toBeGreaterThan(0);
    const measured = result.timeseries.filter((p: { warmup: boolean }) => !p.warmup);
    expect(
      measured.some(
        (p: { byOp?: Record<string, { ops: number }> }) => (p.byOp?.['spatial.knn']?.ops ?? 0) > 0,
      ),
    ).toBe(true);
    // Probes run off the tick path: a sample lands in the interval where its round ends.
    const sampled = measured.find((p: { queueDepthByQueue?: object }) => p.queueDepthByQueue);
    expect(Object.keys(sampled.queueDepthByQueue).sort()).toEqual(['Act', 'Analyze', 'Hypothesize', 'Learn']);
    expect(result.probes.seekRatio.value).toBe(1);
    expect(result.probes.cacheHitRatio.na).toMatch(/better-sqlite3/);
  }, 90_000);

  it('re-renders reports from result.json alone', () => {
    const r = cli('report', 'out/latest/result.json', '--format', 'md,junit,csv', '--out', 'again');
    expect(r.code).toBe(0);
    expect(readFileSync(join(cwd, 'again/summary.md'), 'utf8')).toBe(
      readFileSync(join(cwd, 'out/latest/summary.md'), 'utf8'),
    );
    expect(cli('report', 'out/latest/result.json', '--format', 'pdf').err).toMatch(
      /unknown format\(s\) pdf; valid: /,
    );
  });

  it.each([
    [['run', 'missing.yaml'], /missing\.yaml: cannot read/],
    [['run', 'tiny.yaml', '--atoms', 'lots'], /--atoms: expected an integer/],
    [['run', 'tiny.yaml', '--engine', 'oracle'], /--engine \(engine\)/],
    [['run', 'tiny.yaml', '--duration', 'soon'], /--duration: expected a duration/],
    [['run', 'tiny.yaml', '--bogus'], /unknown option '--bogus'/],
    [['report', 'tiny.yaml'], /not JSON|schema/],
  ])('exits 2 with a message naming the problem: %j', (args, message) => {
    const r = cli(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  });

  it('reports every problem of a malformed scenario at once, exit 2', () => {
    writeFileSync(
      join(cwd, 'bad.yaml'),
      'dataset: { atoms: -5 }\nworkload:\n  mix:\n    - { op: spatial.pool, radius: { min: 2, max: 1 } }\nload: { model: open, ratePerSec: 0 }\n',
    );
    const r = cli('run', 'bad.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toContain('dataset.atoms');
    expect(r.err).toContain('workload.mix[0].radius.max: must be greater than min');
    expect(r.err).toContain('load.ratePerSec');
  });

  it('Ctrl-C stops a run early and still writes the reports, marked interrupted', async () => {
    writeFileSync(join(cwd, 'long.yaml'), TINY.replace('durationSec: 2', 'durationSec: 60'));
    const child = spawn(process.execPath, [BIN, 'run', 'long.yaml', '--out', 'int', '--no-progress'], {
      cwd,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('running tiny')) setTimeout(() => child.kill('SIGINT'), 1500);
    });
    const code = await new Promise<number | null>((res) => child.on('exit', res));
    // An interrupted run never exits 0 (DESIGN.md "Contracts": 130 for SIGINT).
    expect(code).toBe(130);
    const result = JSON.parse(readFileSync(join(cwd, 'int/latest/result.json'), 'utf8'));
    expect(result.interrupted).toBe(true);
    expect(result.total.count).toBeGreaterThan(0);
    expect(out).toContain('interrupted');
  }, 60_000);

  it('tune --model-only ranks grid settings for the scenario and recommends a fitted box for narrow queries', () => {
    writeFileSync(
      join(cwd, 'blob.yaml'),
      TINY.replace('dataset: { atoms: 2000', 'dataset: { atoms: 20000, distribution: { dimensions: 1998 }'),
    );
    const r = cli('tune', 'blob.yaml', '--model-only', '--out', 'tune', '--windows', '50', '--no-progress');
    expect(r.code).toBe(0);
    const m = /wrote (\S+tune\.json)/.exec(r.out);
    expect(m).not.toBeNull();
    const json = JSON.parse(readFileSync(join(cwd, m![1]!), 'utf8'));
    expect(json.schema).toBe('atombench/tune@1');
    expect(json.data.points).toBe(20000);
    // scenario windows + two what-if radii; 81 GRIDS x 5 CELLS_PER_OBJECT x 3 boxes each
    expect(json.sections).toHaveLength(3);
    expect(json.sections[0].rows).toHaveLength(81 * 5 * 3);
    const narrow = json.sections[2];
    expect(narrow.current.primaryFilterEfficiency).toBeLessThan(0.5);
    expect(narrow.recommended.box).toMatch(/^fitted/);
    expect(narrow.recommended.primaryFilterEfficiency).toBeGreaterThan(0.8);
    expect(r.out).toContain('fall into 4 level-4 cells');
  }, 60_000);

  const PG_URL = 'postgres://u@127.0.0.1:1/db';
  it('tune on sqlite says there is nothing to sweep; a bad --postgis-options is exit 2 with one line naming the flag', () => {
    writeFileSync(join(cwd, 'tiny.yaml'), TINY);
    const r = cli(
      'tune',
      'tiny.yaml',
      '--engine',
      'sqlite',
      '--out',
      'tune-sqlite',
      '--windows',
      '20',
      '--no-progress',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^note: SQLite's R\*Tree has no index options .* there is nothing to sweep/m);
    expect(r.out).toContain(
      "## SQL Server's GEOMETRY_GRID model (does not apply to sqlite; shown for planning)",
    );
    for (const [args, why] of [
      [
        ['--engine', 'postgis', '--postgis-options', 'spgist:buffering=on', '--url', PG_URL],
        /buffering: applies to GiST only/,
      ],
      [['--engine', 'postgis', '--postgis-options', 'gist:ff=5', '--url', PG_URL], /fillfactor: Too small/],
      [['--engine', 'sqlite', '--postgis-options', 'gist'], /applies to --engine postgis only/],
    ] as const) {
      const bad = cli('tune', 'tiny.yaml', ...args);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/^atombench: --postgis-options: /);
      expect(bad.err).toMatch(why);
      expect(bad.err.trim().split('\n')).toHaveLength(1);
    }
  }, 60_000);

  it('has --help on every command', () => {
    for (const c of ['run', 'seed', 'report', 'tune']) {
      const r = cli(c, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: atombench ${c}`);
    }
  });
});
