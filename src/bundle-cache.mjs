// Where the bundles of bundle.mjs live, and keeping that place safe and small. Plain JavaScript, as
// bundle.mjs (bin/atombench.js loads both before any TypeScript loader exists).
//
// Places, in order: node_modules/.cache/atombench/ (beside the packages the bundles import); where
// node_modules cannot be written (a container image run by another user, a read-only mount), a cache of
// the user's own: $XDG_CACHE_HOME/atombench/ or ~/.cache/atombench/, then <os.tmpdir()>/atombench-<uid>/,
// with one folder per checkout in it. Only then does the command fall back to tsx.
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
} from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** A bundle folder no process has marked used for this long, and no live manifest names, is removed. */
export const UNUSED_MS = 24 * 3_600_000;
/** A process marks the folders it uses this often while it lives (a run can last for hours). */
export const REFRESH_MS = 3_600_000;
/** A `.build-` folder or manifest `.tmp` this old is the leftover of a build that died. */
export const LEFTOVER_MS = 3_600_000;

/** `<name>-<16 hex of the key>`, then (since pruning) a random suffix: the folders pruning may remove. */
const BUNDLE_DIR = /^[a-z][a-z0-9-]*-[0-9a-f]{16}(-[0-9a-z]+)?$/;

export const randomSuffix = () => randomBytes(6).toString('hex');

/**
 * The places, in order. `owned` is the per-user folder that must be this user's own (isPrivate): in a
 * shared /tmp another user could create atombench-<uid> first, or a symlink by that name, and plant a
 * bundle this process would then run. Bundles import packages by bare name, resolved from the folders
 * above them, so a per-user checkout folder holds a `node_modules` link to the checkout's.
 */
export function cacheLocations(env = process.env) {
  const checkout = createHash('sha256').update(ROOT).digest('hex').slice(0, 16);
  const locations = [{ dir: join(ROOT, 'node_modules', '.cache', 'atombench') }];
  const home = env.HOME ?? safeHomedir();
  const base = isAbsolute(env.XDG_CACHE_HOME ?? '')
    ? env.XDG_CACHE_HOME
    : home && isAbsolute(home)
      ? join(home, '.cache')
      : undefined;
  if (base) locations.push({ dir: join(base, 'atombench', checkout), owned: join(base, 'atombench') });
  const tmp = join(tmpdir(), `atombench-${process.getuid?.() ?? userInfo().username}`);
  locations.push({ dir: join(tmp, checkout), owned: tmp });
  return locations;
}

function safeHomedir() {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}

/**
 * A real directory (not a symlink) owned by this user, that no other user can enter (mode 0700).
 * Where there are no uids (Windows), a real directory (os.tmpdir() is per user there).
 */
export function isPrivate(dir) {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st || !st.isDirectory()) return false;
  const uid = process.getuid?.();
  return uid === undefined || (st.uid === uid && (st.mode & 0o077) === 0);
}

const mkdirPrivate = (dir) => {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
  }
};

/** The checkout's packages, as a bundle in a per-user folder finds them (Node follows the link). */
function packagesLinked(dir, create) {
  const link = join(dir, 'node_modules');
  const target = join(ROOT, 'node_modules');
  let now;
  try {
    now = readlinkSync(link);
  } catch {
    // No link yet (or something else by that name, in a folder only this user can write).
  }
  if (now === target) return true;
  if (!create) return false;
  if (now !== undefined || existsSync(link)) unlinkSync(link);
  symlinkSync(target, link, 'junction');
  return true;
}

/**
 * The folder of `location` to read bundles from (create false) or to write them in (create true),
 * or undefined when it is missing, cannot be made, or (a per-user place) is not this user's alone.
 */
export function openLocation(location, create) {
  try {
    if (!location.owned) {
      if (create) mkdirSync(location.dir, { recursive: true });
      return statSync(location.dir).isDirectory() ? location.dir : undefined;
    }
    if (create) {
      mkdirSync(dirname(location.owned), { recursive: true, mode: 0o700 });
      mkdirPrivate(location.owned);
    }
    if (!isPrivate(location.owned)) return undefined;
    if (create) mkdirPrivate(location.dir);
    if (!isPrivate(location.dir) || !packagesLinked(location.dir, create)) return undefined;
    return location.dir;
  } catch {
    return undefined;
  }
}

/**
 * A bundle folder's mtime says when a process last used it. Throws when the folder is gone (a pruner
 * took it): the caller then builds anew. Where it cannot be marked (a read-only cache, one of another
 * user) nobody this process must fear can prune it either, or the risk is the other user's.
 */
export function markUsed(folder) {
  const now = new Date();
  try {
    utimesSync(folder, now, now);
  } catch (e) {
    if (e.code === 'ENOENT') throw e;
  }
}

/** The folders this process loads from: marked now and every REFRESH_MS while it lives. */
const inUse = new Set();
let refresher;

export function useFolder(folder) {
  markUsed(folder);
  inUse.add(folder);
  refresher ??= setInterval(() => {
    for (const f of inUse)
      try {
        markUsed(f);
      } catch {
        // Gone: nothing of it is loaded any more, or the process would have failed already.
      }
  }, REFRESH_MS).unref();
}

/**
 * Removes from the cache folder `dir`: bundle folders that no live manifest names, that this process
 * does not use (`keep`), and that nobody marked used for `unusedMs`; dead builds' leftovers; manifests
 * of checkouts that are gone. A live manifest is one whose entry file exists (or one written before
 * manifests named their entry, or in the last `unusedMs`): its bundle is current for some checkout,
 * however long unused. A folder is first renamed aside (atomic), then looked at again: a process that
 * marked it used in between keeps it (it is renamed back). Returns the names removed.
 */
export function pruneCache(dir, { now = Date.now(), unusedMs = UNUSED_MS, keep = inUse } = {}) {
  const entries = readdirSync(dir, { withFileTypes: true });
  const named = new Set();
  const removed = [];
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith('.json')) continue;
    const file = join(dir, e.name);
    try {
      const m = JSON.parse(readFileSync(file, 'utf8'));
      if (
        m.entry === undefined ||
        existsSync(fileURLToPath(m.entry)) ||
        statSync(file).mtimeMs > now - unusedMs
      )
        named.add(m.dir);
      else {
        rmSync(file);
        removed.push(e.name);
      }
    } catch {
      // Unreadable (manifests are written whole, then renamed): leave it alone.
    }
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    const leftover =
      (e.isDirectory() && (e.name.startsWith('.build-') || e.name.startsWith('.trash-'))) ||
      (e.isFile() && e.name.endsWith('.tmp'));
    if (!leftover && !(e.isDirectory() && BUNDLE_DIR.test(e.name))) continue; // not ours (node_modules)
    if (named.has(e.name) || keep.has(path)) continue;
    try {
      const seen = statSync(path).mtimeMs;
      if (seen > now - (leftover ? LEFTOVER_MS : unusedMs)) continue;
      if (leftover) {
        rmSync(path, { recursive: true, force: true });
      } else {
        const aside = join(dir, `.trash-${process.pid}-${randomSuffix()}`);
        renameSync(path, aside);
        if (statSync(aside).mtimeMs !== seen) {
          renameSync(aside, path);
          continue;
        }
        rmSync(aside, { recursive: true, force: true });
      }
      removed.push(e.name);
    } catch {
      // Another pruner took it first, or it is not ours to remove (another user's): leave it.
    }
  }
  return removed;
}
