import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundled } from '../../src/bundle.mjs';
import {
  cacheLocations,
  isPrivate,
  markUsed,
  openLocation,
  pruneCache,
  UNUSED_MS,
} from '../../src/bundle-cache.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'atombench-bundle-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HOUR = 3_600_000;
const hex = (c: string): string => c.repeat(16);
let n = 0;
/** A fresh folder under the test's temp dir. */
const fresh = (label: string): string => {
  const d = join(tmp, `${label}-${n++}`);
  mkdirSync(d, { recursive: true, mode: 0o700 });
  return d;
};
/** A folder or file whose mtime is `ageMs` ago. */
function aged(path: string, ageMs: number, file?: string): string {
  if (file === undefined) mkdirSync(path, { recursive: true });
  else writeFileSync(path, file);
  const t = new Date(Date.now() - ageMs);
  utimesSync(path, t, t);
  return path;
}

describe('pruneCache: what goes and what stays', () => {
  it('removes unused unnamed bundles and dead leftovers; keeps named, recent, in-use and foreign entries', () => {
    const dir = fresh('prune');
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, '');
    const manifest = (file: string, m: object, ageMs: number): string =>
      aged(join(dir, file), ageMs, JSON.stringify(m));
    // Named by the manifest of a checkout that exists: current for it, however long unused.
    aged(join(dir, `cli-${hex('a')}-x1`), 3 * UNUSED_MS);
    manifest('cli-1111111111111111.json', { entry: pathToFileURL(entry).href, dir: `cli-${hex('a')}-x1` }, 0);
    // Named by a manifest of before manifests named their entry: kept too.
    aged(join(dir, `cli-${hex('e')}`), 3 * UNUSED_MS);
    manifest('sqlite-worker-2222222222222222.json', { dir: `cli-${hex('e')}` }, 3 * UNUSED_MS);
    // A checkout that is gone: its old manifest and its folder go.
    aged(join(dir, `cli-${hex('f')}-x6`), 2 * UNUSED_MS);
    manifest(
      'cli-3333333333333333.json',
      { entry: pathToFileURL(join(dir, 'gone.ts')).href, dir: `cli-${hex('f')}-x6` },
      2 * UNUSED_MS,
    );
    aged(join(dir, `cli-${hex('b')}-x2`), UNUSED_MS + HOUR); // unused for a day: goes
    aged(join(dir, `cli-${hex('c')}-x3`), UNUSED_MS - HOUR); // used within the day: stays
    const inUse = aged(join(dir, `cli-${hex('d')}-x4`), 3 * UNUSED_MS); // this process loads from it
    aged(join(dir, '.build-1-dead'), 2 * HOUR); // a build that died
    aged(join(dir, '.build-2-running'), 0); // a build in progress, about to be renamed into place
    aged(join(dir, '.trash-3-left'), 3 * UNUSED_MS); // a pruner that died
    aged(join(dir, 'cli-4444444444444444.json.77.tmp'), 2 * HOUR, '{');
    aged(join(dir, 'node_modules'), 3 * UNUSED_MS); // not a bundle: never touched
    aged(join(dir, 'notes.txt'), 3 * UNUSED_MS, 'mine');

    const removed = pruneCache(dir, { keep: new Set([inUse]) });

    expect(removed.sort()).toEqual(
      [
        '.build-1-dead',
        '.trash-3-left',
        'cli-3333333333333333.json',
        'cli-4444444444444444.json.77.tmp',
        `cli-${hex('b')}-x2`,
        `cli-${hex('f')}-x6`,
      ].sort(),
    );
    expect(readdirSync(dir).sort()).toEqual(
      [
        '.build-2-running',
        'cli-1111111111111111.json',
        'entry.ts',
        'node_modules',
        'notes.txt',
        'sqlite-worker-2222222222222222.json',
        `cli-${hex('a')}-x1`,
        `cli-${hex('c')}-x3`,
        `cli-${hex('d')}-x4`,
        `cli-${hex('e')}`,
      ].sort(),
    );
  });

  it('a folder another process marked used is kept, one it stopped marking goes', () => {
    const dir = fresh('mark');
    const used = aged(join(dir, `cli-${hex('a')}-u1`), 3 * UNUSED_MS);
    const left = aged(join(dir, `cli-${hex('b')}-u2`), 3 * UNUSED_MS);
    markUsed(used); // what a long run's process does every REFRESH_MS
    expect(pruneCache(dir, { keep: new Set() })).toEqual([`cli-${hex('b')}-u2`]);
    expect(existsSync(used)).toBe(true);
    expect(existsSync(left)).toBe(false);
    expect(() => markUsed(left)).toThrow(/ENOENT/);
  });
});

