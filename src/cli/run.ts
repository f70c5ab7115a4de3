import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { gateResults } from '../compare/gate-runs.ts';
import { verdictLine } from '../report/compare/format.ts';
import { renderCompareMarkdown } from '../report/compare/markdown.ts';
import { formatNames, reporterFor } from '../report/registry.ts';
import { newRunId, writeDocument, writeReports } from '../report/write.ts';
import { UserError } from '../errors.ts';
import type { ShardSpec } from '../model/shard.ts';
import { checkBaselineName, DEFAULT_BASELINES_DIR, saveBaseline } from '../run/baselines.ts';
import { runBenchmark } from '../run/orchestrator.ts';
import { addGateOptions, gateOverrides, loadResultRef, type GateFlags } from './gate-options.ts';
import {
  addCommonOptions,
  DEFAULT_SCENARIO,
  parseDurationSec,
  resolveConfig,
  type CommonFlags,
} from './options.ts';
import { addShardOptions, resolveShardRun, type ShardFlags } from './shard-options.ts';
import { interruptibleOutput } from './signals.ts';
import { VERSION } from './version.ts';

interface BaselineFlags {
  saveBaseline?: string;
  baseline?: string;
}

export function runCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('run')
    .description(
      'seed if needed, drive the workload, measure, judge against the runbook targets, write reports',
    )
    .argument('[scenario]', 'scenario YAML file', DEFAULT_SCENARIO)
    .option('--trials <n>', 'measured phases on the same data, fresh warm-up each (gate.trials)')
    .option('--save-baseline <name>', 'keep the result as a named baseline (in --baselines-dir)')
    .option(
      '--baseline <name|path>',
      'compare the result with this baseline after the run (exit 1 on a regression)',
    );
  addShardOptions(addGateOptions(addCommonOptions(cmd))).action(
    async (file: string, flags: CommonFlags & GateFlags & BaselineFlags & ShardFlags) => {
      const sharding = resolveShardRun(flags, process.env, parseDurationSec);
      const cfg = await resolveConfig(file, flags);
      const shard = sharding.shard;
      if (shard && (flags.saveBaseline !== undefined || flags.baseline !== undefined))
        throw new UserError(
          '--shard: a shard is a slice of a run; merge the shards (atombench merge), then save or compare the merged result',
        );
      const baselines = flags.baselinesDir ?? DEFAULT_BASELINES_DIR;
      if (flags.saveBaseline !== undefined) checkBaselineName('--save-baseline', flags.saveBaseline);
      // Read the baseline before the run: a typo should cost a second, not a whole run.
      const baseline =
        flags.baseline !== undefined
          ? await loadResultRef('--baseline', flags.baseline, baselines)
          : undefined;
      const { human, progress, signal, dispose } = interruptibleOutput(
        flags,
        'interrupted: stopping the load, keeping what was measured',
      );
      try {
        const runId = sharding.runId ?? newRunId(new Date(), randomBytes(2).toString('hex'));
        const result = await runBenchmark({
          scenario: cfg.scenario,
          targets: cfg.targets,
          url: cfg.url,
          runId,
          version: VERSION,
          signal,
          progress,
          reseed: !!flags.reseed,
          force: !!flags.force,
          ...(shard ? { shard } : {}),
        });
        const dir = await writeReports(
          result,
          cfg.scenario.report.out,
          cfg.scenario.report.formats,
          shard ? shardDir(shard.spec) : undefined,
        );
        if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        if (!flags.quiet)
          human.write(reporterFor('run', 'terminal').render(result, { color: !!human.isTTY }));
        if (shard) {
          // A shard's own targets see 1/N of the run: the run is judged once, by `atombench merge`.
          human.write(
            `shard ${shard.spec.index}/${shard.spec.count} of run ${result.runId} measured${result.interrupted ? ' (interrupted)' : ''} — reports in ${dir}; judge the run with: atombench merge ${dirname(dir)} --out ${join(dirname(dir), 'merged')}\n`,
          );
          setExit(result.interrupted ? 1 : 0);
          return;
        }
        human.write(
          `verdict: ${result.verdict.toUpperCase()}${result.interrupted ? ' (interrupted)' : ''} — reports in ${dir}\n`,
        );
        setExit(result.verdict === 'pass' ? 0 : 1);
        if (flags.saveBaseline !== undefined) {
          if (result.interrupted) human.write(`baseline not saved: the run was interrupted\n`);
          else
            human.write(
              `saved baseline ${flags.saveBaseline}: ${await saveBaseline(result, baselines, flags.saveBaseline)}\n`,
            );
        }
        if (baseline) {
          const labels = { baseline: flags.baseline!, candidate: join(dir, 'result.json') };
          const cmp = gateResults(baseline, result, labels, gateOverrides(flags));
          await writeDocument('compare', cmp, dir, formatNames('compare'));
          if (!flags.quiet) human.write(renderCompareMarkdown(cmp));
          human.write(verdictLine(cmp));
          if (cmp.verdict === 'fail') setExit(1);
        }
      } finally {
        dispose();
      }
    },
  );
  return cmd;
}

/** Where a shard writes: <out>/<run id>/shard-I-of-N/, so the shards of one run sit side by side. */
function shardDir(s: ShardSpec): string {
  return `shard-${s.index}-of-${s.count}`;
}
