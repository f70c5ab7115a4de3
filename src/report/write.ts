import { mkdir, rm, symlink, writeFile, cp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunResult } from '../model/result.ts';
import { reporterFor } from './registry.ts';

/**
 * Write the run's reports into <outRoot>/<runId>/ and point <outRoot>/latest at it. result.json is
 * always written (every other format renders from it alone).
 */
export async function writeReports(
  result: RunResult,
  outRoot: string,
  formats: readonly string[],
): Promise<string> {
  const dir = join(outRoot, result.runId);
  await mkdir(dir, { recursive: true });
  const all = new Set(['json', ...formats]);
  await renderReports(result, dir, [...all]);
  await pointLatest(outRoot, result.runId);
  return dir;
}

/** reports/latest -> the newest run (a copy where symlinks are not allowed). */
async function pointLatest(outRoot: string, runId: string): Promise<void> {
  const latest = join(outRoot, 'latest');
  await rm(latest, { recursive: true, force: true });
  try {
    await symlink(runId, latest, 'dir');
  } catch {
    await cp(resolve(outRoot, runId), latest, { recursive: true });
  }
}

/** Re-render reports from a result.json alone into `dir`. */
export async function renderReports(
  result: RunResult,
  dir: string,
  formats: readonly string[],
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const f of formats) {
    const reporter = reporterFor(f);
    if (!reporter.fileName) continue; // a terminal reporter prints, it writes no file
    await writeFile(join(dir, reporter.fileName), reporter.render(result));
    files.push(join(dir, reporter.fileName));
  }
  return files;
}

/** A run id that sorts by time and is unique enough for one machine: 20261128-021530-ab12. */
export function newRunId(now: Date, suffix: string): string {
  const iso = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${iso}-${suffix}`;
}
