import { describe, expect, it } from 'vitest';
import {
  applyOverrides,
  formatPath,
  parseScenarioText,
  ScenarioError,
  validateScenario,
} from '../../../src/scenario/load.ts';

const base = { workload: { mix: [{ op: 'spatial.pool' }] } };
const problemsOf = (raw: unknown) => validateScenario(raw).problems.map((p) => `${p.path}: ${p.message}`);

describe('scenario validation', () => {
  it('accepts the minimal scenario and fills every default', () => {
    const { scenario, problems } = validateScenario(base);
    expect(problems).toEqual([]);
    expect(scenario?.engine).toBe('sqlite');
    expect(scenario?.dataset.atoms).toBe(100_000);
    expect(scenario?.index.boundingBox).toEqual([-1000, -1000, 1000, 1000]);
    expect(scenario?.workload.mix[0]).toMatchObject({
      op: 'spatial.pool',
      radius: 10,
      pool: 1000,
      weight: 1,
    });
    expect(scenario?.load).toMatchObject({ model: 'closed', concurrency: 4 });
  });

  it.each([
    [
      { ...base, workload: { mix: [{ op: 'spatial.pool', radius: { min: 5, max: 1 } }] } },
      'workload.mix[0].radius.max: must be greater than min',
    ],
    [
      { ...base, workload: { mix: [{ op: 'spatial.knn' }, { op: 'spatial.knn', k: 'x' }] } },
      'workload.mix[1].k',
    ],
    [{ ...base, workload: { mix: [{ op: 'nope' }] } }, 'workload.mix[0].op'],
    [{ ...base, dataset: { atoms: 0 } }, 'dataset.atoms'],
    [{ ...base, dataset: { atomz: 5 } }, 'dataset: unknown field(s) "atomz"'],
    [
      { ...base, index: { boundingBox: [1, 0, 0, 1] } },
      'index.boundingBox[2]: xmax must be greater than xmin',
    ],
    [{ ...base, index: { grids: ['LOW', 'LOW', 'LOW', 'HUGE'] } }, 'index.grids[3]'],
    [{ ...base, index: { cellsPerObject: 9000 } }, 'index.cellsPerObject'],
    [{ ...base, load: { model: 'open', ratePerSec: -1 } }, 'load.ratePerSec'],
    [{ ...base, load: { model: 'sideways' } }, 'load.model'],
    [{ ...base, workload: { ...base.workload, timeoutMs: 0 } }, 'workload.timeoutMs: at least 1 ms'],
    [{ ...base, workload: { ...base.workload, timeoutMs: 2.5 } }, 'workload.timeoutMs: a whole number'],
    [{ ...base, workload: { ...base.workload, timeoutMs: '5s' } }, 'workload.timeoutMs'],
    [{ ...base, workload: { ...base.workload, timeoutMs: 4e6 } }, 'workload.timeoutMs: at most 3600000 ms'],
    [
      { ...base, load: { model: 'open', stages: [{ durationSec: 5 }] } },
      'load.stages[0].ratePerSec: required for an open-loop stage',
    ],
    [{ ...base, ooda: { failureRate: 2 } }, 'ooda.failureRate'],
    [{ ...base, names: { overrides: { atomTable: 'X' } } }, 'names.overrides.atomTable: unknown name'],
    [{ ...base, engine: 'oracle' }, 'engine'],
    [{ ...base, report: { formats: ['pdf'] } }, 'report.formats[0]'],
    [{}, 'workload'],
    [
      { attach: true, workload: { mix: [{ op: 'spatial.knn' }, { op: 'ingest' }] } },
      'workload.mix[1].op: ingest writes atoms',
    ],
  ])('reports %# with its path', (raw, expected) => {
    const problems = problemsOf(raw);
    expect(problems.some((p) => p.startsWith(expected))).toBe(true);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      ...base,
      dataset: { atoms: -1, seed: 'x' },
      durationSec: 0,
      warmupSec: -3,
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['dataset.atoms', 'dataset.seed', 'durationSec', 'warmupSec']),
    );
  });

  it('names YAML syntax errors with their line', () => {
    expect(() => parseScenarioText('a: [1, 2\nb: 3', 'x.yaml')).toThrow(ScenarioError);
    try {
      parseScenarioText('name: ok\nlist: [1, 2\n', 'x.yaml');
    } catch (e) {
      expect((e as ScenarioError).problems[0]?.path).toMatch(/^line \d+/);
    }
  });

  it('applies dotted overrides without touching the input', () => {
    const raw = { dataset: { atoms: 5 } };
    const out = applyOverrides(raw, { 'dataset.atoms': 10, 'load.ratePerSec': 3, engine: undefined });
    expect(out).toEqual({ dataset: { atoms: 10 }, load: { ratePerSec: 3 } });
    expect(raw.dataset.atoms).toBe(5);
  });

  it('formats paths like the docs', () => {
    expect(formatPath(['workload', 'mix', 1, 'radius', 'max'])).toBe('workload.mix[1].radius.max');
  });
});
