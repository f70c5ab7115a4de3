import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import type { RunResult } from '../model/result.ts';

/**
 * Named baselines: result.json files kept in a folder (default `.atombench/baselines/NAME.json`), so CI
 * can say `--baseline main` instead of carrying paths around. compare accepts a name, a result.json, or a
 * run folder holding one (`reports/latest`).
 */

export const DEFAULT_BASELINES_DIR = join('.atombench', 'baselines');

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A baseline name is a plain file stem: no separators, no leading dot. */
export function checkBaselineName(flag: string, name: string): string {
  if (!NAME.test(name) || name.endsWith('.json'))
    throw new UserError(
      `${flag}: "${name}" is not a baseline name (letters, digits, . _ -; no path, no .json)`,
    );
  return name;
}

export function baselinePath(dir: string, name: string): string {
  return join(dir, `${name}.json`);
}

/**
 * Where `ref` points: an existing file or folder (a folder means its result.json), else a baseline name
 * in `dir`. Missing either way is a UserError naming the flag or argument and both places looked at.
 */
export function resolveResultRef(what: string, ref: string, dir: string): string {
  if (existsSync(ref)) {
    if (statSync(ref).isDirectory()) {
      const inside = join(ref, 'result.json');
      if (!existsSync(inside)) throw new UserError(`${what}: ${ref} is a folder without a result.json`);
      return inside;
    }
    return ref;
  }
  if (NAME.test(ref) && !ref.endsWith('.json')) {
    const p = baselinePath(dir, ref);
    if (existsSync(p)) return p;
    throw new UserError(
      `${what}: no file "${ref}" and no baseline named "${ref}" in ${resolve(dir)} (save one with run --save-baseline ${ref})`,
    );
  }
  throw new UserError(`${what}: ${ref}: no such file`);
}

/** Write the result as baseline `name` (atomically: a crash never leaves half a baseline). */
export async function saveBaseline(result: RunResult, dir: string, name: string): Promise<string> {
  const target = baselinePath(dir, name);
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(result, null, 2)}\n`);
  await rename(tmp, target);
  return target;
}
