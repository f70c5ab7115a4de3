import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildProgram } from '../../../src/cli/main.ts';
import { resolveConfig } from '../../../src/cli/options.ts';
import { useColor } from '../../../src/cli/progress.ts';
import { UserError } from '../../../src/errors.ts';
import { escapeControls, readResult } from '../../../src/report/read.ts';
import { formatNames, reporterFor } from '../../../src/report/registry.ts';
import { parseScenarioText } from '../../../src/scenario/load.ts';

/**
 * Issue 13's hostile inputs, in process: every one is a UserError (exit 2) naming the field, never
 * another error (exit 3 or a crash). Property tests feed random mutations of a valid scenario and of the
 * committed result.json fixture.
 */
const dir = mkdtempSync(join(tmpdir(), 'atombench-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VALID = {
  name: 'hostile',
  dataset: { atoms: 1000, seed: 1 },
  workload: { mix: [{ op: 'spatial.knn', weight: 1, k: 5 }] },
  load: { model: 'closed', concurrency: 1 },
  durationSec: 2,
  targets: { 'latency.spatial.knn': 'p95 < 1s' },
};

let n = 0;
async function problemsOf(doc: unknown, flags = {}): Promise<string | undefined> {
  const file = join(dir, `s${n++}.yaml`);
  writeFileSync(file, typeof doc === 'string' ? doc : stringify(doc));
  try {
    await resolveConfig(file, flags);
    return undefined;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return e.message;
  }
}

describe('hostile scenarios', () => {
  it('a YAML alias bomb is a scenario problem, not an unexpected failure', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [k, p] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
    ])
      bomb.push(`${k}: &${k} [${Array(9).fill(`*${p}`).join(',')}]`);
    expect(() => parseScenarioText(bomb.join('\n'), 'bomb.yaml')).toThrow(
      /bomb\.yaml: \(document\): Excessive alias count .* \(YAML aliases are limited\)/,
    );
  });

  it('huge durations and rates are refused naming the field, before anything is built', async () => {
    expect(await problemsOf({ ...VALID, durationSec: 1e308 })).toContain(
      'durationSec: at most 604800 s (7 days)',
    );
    expect(await problemsOf(VALID, { duration: '99999999999999999999s' })).toContain(
      '--duration (durationSec): at most 604800 s (7 days)',
    );
    expect(await problemsOf({ ...VALID, load: { model: 'open', ratePerSec: 1e12 } })).toContain(
      'load.ratePerSec: at most 1000000 per second',
    );
    expect(await problemsOf({ ...VALID, warmupSec: Number.MAX_VALUE })).toContain('warmupSec: at most');
  });

  it('NUL and control characters in paths and names are refused up front', async () => {
    expect(await problemsOf({ ...VALID, report: { out: 'a\u0000b' } })).toContain(
      'report.out: must not contain NUL or other control characters',
    );
    expect(await problemsOf({ ...VALID, name: 'evil\u001b[31m' })).toContain(
      'name: must not contain NUL or other control characters',
    );
  });

  it('schema and target problems are reported together', async () => {
    const m = await problemsOf({
      ...VALID,
      durationSec: -1,
      targets: { 'latency.spatial.knn': 'p95 <<< x', bogus: 'p95 < 1s' },
    });
    expect(m).toContain('durationSec: Too small');
    expect(m).toContain('targets.latency.spatial.knn: expected a number');
    expect(m).toContain('targets.bogus: unknown metric "bogus"');
  });

  it('property: a random mutation of a valid scenario is accepted or a UserError, never another error', async () => {
    const leaf = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.double(),
      fc.integer(),
      fc.string(),
      fc.constant(1e308),
      fc.constant(-1),
      fc.constant('\u0000'),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
    );
    const paths = [
      ['name'],
      ['durationSec'],
      ['warmupSec'],
      ['dataset'],
      ['dataset', 'atoms'],
      ['dataset', 'seed'],
      ['workload', 'mix'],
      ['load'],
      ['load', 'model'],
      ['load', 'concurrency'],
      ['targets'],
      ['targets', 'latency.spatial.knn'],
      ['report', 'out'],
      ['report', 'formats'],
      ['names'],
      ['index'],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), leaf, async (path, value) => {
        const doc = structuredClone(VALID) as Record<string, unknown>;
        let node = doc;
        for (const p of path.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
        node[path[path.length - 1]!] = value;
        await problemsOf(doc); // throws (failing the property) on anything but a UserError
      }),
      { numRuns: 150, seed: 13 },
    );
  });
});

