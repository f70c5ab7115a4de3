// One plain-JavaScript build of a TypeScript entry and the project modules it imports, made with
// esbuild on first use and cached (bundle-cache.mjs: node_modules/.cache/atombench/, else a per-user
// cache), keyed by a hash of every input's path and contents, esbuild's and Node's versions: a changed
// source is rebuilt, nobody runs a build step. Plain JavaScript because bin/atombench.js calls it
// before any TypeScript loader exists.
//
// Why: loading the sources through tsx costs every process a hooks thread (on Node 20 module.register
// starts a second V8 isolate with tsx and esbuild) and a transform per file; a worker thread through
// tsx's hooks held ~16 MB against ~9 MB bundled (README "Performance as users meet it").
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cacheLocations, openLocation, pruneCache, randomSuffix, useFolder } from './bundle-cache.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** esbuild's outdir: nothing is written there (write: false), outputs are placed relative to it. */
const OUT = join(ROOT, '.bundle-out');

const sha = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
};

/**
 * What each input's stat says about its contents without reading it, as git's index does (size,
 * mtime, ctime, inode; ctime cannot be set back by hand): a manifest keeps them, and a process whose
 * inputs all stat the same skips reading and hashing ~300 files. Undefined when one input was written
 * less than RACY_NS before `sinceNs` (git's racy case: a write in the same clock tick as the stat, or
 * while the build read it, would look unchanged): the next process hashes, and stores them then.
 */
const RACY_NS = 2_000_000_000n;
function statsOf(inputs, sinceNs) {
  const stats = [];
  for (const f of inputs) {
    const s = statSync(f, { bigint: true });
    if (s.mtimeNs > sinceNs - RACY_NS || s.ctimeNs > sinceNs - RACY_NS) return undefined;
    stats.push(`${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`);
  }
  return stats;
}
const wallNs = () => BigInt(Date.now()) * 1_000_000n;

function sameStats(inputs, stats) {
  if (!Array.isArray(stats) || stats.length !== inputs.length) return false;
  for (let i = 0; i < inputs.length; i++) {
    const s = statSync(inputs[i], { bigint: true });
    if (stats[i] !== `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`) return false;
  }
  return true;
}

/**
 * esbuild's version from its package.json: importing esbuild costs 20-60 ms, and a cache hit needs only
 * this. Resolved with require's algorithm (import.meta.resolve is flagged before Node 20.6); where that
 * fails, from esbuild itself.
 */
async function esbuildVersion() {
  try {
    const file = createRequire(fileURLToPath(import.meta.url)).resolve('esbuild/package.json');
    const v = JSON.parse(readFileSync(file, 'utf8')).version;
    if (typeof v === 'string') return v;
  } catch {
    // Not resolvable as a file: ask the package.
  }
  return (await import('esbuild')).version;
}

/** `read`: the bytes a build was given, by path (a file saved during the build must not key it). */
async function keyOf(entry, inputs, esbuildVersion, format, read = new Map()) {
  const contents = await Promise.all(inputs.map((f) => read.get(f) ?? readFile(f)));
  return sha(esbuildVersion, process.version, format, entry, ...inputs.flatMap((f, i) => [f, contents[i]]));
}

/**
 * Each module's `import.meta.url` stays its own source file's URL inside the bundle (the sources find
 * seed/, assets and package.json from it; CommonJS output has no import.meta at all). The .mjs files
 * too: this module is in the CLI's bundle (the SQLite engine builds its worker's bundle with it) and
 * finds the checkout from its own URL. A regular expression, so that this file's own text is not
 * rewritten when it is bundled.
 */
const META_URL = /\bimport\.meta\.url\b/g;
/** Keeps in `read` the bytes of each module it hands esbuild: the build's key is made from them. */
const metaUrlPlugin = (read) => ({
  name: 'atombench-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mjs)$/ }, async ({ path }) => {
      const bytes = await readFile(path);
      read.set(path, bytes);
      return {
        loader: path.endsWith('.ts') ? 'ts' : 'js',
        contents: bytes.toString('utf8').replace(META_URL, JSON.stringify(pathToFileURL(path).href)),
      };
    });
  },
});

/**
 * The bundle of `entry` (a file URL of a .ts module), built when missing or stale. `cjs` gives one
 * file; `esm` splits at each dynamic import (a lazily imported module and the packages it imports load
 * only when it is imported, as from the sources). Resolves to the file URL to load; rejects when
 * esbuild is missing, the build fails, or no cache location can be written (the caller falls back to
 * tsx). `locations`: where to look and write, in order (tests pass their own).
 */
