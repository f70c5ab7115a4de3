import { cp, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunResult } from '../model/result.ts';
import { reporterFor, type DocumentKind, type Documents, type ReporterOptions } from './registry.ts';

/**
 * The one writer of reports: a document rendered in the chosen formats into a folder. A file is written
 * to a temporary name and renamed, so an interrupted write never leaves half a report behind.
 */
export async function writeDocument<K extends DocumentKind>(
  kind: K,
  doc: Documents[K],
  dir: string,
  formats: readonly string[],
  options?: ReporterOptions,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const f of formats) {
    const reporter = reporterFor(kind, f);
    if (!reporter.fileName) continue; // a terminal reporter prints, it writes no file
    const file = join(dir, reporter.fileName);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, reporter.render(doc, options));
    await rename(tmp, file);
    files.push(file);
  }
  return files;
}

/**
 * Write the run's reports into <outRoot>/<runId>/ and point <outRoot>/latest at it. result.json is
 * always written (every other format renders from it alone). A shard writes into
 * <outRoot>/<runId>/<sub>/ and leaves latest alone (its shards would race to move it).
 */
export async function writeReports(
  result: RunResult,
  outRoot: string,
  formats: readonly string[],
  sub?: string,
): Promise<string> {
  const dir = sub ? join(outRoot, result.runId, sub) : join(outRoot, result.runId);
  await writeDocument('run', result, dir, [...new Set(['json', ...formats])]);
  if (!sub) await pointLatest(outRoot, result.runId);
  return dir;
}

/**
 * Write a document's reports into <outRoot>/<id>/ and point <outRoot>/latest at it (`capacity` keeps its
 * steps' result.json files in the same folder, under steps/).
 */
export async function writeReportFolder<K extends DocumentKind>(
  kind: K,
  doc: Documents[K],
  outRoot: string,
  id: string,
  formats: readonly string[],
): Promise<string> {
  const dir = join(outRoot, id);
  await writeDocument(kind, doc, dir, [...new Set(['json', ...formats])]);
  await pointLatest(outRoot, id);
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

/** A run id that sorts by time and is unique enough for one machine: 20261128-021530-ab12. */
export function newRunId(now: Date, suffix: string): string {
  const iso = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${iso}-${suffix}`;
}