describe('per-user cache folders', () => {
  it('only a real 0700 directory of this user is private', () => {
    const own = fresh('own');
    expect(isPrivate(own)).toBe(true);
    chmodSync(own, 0o755);
    expect(isPrivate(own)).toBe(false);
    const link = join(tmp, `link-${n++}`);
    symlinkSync(fresh('target'), link);
    expect(isPrivate(link)).toBe(false);
    expect(isPrivate(join(tmp, 'missing'))).toBe(false);
  });

  it.skipIf(process.getuid?.() !== 0)(
    'a folder another user made first is refused (needs root to make one)',
    () => {
      const planted = fresh('planted');
      chownSync(planted, 65534, 65534);
      expect(isPrivate(planted)).toBe(false);
      expect(openLocation({ dir: join(planted, 'checkout'), owned: planted }, true)).toBeUndefined();
      expect(existsSync(join(planted, 'checkout'))).toBe(false);
    },
  );

  it('the places: node_modules first, then XDG_CACHE_HOME (or ~/.cache), then tmp, per checkout', () => {
    const checkout = createHash('sha256').update(ROOT).digest('hex').slice(0, 16);
    const uid = process.getuid?.();
    const t = join(tmpdir(), `atombench-${uid}`);
    expect(cacheLocations({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toEqual([
      { dir: join(ROOT, 'node_modules/.cache/atombench') },
      { dir: `/x/cache/atombench/${checkout}`, owned: '/x/cache/atombench' },
      { dir: join(t, checkout), owned: t },
    ]);
    expect(cacheLocations({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' })[1]).toEqual({
      dir: `/home/u/.cache/atombench/${checkout}`,
      owned: '/home/u/.cache/atombench',
    });
  });
});

/** An entry that imports a package by bare name: a bundle outside node_modules must still find it. */
function sources(dir: string, value: string): URL {
  writeFileSync(join(dir, 'lazy.ts'), `export const value: string = ${JSON.stringify(value)};\n`);
  writeFileSync(
    join(dir, 'entry.ts'),
    "import { z } from 'zod';\n" +
      'export const parsed: number = z.number().parse(7);\n' +
      "export const lazy = async (): Promise<string> => (await import('./lazy.ts')).value;\n",
  );
  return pathToFileURL(join(dir, 'entry.ts'));
}

describe('bundled() where node_modules cannot be written', () => {
  it('builds in the per-user folder (0700, packages linked), reuses it, and prunes what it replaced', async () => {
    const src = fresh('src');
    const blocked = join(fresh('ro'), 'file');
    writeFileSync(blocked, ''); // a folder cannot be made under a file, root or not
    const owned = join(fresh('home'), 'atombench');
    const places = [{ dir: join(blocked, 'cache') }, { dir: join(owned, 'checkout'), owned }];
    const entry = sources(src, 'first');

    const a = await bundled(entry, { name: 'test-entry', format: 'esm' }, places);
    expect(fileURLToPath(a).startsWith(join(owned, 'checkout') + '/')).toBe(true);
    expect(statSync(owned).mode & 0o777).toBe(0o700);
    expect(statSync(join(owned, 'checkout')).mode & 0o777).toBe(0o700);
    const m = (await import(a.href)) as { parsed: number; lazy: () => Promise<string> };
    expect(m.parsed).toBe(7);
    expect(await m.lazy()).toBe('first');

    // Reused while unchanged, and marked used when reused.
    const folder = join(fileURLToPath(a), '..');
    const old = new Date(Date.now() - 2 * UNUSED_MS);
    utimesSync(folder, old, old);
    expect((await bundled(entry, { name: 'test-entry', format: 'esm' }, places)).href).toBe(a.href);
    expect(statSync(folder).mtimeMs).toBeGreaterThan(Date.now() - HOUR);

    // Edited: the new build's pruning removes the old folder once nobody used it for a day.
    const inThisProcess = readdirSync(join(owned, 'checkout')).filter(
      (f) => f.startsWith('test-entry-') && !f.endsWith('.json'),
    );
    expect(inThisProcess).toHaveLength(1);
    utimesSync(folder, old, old);
    sources(src, 'second');
    const b = await bundled(entry, { name: 'test-entry', format: 'esm' }, places);
    expect(b.href).not.toBe(a.href);
    expect(await ((await import(b.href)) as { lazy: () => Promise<string> }).lazy()).toBe('second');
    // This process still holds the first folder (it loaded from it), so its own pruning keeps it;
    // another process's removes it.
    expect(existsSync(folder)).toBe(true);
    expect(pruneCache(join(owned, 'checkout'), { keep: new Set() })).toEqual([
      fileURLToPath(a).split('/').at(-2),
    ]);
    expect(existsSync(fileURLToPath(b))).toBe(true);
  });

  it('refuses a per-user folder open to others, and then there is no bundle (the caller uses tsx)', async () => {
    const src = fresh('src');
    const owned = join(fresh('home'), 'atombench');
    mkdirSync(owned, { mode: 0o777 });
    chmodSync(owned, 0o777);
    await expect(
      bundled(sources(src, 'x'), { name: 'test-entry', format: 'esm' }, [{ dir: join(owned, 'c'), owned }]),
    ).rejects.toThrow(/cannot write the bundle/);
    expect(readdirSync(owned)).toEqual([]);
  });
});

describe('the command with a node_modules it cannot write', () => {
  const uid = process.getuid?.();
  it.skipIf(uid !== 0)('runs from a bundle in its user’s cache (as nobody, needs root to switch)', () => {
    chmodSync(tmp, 0o755); // nobody must reach the copy and its home below it
    // A checkout of its own (the command's sources, node_modules linked): none of its bundles exist yet.
    const copy = fresh('checkout');
    for (const f of ['bin', 'src', 'package.json']) cpSync(join(ROOT, f), join(copy, f), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    chmodSync(copy, 0o755);
    const home = fresh('nobody-home');
    chownSync(home, 65534, 65534);
    const out = execFileSync(
      'setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        join(copy, 'bin/atombench.js'),
        '--version',
      ],
      { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: home } },
    );
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const checkout = createHash('sha256').update(`${copy}/`).digest('hex').slice(0, 16);
    const cache = join(home, '.cache/atombench', checkout);
    expect(readdirSync(cache).filter((f) => /^cli-[0-9a-f]{16}\.json$/.test(f))).toHaveLength(1);
    expect(readdirSync(cache).filter((f) => /^cli-[0-9a-f]{16}-[0-9a-f]+$/.test(f))).toHaveLength(1);
    expect(statSync(join(home, '.cache/atombench')).uid).toBe(65534);
    expect(statSync(join(home, '.cache/atombench')).mode & 0o777).toBe(0o700);
  });
});