export async function bundled(entry, { name, format }, locations = cacheLocations()) {
  const manifestName = `${name}-${sha(entry.href, format).slice(0, 16)}.json`;
  const version = await esbuildVersion();
  for (const location of locations) {
    const dir = openLocation(location, false);
    const hit = dir && (await cached(dir, manifestName, entry, version, format));
    if (hit) return hit;
  }
  const built = await build(await import('esbuild'), entry, format);
  for (const location of locations) {
    const dir = openLocation(location, true);
    const url = dir && write(dir, manifestName, name, entry, built);
    if (!url) continue;
    try {
      pruneCache(dir);
    } catch {
      // Pruning is housekeeping: it never fails a command.
    }
    return url;
  }
  throw new Error(`cannot write the bundle in ${locations.map((l) => l.dir).join(', ')}`);
}

/** The bundle a manifest in `dir` names, if its inputs are unchanged. */
async function cached(dir, manifestName, entry, esbuildVersion, format) {
  try {
    const m = JSON.parse(readFileSync(join(dir, manifestName), 'utf8'));
    if (basename(m.dir) !== m.dir) return undefined;
    const folder = join(dir, m.dir);
    readFileSync(join(folder, m.main));
    const fresh = m.esbuild === esbuildVersion && m.node === process.version && sameStats(m.inputs, m.stats);
    if (!fresh) {
      const since = wallNs();
      if ((await keyOf(entry.href, m.inputs, esbuildVersion, format)) !== m.key) return undefined;
      // Unchanged contents behind new stats (a checkout, a touch): keep the stats for the next process.
      const stats = statsOf(m.inputs, since);
      if (stats)
        writeManifest(dir, manifestName, { ...m, esbuild: esbuildVersion, node: process.version, stats });
    }
    // Marked used last: it throws if a pruner took the folder meanwhile, and a pruner that looked at
    // it before the mark renames it back (bundle-cache.mjs pruneCache).
    useFolder(folder);
    return pathToFileURL(join(folder, m.main));
  } catch {
    // No bundle yet, or one of other sources or versions, or pruned: build it.
    return undefined;
  }
}

async function build(esbuild, entry, format) {
  const since = wallNs();
  const read = new Map();
  const built = await esbuild.build({
    entryPoints: [fileURLToPath(entry)],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format,
    splitting: format === 'esm',
    outdir: OUT,
    outExtension: { '.js': format === 'esm' ? '.mjs' : '.cjs' },
    target: `node${process.versions.node.split('.')[0]}`,
    // Packages stay imports, resolved from node_modules as from the sources.
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [metaUrlPlugin(read)],
  });
  const inputs = Object.keys(built.metafile.inputs).map((f) => (isAbsolute(f) ? f : join(ROOT, f)));
  // A dynamic import's chunk also names an entryPoint: the one wanted is the entry's own.
  const entryFile = fileURLToPath(entry);
  const entryOut = Object.entries(built.metafile.outputs).find(
    ([, o]) => o.entryPoint && join(ROOT, o.entryPoint) === entryFile,
  )?.[0];
  if (!entryOut) throw new Error('esbuild gave no entry output');
  return {
    key: await keyOf(entry.href, inputs, esbuild.version, format, read),
    esbuild: esbuild.version,
    stats: statsOf(inputs, since),
    inputs,
    main: relative(OUT, join(ROOT, entryOut)),
    files: built.outputFiles.map((f) => ({ path: relative(OUT, f.path), contents: f.contents })),
  };
}

/**
 * Writes the bundle into a folder of its own (the name is unique: two processes building at once
 * each keep theirs, and a pruner never races a build for a name), then the manifest. Undefined when
 * the folder cannot be written (a full disk, no permission), its partial output removed.
 */
function write(dir, manifestName, name, entry, { key, esbuild, stats, inputs, main, files }) {
  const m = {
    key,
    entry: entry.href,
    esbuild,
    node: process.version,
    inputs,
    stats,
    dir: `${name}-${key.slice(0, 16)}-${randomSuffix()}`,
    main,
  };
  const outdir = join(dir, `.build-${process.pid}-${randomSuffix()}`);
  const folder = join(dir, m.dir);
  try {
    for (const f of files) {
      mkdirSync(dirname(join(outdir, f.path)), { recursive: true });
      writeFileSync(join(outdir, f.path), f.contents);
    }
    renameSync(outdir, folder);
    useFolder(folder);
  } catch {
    rmSync(outdir, { recursive: true, force: true });
    return undefined;
  }
  // The bundle is whole: it runs; without its manifest the next process builds again.
  writeManifest(dir, manifestName, m);
  return pathToFileURL(join(folder, main));
}

/** Written aside and renamed into place: a reader sees the old manifest or the new, never half of one. */
function writeManifest(dir, manifestName, m) {
  const tmp = join(dir, `${manifestName}.${process.pid}.${randomSuffix()}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(m));
    renameSync(tmp, join(dir, manifestName));
  } catch {
    rmSync(tmp, { force: true });
  }
}
