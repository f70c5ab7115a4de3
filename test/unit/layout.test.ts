import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The floor plan (README "Layout and extending"): each folder of src/ imports only folders listed after
 * it here; model/ imports nothing of the project; the root files (ROOT_FILES) sit under everything but
 * model, each above the ones after it.
 */
const FLOORS = [
  'cli',
  'run',
  'capacity',
  'report',
  'compare',
  'tune',
  'ooda',
  'probes',
  'load',
  'workload',
  'engines',
  'targets',
  'metrics',
  'scenario',
  'dataset',
  'model',
];
const ROOT_FILES = ['errors.ts', 'redact.ts', 'bundle.mjs', 'bundle-cache.mjs'];
const MAX_FILES_PER_FOLDER = 15;

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.(ts|mjs)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** "report/run/markdown.ts -> cli/main.ts" for every relative import that goes up or sideways. */
export function layerViolations(src: string): string[] {
  const floor = (rel: string): string => rel.split('/')[0]!;
  const rank = (rel: string): number => {
    const f = floor(rel);
    // A root file sits above model/ and below every folder; among them, in ROOT_FILES' order.
    const i = ROOT_FILES.indexOf(f);
    return i >= 0 ? FLOORS.indexOf('model') - 0.5 + i / 100 : FLOORS.indexOf(f);
  };
  const bad: string[] = [];
  for (const file of sourceFiles(src)) {
    const from = relative(src, file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
      const to = relative(src, resolve(dirname(file), m[1]!));
      if (to.startsWith('..') || floor(to) === floor(from)) continue;
      if (rank(from) === -1 || rank(to) === -1 || rank(to) <= rank(from)) bad.push(`${from} -> ${to}`);
    }
  }
  return bad;
}

function crowdedFolders(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).length;
  return [
    ...(files > MAX_FILES_PER_FOLDER ? [`${relative(SRC, dir)} holds ${files} files`] : []),
    ...entries.filter((e) => e.isDirectory()).flatMap((e) => crowdedFolders(join(dir, e.name))),
  ];
}

describe('the floor plan', () => {
  it('every import of src/ goes down the floors (no circle, nothing imports upward)', () => {
    expect(layerViolations(SRC)).toEqual([]);
  });

  it('names an upward import and a sideways one between floors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atombench-layout-'));
    try {
      for (const d of ['model', 'metrics', 'report']) mkdirSync(join(dir, d));
      writeFileSync(join(dir, 'model/a.ts'), "import { b } from '../metrics/b.ts';\n");
      writeFileSync(join(dir, 'metrics/b.ts'), "export { c } from '../report/c.ts';\n");
      writeFileSync(join(dir, 'report/c.ts'), "import { b } from '../metrics/b.ts';\n");
      expect(layerViolations(dir).sort()).toEqual([
        'metrics/b.ts -> report/c.ts',
        'model/a.ts -> metrics/b.ts',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('knows every top-level folder of src/', () => {
    const tops = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(tops.filter((t) => !FLOORS.includes(t))).toEqual([]);
  });

  it(`no folder holds more than ${MAX_FILES_PER_FOLDER} files directly`, () => {
    expect(crowdedFolders(SRC)).toEqual([]);
  });

  it('the CLI names no engine outside option parsing and help', () => {
    const named = sourceFiles(join(SRC, 'cli')).flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${relative(SRC, f)}:${i + 1}` }))
        .filter(({ line }) => /from\s+['"][^'"]*engines\/(sqlite|postgis|mssql|neo4j)\//.test(line))
        .map(({ at }) => at),
    );
    expect(named).toEqual([]);
  });
});

describe('re-exports', () => {
  /** Names `export { a, type B } from '...'` passes on from another module. */
  const reExported = (text: string): string[] =>
    [...text.matchAll(/^export\s+(?:type\s*)?\{([^}]*)\}\s*from\s*['"][^'"]+['"]/gm)].flatMap((m) =>
      m[1]!.split(',').map((n) => n.trim().replace(/^type\s+/, '')),
    );

  it('scenario/schema.ts passes on only names some file still imports from it', () => {
    const schema = join(SRC, 'scenario/schema.ts');
    const importers = [...sourceFiles(SRC), ...sourceFiles(join(SRC, '../test'))]
      .filter((f) => f !== schema)
      .map((f) => readFileSync(f, 'utf8'));
    const unused = reExported(readFileSync(schema, 'utf8')).filter(
      (name) =>
        !importers.some((text) =>
          [
            ...text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"][^'"]*scenario\/schema\.ts['"]/g),
          ].some((m) => m[1]!.split(',').some((n) => n.trim().replace(/^type\s+/, '') === name)),
        ),
    );
    expect(unused).toEqual([]);
  });
});
