import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `atombench report capacity.json` re-renders what `capacity` wrote from the saved capacity.json alone,
 * through the one validating reader: a real SQLite capacity run (rate search, a two-size sweep and the
 * OODA side, so every section and curve is in it), its capacity.md and capacity.html deleted and
 * re-rendered byte for byte; an edited or truncated capacity.json is one line and exit 2.
 */

const BIN = resolve('bin/atombench.js');
const dir = mkdtempSync(join(tmpdir(), 'atombench-capacity-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { ...process.env, ATOMBENCH_URL: '', ...env },
    encoding: 'utf8',
    timeout: 230_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const SCENARIO = `name: rerender
dataset: { atoms: 3000, seed: 7, batchSize: 1000 }
workload: { mix: [ { op: spatial.knn, k: 5 } ] }
load: { model: open, ratePerSec: 20, maxInFlight: 16, connections: 2 }
warmupSec: 0.3
durationSec: 1
ooda: { triggerEverySec: 0.5, phaseWorkMs: 1 }
probes: { intervalMs: 250 }
targets: { latency.spatial: 'p95 < 500ms' }
capacity:
  clientBound: judge
  trials: 1
  resolution: 0.5
  maxSteps: 16
  atoms: [1000, 3000]
  ooda: { startTriggersPerSec: 4, growth: 4, maxTriggersPerSec: 64 }
report: { out: out }
`;

describe('atombench report capacity.json', () => {
  let folder: string;
  const original: Record<string, string> = {};
  beforeAll(() => {
    writeFileSync(join(dir, 'rerender.yaml'), SCENARIO);
    const r = cli(['capacity', 'rerender.yaml', '--ooda', '--no-progress'], {
      ATOMBENCH_TEST_SERVICE_TIME_MS: '20',
    });
    expect([0, 1], `${r.out}\n${r.err}`).toContain(r.code);
    folder = realpathSync(join(dir, 'out/latest'));
    for (const f of ['capacity.md', 'capacity.html']) original[f] = readFileSync(join(folder, f), 'utf8');
  }, 240_000);

  it('re-renders capacity.md and capacity.html byte for byte from the saved capacity.json', () => {
    const doc = JSON.parse(readFileSync(join(folder, 'capacity.json'), 'utf8'));
    expect(doc.search.steps.length).toBeGreaterThan(0);
    expect(doc.sweep.points).toHaveLength(2);
    expect(doc.ooda.points.length).toBeGreaterThan(0);
    for (const f of Object.keys(original)) rmSync(join(folder, f));
    const r = cli(['report', join(folder, 'capacity.json')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(`wrote ${join(folder, 'capacity.md')}\nwrote ${join(folder, 'capacity.html')}\n`);
    for (const [f, text] of Object.entries(original))
      expect(readFileSync(join(folder, f), 'utf8')).toBe(text);
    // Into another folder, in the terminal format too: the same summary the capacity command printed.
    const t = cli(['report', join(folder, 'capacity.json'), '--format', 'terminal,md', '--out', 'again']);
    expect(t.code, t.err).toBe(0);
    expect(t.out).toContain(doc.search.summary);
    expect(t.out).toContain('scale sweep:');
    expect(readFileSync(join(dir, 'again/capacity.md'), 'utf8')).toBe(original['capacity.md']);
  });

  it('exit 2 in one line: a truncated capacity.json, an edited one, an unknown format', () => {
    const text = readFileSync(join(folder, 'capacity.json'), 'utf8');
    writeFileSync(join(dir, 'cut.json'), text.slice(0, Math.floor(text.length / 3)));
    const cut = cli(['report', 'cut.json']);
    expect(cut.code).toBe(2);
    expect(cut.err).toMatch(/^atombench: cut\.json: not JSON \(.*\)\n$/);
    const doc = JSON.parse(text);
    doc.search.steps[0].checks[0].margin = '<script>alert(1)</script>';
    doc.sweep.points[1].latencyMs = null;
    writeFileSync(join(dir, 'edited.json'), JSON.stringify(doc));
    const edited = cli(['report', 'edited.json']);
    expect(edited.code).toBe(2);
    expect(edited.err.trimEnd().split('\n')).toHaveLength(1);
    expect(edited.err).toContain('edited.json: not a valid capacity.json: ');
    expect(edited.err).toContain('search.steps[0].checks[0].margin: Invalid input: expected number');
    expect(edited.err).toContain('sweep.points[1].latencyMs: Invalid input: expected record');
    const bad = cli(['report', join(folder, 'capacity.json'), '--format', 'junit']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--format: unknown format\(s\) junit; valid: json, md, html, terminal/);
  });
});
