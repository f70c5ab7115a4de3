import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { compareResults } from '../compare/compare.ts';
import { checkComparable, describeDifferences } from '../compare/fingerprint.ts';
import { resolveGate, type GateOverrides } from '../scenario/gate.ts';
import { renderCompareMarkdown } from '../report/compare/markdown.ts';
import type { CompareResult } from '../compare/model.ts';
import { COMPARE_FORMATS, COMPARE_REPORTERS, compareFormats } from '../report/compare/reporters.ts';
import { UserError } from '../errors.ts';
import type { RunResult } from '../model/result.ts';
import { DEFAULT_BASELINES_DIR, readResultFile, resolveResultRef } from '../run/baselines.ts';

/**
 * `atombench compare <baseline> <candidate>`: per operation and metric, the change with its interval and
 * a verdict; exit 1 when a gated metric regressed, 2 when the runs are not comparable (each differing
 * fingerprint field named) or an input is bad. `run --baseline` uses the same functions after its run.
 */

export interface GateFlags {
  ignore?: string;
  ignoreMetric?: string;
  minEffect?: string;
  alpha?: string;
  baselinesDir?: string;
}

const list = (s: string | undefined): string[] | undefined =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

export function addGateOptions(cmd: Command): Command {
  return cmd
    .option(
      '--ignore <fields>',
      'fingerprint fields (or prefixes) allowed to differ, comma-separated, e.g. client.os,engine.settings',
    )
    .option('--ignore-metric <list>', 'metrics reported but not gated, e.g. p99,ingest,spatial.knn.p50')
    .option(
      '--min-effect <list>',
      'minimum effects, e.g. p95=5%,throughput=15%,errorRate=0.5pp,maxQueueDepth=3',
    )
    .option(
      '--alpha <p>',
      'one-sided significance level of each test (default: the scenario gate.alpha, 0.05)',
    )
    .addOption(
      new Option('--baselines-dir <dir>', 'folder of named baselines')
        .env('ATOMBENCH_BASELINES_DIR')
        .default(DEFAULT_BASELINES_DIR),
    );
}

function overrides(f: GateFlags): GateOverrides {
  const o: GateOverrides = {
    ignoreFingerprint: list(f.ignore),
    ignoreMetrics: list(f.ignoreMetric),
    minEffect: f.minEffect,
  };
  if (f.alpha !== undefined) {
    const a = Number(f.alpha);
    if (f.alpha.trim() === '' || !Number.isFinite(a))
      throw new UserError(`--alpha: expected a number like 0.05; got "${f.alpha}"`);
    o.alpha = a;
  }
  return o;
}

/** Read a result named by path, run folder or baseline name. */
export async function loadResultRef(what: string, ref: string, baselinesDir: string): Promise<RunResult> {
  return readResultFile(what, resolveResultRef(what, ref, baselinesDir));
}

/**
 * Judge `candidate` against `baseline`. Bad gate settings and fingerprint differences not waived are one
 * UserError (exit 2) listing every problem.
 */
export function gateResults(
  baseline: RunResult,
  candidate: RunResult,
  labels: { baseline: string; candidate: string },
  f: GateFlags,
): CompareResult {
  const { settings, problems } = resolveGate(candidate.scenario.gate, overrides(f));
  if (problems.length)
    throw new UserError(`${problems.length} problem(s) with the gate settings:\n  ${problems.join('\n  ')}`);
  const c = checkComparable(baseline, candidate, settings.ignoreFingerprint);
  if (c.blocking.length > 0) {
    const fields = c.blocking.map((d) => d.field).join(',');
    throw new UserError(
      `cannot compare ${labels.candidate} with ${labels.baseline}: ${c.blocking.length} fingerprint field(s) differ:\n  ` +
        `${describeDifferences(c.blocking).join('\n  ')}\n` +
        `(to compare anyway: --ignore ${fields})`,
    );
  }
  return compareResults({ baseline, candidate, settings, labels, ignoredDifferences: c.ignored });
}

/** Write the chosen formats into `dir`; returns the files written. */
export async function writeCompareReports(
  r: CompareResult,
  dir: string,
  formats: readonly string[],
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const f of formats) {
    const rep = COMPARE_REPORTERS[f]!;
    const file = join(dir, rep.fileName);
    await writeFile(file, rep.render(r));
    files.push(file);
  }
  return files;
}

export function verdictLine(r: CompareResult): string {
  const c = r.counts;
  return `compare: ${r.verdict === 'fail' ? 'REGRESSED' : 'PASS'} — ${c.regressed} regressed, ${c.improved} improved, ${c.unchanged} no change, ${c.na} n/a\n`;
}

interface CompareFlags extends GateFlags {
  out?: string;
  format: string;
  json?: boolean;
  quiet?: boolean;
}

export function compareCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('compare')
    .description(
      'compare a candidate run with a baseline: change, interval and verdict per operation and metric; exit 1 on a regression',
    )
    .argument('<baseline>', 'a result.json, a run folder (reports/latest) or a baseline name')
    .argument('<candidate>', 'a result.json, a run folder or a baseline name')
    .option('--out <dir>', 'write the reports into this folder')
    .option(
      '--format <list>',
      `report formats with --out, comma-separated: ${COMPARE_FORMATS.join(',')}`,
      COMPARE_FORMATS.join(','),
    )
    .option('--json', 'compare.json on stdout; the Markdown goes to stderr')
    .option('--quiet', 'print only the verdict line');
  addGateOptions(cmd).action(async (baseRef: string, candRef: string, flags: CompareFlags) => {
    const formats = compareFormats(flags.format);
    const dir = flags.baselinesDir ?? DEFAULT_BASELINES_DIR;
    const baseline = await loadResultRef('<baseline>', baseRef, dir);
    const candidate = await loadResultRef('<candidate>', candRef, dir);
    const r = gateResults(baseline, candidate, { baseline: baseRef, candidate: candRef }, flags);
    const human = flags.json ? process.stderr : process.stdout;
    if (flags.json) process.stdout.write(COMPARE_REPORTERS.json!.render(r));
    if (!flags.quiet) human.write(renderCompareMarkdown(r));
    if (flags.out)
      for (const f of await writeCompareReports(r, flags.out, formats))
        if (!flags.quiet) human.write(`wrote ${f}\n`);
    human.write(verdictLine(r));
    setExit(r.verdict === 'fail' ? 1 : 0);
  });
  return cmd;
}
