import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundled } from '../../src/bundle.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'atombench-bundle-'));
const CACHE = join(ROOT, 'node_modules', '.cache', 'atombench');
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const f of readdirSync(CACHE))
    if (f.startsWith('test-entry-')) rmSync(join(CACHE, f), { recursive: true, force: true });
});

/** A two-module TypeScript entry with a lazy import, written fresh so each test owns its sources. */
function sources(value: string): URL {
  writeFileSync(join(dir, 'lazy.ts'), `export const value: string = ${JSON.stringify(value)};\n`);
  writeFileSync(
    join(dir, 'entry.ts'),
    'export const where: string = import.meta.url;\n' +
      "export const lazy = async (): Promise<string> => (await import('./lazy.ts')).value;\n",
  );
  return pathToFileURL(join(dir, 'entry.ts'));
}

/** The manifest's id: bundle.mjs's hash of the entry's URL and the format. */
const manifestId = (entry: string): string =>
  createHash('sha256').update(entry).update('\0').update('esm').update('\0').digest('hex').slice(0, 16);

describe('bundle: the cached plain-JS build of a TypeScript entry', () => {
  it('builds once, reuses the build while the sources are unchanged, rebuilds when one changes', async () => {
    const entry = sources('first');
    const a = await bundled(entry, { name: 'test-entry', format: 'esm' });
    expect(fileURLToPath(a)).toContain(CACHE);
    const m = (await import(a.href)) as { where: string; lazy: () => Promise<string> };
    // import.meta.url stays the source file's own URL, and the dynamic import loads its own chunk.
    expect(m.where).toBe(entry.href);
    expect(await m.lazy()).toBe('first');
    expect(readdirSync(join(fileURLToPath(a), '..')).length).toBe(2);
    expect((await bundled(entry, { name: 'test-entry', format: 'esm' })).href).toBe(a.href);

    sources('second');
    const b = await bundled(entry, { name: 'test-entry', format: 'esm' });
    expect(b.href).not.toBe(a.href);
    expect(await ((await import(b.href)) as { lazy: () => Promise<string> }).lazy()).toBe('second');
  });

  it('trusts unchanged stats only for inputs older than the build, and still sees a same-size edit', async () => {
    const entry = sources('third');
    const manifest = () =>
      JSON.parse(readFileSync(join(CACHE, `test-entry-${manifestId(entry.href)}.json`), 'utf8')) as {
        dir: string;
        inputs: string[];
        stats?: string[];
      };
    // Written just now (git's racy case): no stats are kept, the next process hashes the contents.
    const a = await bundled(entry, { name: 'test-entry', format: 'esm' });
    expect(manifest().stats).toBeUndefined();
    await new Promise((r) => setTimeout(r, 2100));
    // Old enough now: the hash matches, and the stats are stored for the processes after it.
    expect((await bundled(entry, { name: 'test-entry', format: 'esm' })).href).toBe(a.href);
    const m = manifest();
    expect(m.stats).toHaveLength(m.inputs.length);
    expect(m.stats![m.inputs.indexOf(join(dir, 'lazy.ts'))]).toBe(
      `${statSync(join(dir, 'lazy.ts')).size}:${statSync(join(dir, 'lazy.ts'), { bigint: true }).mtimeNs}:` +
        `${statSync(join(dir, 'lazy.ts'), { bigint: true }).ctimeNs}:${statSync(join(dir, 'lazy.ts')).ino}`,
    );
    expect((await bundled(entry, { name: 'test-entry', format: 'esm' })).href).toBe(a.href);
    // The same size, another text: the stat differs (ctime at least), the contents are hashed, rebuilt.
    sources('thirb');
    const b = await bundled(entry, { name: 'test-entry', format: 'esm' });
    expect(b.href).not.toBe(a.href);
    expect(await ((await import(b.href)) as { lazy: () => Promise<string> }).lazy()).toBe('thirb');
  });

  it('the command runs from its bundle', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string })
      .version;
    expect(
      execFileSync(process.execPath, [join(ROOT, 'bin/atombench.js'), '--version'], {
        encoding: 'utf8',
      }).trim(),
    ).toBe(version);
    // This checkout's manifest (other checkouts may share node_modules, and so the cache).
    const entry = pathToFileURL(join(ROOT, 'src/cli/main.ts')).href;
    const m = JSON.parse(readFileSync(join(CACHE, `cli-${manifestId(entry)}.json`), 'utf8')) as {
      dir: string;
      main: string;
      inputs: string[];
    };
    expect(m.main).toBe('main.mjs');
    expect(m.inputs).toContain(join(ROOT, 'src/cli/main.ts'));
    expect(readdirSync(join(CACHE, m.dir))).toContain('main.mjs');
    // Every module's import.meta.url is its source's, bundle.mjs's too (in the SQLite engine's chunk:
    // it builds the worker's bundle, and finds the checkout and the cache from its own URL).
    const chunks = readdirSync(join(CACHE, m.dir)).map((f) => readFileSync(join(CACHE, m.dir, f), 'utf8'));
    expect(chunks.filter((text) => /\bimport\.meta\.url\b/.test(text))).toEqual([]);
    expect(
      chunks.some((text) => text.includes(JSON.stringify(pathToFileURL(join(ROOT, 'src/bundle.mjs')).href))),
    ).toBe(true);
  });
});
