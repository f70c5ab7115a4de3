// One plain-JavaScript build of a TypeScript entry and the project modules it imports, made with
// esbuild on first use and cached in node_modules/.cache/atombench/, keyed by a hash of every input's
// path and contents, esbuild's and Node's versions: a changed source is rebuilt, nobody runs a build
// step. Plain JavaScript because bin/atombench.js calls it before any TypeScript loader exists.
//
// Why: loading the sources through tsx costs every process a hooks thread (on Node 20 module.register
// starts a second V8 isolate with tsx and esbuild) and a transform per file; a worker thread through
// tsx's hooks held ~16 MB against ~9 MB bundled (README "Performance as users meet it").
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'atombench');

const sha = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
};

async function keyOf(entry, inputs, esbuildVersion, format) {
  const contents = await Promise.all(inputs.map((f) => readFile(f)));
  return sha(esbuildVersion, process.version, format, entry, ...inputs.flatMap((f, i) => [f, contents[i]]));
}

/**
 * Each module's `import.meta.url` stays its own source file's URL inside the bundle (the sources find
 * seed/, assets and package.json from it; CommonJS output has no import.meta at all).
 */
const metaUrlPlugin = {
  name: 'atombench-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => ({
      loader: 'ts',
      contents: (await readFile(path, 'utf8')).replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(path).href),
      ),
    }));
  },
};

/**
 * The bundle of `entry` (a file URL of a .ts module), built when missing or stale. `cjs` gives one
 * file; `esm` splits at each dynamic import (a lazily imported module and the packages it imports load
 * only when it is imported, as from the sources). Resolves to the file URL to load; rejects when
 * esbuild is missing or the build fails (the caller falls back to tsx).
 */
export async function bundled(entry, { name, format }) {
  const esbuild = await import('esbuild');
  const manifestFile = join(CACHE_DIR, `${name}-${sha(entry.href, format).slice(0, 16)}.json`);
  const main = (m) => pathToFileURL(join(CACHE_DIR, m.dir, m.main));
  try {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8'));
    readFileSync(fileURLToPath(main(m)));
    if ((await keyOf(entry.href, m.inputs, esbuild.version, format)) === m.key) return main(m);
  } catch {
    // No bundle yet, or one of other sources or versions: build it.
  }
  const outdir = join(CACHE_DIR, `.build-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const built = await esbuild.build({
    entryPoints: [fileURLToPath(entry)],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format,
    splitting: format === 'esm',
    outdir,
    outExtension: { '.js': format === 'esm' ? '.mjs' : '.cjs' },
    target: `node${process.versions.node.split('.')[0]}`,
    // Packages stay imports, resolved from node_modules as from the sources.
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [metaUrlPlugin],
  });
  const inputs = Object.keys(built.metafile.inputs).map((f) => (isAbsolute(f) ? f : join(ROOT, f)));
  const key = await keyOf(entry.href, inputs, esbuild.version, format);
  // A dynamic import's chunk also names an entryPoint: the one wanted is the entry's own.
  const entryFile = fileURLToPath(entry);
  const entryOut = Object.entries(built.metafile.outputs).find(
    ([, o]) => o.entryPoint && join(ROOT, o.entryPoint) === entryFile,
  )?.[0];
  if (!entryOut) throw new Error('esbuild gave no entry output');
  const m = {
    key,
    inputs,
    dir: `${name}-${key.slice(0, 16)}`,
    main: join(ROOT, entryOut).slice(outdir.length + 1),
  };
  // Another process may build the same bundle at once: each writes its own folder, then renames it
  // into place; the loser keeps the winner's (identical) folder.
  try {
    for (const f of built.outputFiles) {
      mkdirSync(dirname(f.path), { recursive: true });
      writeFileSync(f.path, f.contents);
    }
    renameSync(outdir, join(CACHE_DIR, m.dir));
  } catch {
    // The winner's folder is in place, or nothing is (a full disk, no permission): then say so.
    rmSync(outdir, { recursive: true, force: true });
    if (!existsSync(fileURLToPath(main(m)))) throw new Error(`cannot write the bundle in ${CACHE_DIR}`);
  }
  const tmp = `${manifestFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(m));
  renameSync(tmp, manifestFile);
  return main(m);
}
