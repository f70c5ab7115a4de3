import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flagOverrides, parseDurationSec, resolveConfig } from '../../../src/cli/options.ts';
import { ScenarioError } from '../../../src/scenario/load.ts';

describe('CLI flags', () => {
  it.each([
    ['20s', 20],
    ['1500ms', 1.5],
    ['2m', 120],
    ['1h', 3600],
    ['7', 7],
  ])('parses duration %s', (text, sec) => expect(parseDurationSec('--duration', text)).toBe(sec));

  it('rejects a malformed duration naming the flag', () => {
    expect(() => parseDurationSec('--duration', 'soon')).toThrow(/--duration/);
  });

  it('maps flags to scenario paths and collects every bad flag', () => {
    const ok = flagOverrides({ atoms: '1000', duration: '5s', engine: 'sqlite', format: 'md, junit' });
    expect(ok.overrides).toEqual({
      'dataset.atoms': 1000,
      durationSec: 5,
      engine: 'sqlite',
      'report.formats': ['md', 'junit'],
    });
    const bad = flagOverrides({ atoms: 'many', rate: '-5', seed: '1.5' });
    expect(bad.problems.map((p) => p.path).sort()).toEqual(['--atoms', '--rate', '--seed']);
  });

  it('validates scenario and flags together, naming flags in scenario errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atombench-cli-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, 'workload:\n  mix:\n    - op: spatial.pool\n      radius: { min: 3, max: 1 }\n');
    const err = await resolveConfig(file, { engine: 'oracle', atoms: 'x', rate: '10' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ScenarioError);
    const paths = (err as ScenarioError).problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['--atoms', '--rate', '--engine (engine)', 'workload.mix[0].radius.max']),
    );
  });

  it('resolves the runbook targets plus the scenario overrides', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atombench-cli-'));
    const file = join(dir, 's.yaml');
    writeFileSync(
      file,
      'workload:\n  mix: [{ op: spatial.knn }]\ntargets:\n  cacheHitRatio: null\n  latency.spatial.knn: p95 < 5ms\n',
    );
    const cfg = await resolveConfig(file, { url: 'postgres://u:secret@h/db' });
    const metrics = cfg.targets.map((t) => t.metric);
    expect(metrics).toContain('latency.spatial.knn');
    expect(metrics).toContain('seekRatio');
    expect(metrics).not.toContain('cacheHitRatio');
    expect(cfg.url).toBe('postgres://u:secret@h/db');
  });
});
