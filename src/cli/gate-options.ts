import { Command, Option } from 'commander';
import { UserError } from '../errors.ts';
import type { RunResult } from '../model/result.ts';
import { readResult } from '../report/read.ts';
import { DEFAULT_BASELINES_DIR, resolveResultRef } from '../run/baselines.ts';
import type { GateOverrides } from '../scenario/gate.ts';

/** The regression gate's flags, shared by `compare` and `run --baseline`. */
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

export function gateOverrides(f: GateFlags): GateOverrides {
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
  return readResult(resolveResultRef(what, ref, baselinesDir), `${what}: `);
}