const FIXTURE = 'test/fixtures/golden/result.json';

describe('hostile result.json files', () => {
  const renderAll = async (file: string): Promise<'ok' | 'refused'> => {
    let doc;
    try {
      doc = await readResult(file);
    } catch (e) {
      if (e instanceof UserError) return 'refused';
      throw e;
    }
    for (const f of formatNames('run')) reporterFor('run', f).render(doc, { color: true });
    return 'ok';
  };

  it('an edited field is exit 2 naming it; control characters never reach a renderer raw', async () => {
    const base = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...base, operations: 'x' }));
    await expect(readResult(file)).rejects.toThrow(
      /not a valid result\.json: operations: Invalid input: expected array/,
    );
    const evil = structuredClone(base);
    evil.scenario.name = 'evil\u001b[2J\u0007';
    writeFileSync(file, JSON.stringify(evil));
    const doc = await readResult(file);
    for (const f of formatNames('run')) {
      const out = reporterFor('run', f).render(doc, { color: false });
      expect(String(out)).not.toContain('\u001b[2J');
      expect(String(out)).not.toContain('\u0007');
    }
    expect(escapeControls({ 'k\u001b': ['a\rb', 'tab\tnew\nline'] })).toEqual({
      'k\\u001b': ['a\\u000db', 'tab\tnew\nline'],
    });
  });

  it('property: a random mutation of result.json renders or is refused (UserError), never another error', async () => {
    const base = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    const paths: string[][] = [
      ['operations'],
      ['operations', '0', 'latencyMs', 'p50'],
      ['operations', '0', 'count'],
      ['operations', '0', 'histogram'],
      ['total'],
      ['targets'],
      ['targets', '0', 'observed'],
      ['timeseries'],
      ['timeseries', '0', 'p95Ms'],
      ['dataset'],
      ['dataset', 'atoms'],
      ['engine', 'settings'],
      ['verdict'],
      ['probes'],
      ['ooda'],
      ['client'],
      ['load', 'durationSec'],
      ['scenario', 'name'],
    ];
    const leaf = fc.oneof(
      fc.constant(null),
      fc.constant('fast'),
      fc.string(),
      fc.double(),
      fc.integer(),
      fc.constant([]),
      fc.constant({}),
      fc.constant(-1),
    );
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), leaf, async (path, value) => {
        const doc = structuredClone(base) as Record<string, unknown>;
        let node: Record<string, unknown> = doc;
        for (const p of path.slice(0, -1)) {
          if (!node[p] || typeof node[p] !== 'object') return;
          node = node[p] as Record<string, unknown>;
        }
        node[path[path.length - 1]!] = value;
        const file = join(dir, `r${k++}.json`);
        writeFileSync(file, JSON.stringify(doc));
        expect(['ok', 'refused']).toContain(await renderAll(file));
      }),
      { numRuns: 120, seed: 13 },
    );
  });
});

describe('--help lists only the flags a command honours', () => {
  const longs = async (name: string) =>
    (await buildProgram(() => {})).commands.find((c) => c.name() === name)!.options.map((o) => o.long);
  it('seed takes no load or report flags, tune no load flags or --format, check only engine/url/json', async () => {
    for (const f of ['--duration', '--warmup', '--rate', '--concurrency', '--out', '--format'])
      expect(await longs('seed')).not.toContain(f);
    expect(await longs('seed')).toEqual(
      expect.arrayContaining(['--atoms', '--reseed', '--force', '--verify', '--drop-foreign-rows']),
    );
    for (const f of ['--duration', '--warmup', '--rate', '--concurrency', '--format'])
      expect(await longs('tune')).not.toContain(f);
    expect(await longs('tune')).toContain('--out');
    expect(await longs('check')).toEqual(['--engine', '--url', '--json']);
    expect(await longs('run')).toEqual(
      expect.arrayContaining(['--duration', '--rate', '--format', '--verify']),
    );
    const top = (await buildProgram(() => {})).commands.find((c) => c.name() === 'tune')!.helpInformation();
    expect(top.match(/default 15/g)).toHaveLength(1);
    expect(top).not.toContain('(default: "15")');
  });
});

describe('colour', () => {
  it('NO_COLOR turns colour off, FORCE_COLOR on, otherwise a terminal decides', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '0', NO_COLOR: '1' })).toBe(false);
  });
});
