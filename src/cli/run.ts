import { useColor } from './progress.ts';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { gateResults } from '../compare/gate-runs.ts';
import { baselineRefusal, waivedBaselineNote } from '../compare/validity.ts';
import { resolveGate } from '../scenario/gate.ts';
import { verdictLine } from '../report/compare/format.ts';
import { renderCompareMarkdown } from '../report/compare/markdown.ts';
import { formatNames, reporterFor } from '../report/registry.ts';
import { newRunId, writeDocument, writeReports } from '../report/write.ts';
import { UserError } from '../errors.ts';
import type { ShardSpec } from '../model/shard.ts';
import { checkBaselineName, DEFAULT_BASELINES_DIR, saveBaseline } from '../run/baselines.ts';
import { runBenchmark } from '../run/orchestrator.ts';
import { markInterruptedAfterMeasuring } from '../run/result.ts';
import { addGateOptions, gateOverrides, loadResultRef, type GateFlags } from './gate-options.ts';
import {
  addCommonOptions,
  DEFAULT_SCENARIO,
  parseDurationSec,
  resolveConfig,
  verifyMode,
  type CommonFlags,
} from './options.ts';
import { addShardOptions, resolveShardRun, type ShardFlags } from './shard-options.ts';
import { interruptExitCode, interruptibleOutput } from './signals.ts';
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
          neo4jUrl: cfg.neo4jUrl,
          runId,
          version: VERSION,
          signal,
          progress,
          reseed: !!flags.reseed,
          force: !!flags.force,
          dropForeignRows: !!flags.dropForeignRows,
          verify: verifyMode(flags),
          ...(shard ? { shard } : {}),
        });
        const write = () =>
          writeReports(
            result,
            cfg.scenario.report.out,
            cfg.scenario.report.formats,
            shard ? shardDir(shard.spec) : undefined,
          );
        if (signal.aborted) markInterruptedAfterMeasuring(result);
        await reportPhaseTestHold(signal);
        let dir = await write();
        // A signal while the reports were written: write them again, marked interrupted.
        if (signal.aborted && !result.interrupted) {
          markInterruptedAfterMeasuring(result);
          dir = await write();
        }
        if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        if (!flags.quiet)
          human.write(reporterFor('run', 'terminal').render(result, { color: useColor(human) }));
        if (shard) {
          // A shard's own targets see 1/N of the run: the run is judged once, by `atombench merge`.
          human.write(
            `shard ${shard.spec.index}/${shard.spec.count} of run ${result.runId} measured${result.interrupted ? ' (interrupted)' : ''} — reports in ${dir}; judge the run with: atombench merge ${dirname(dir)} --out ${join(dirname(dir), 'merged')}\n`,
          );
          // Interrupted: 130/143 like any run; the shard's server lost: exit 3 (its rows are partial).
          if (result.interrupted) setExit(interruptExitCode());
          else setExit(result.faults?.endedEarly ? 3 : 0);
          return;
        }
        human.write(
          `verdict: ${result.verdict.toUpperCase()}${result.interrupted ? ' (interrupted)' : ''} — reports in ${dir}\n`,
        );
        // An interrupted run never exits 0 (a cancelled CI job must not pass); a lost server is exit 3.
        if (result.interrupted) setExit(interruptExitCode());
        else if (result.faults?.endedEarly) setExit(3);
        else setExit(result.verdict === 'pass' ? 0 : 1);
        // A client-limited or interrupted run is never a baseline: exit 2 with the reason, after the rest.
        const waived = resolveGate(result.scenario.gate, gateOverrides(flags)).settings.ignoreFingerprint;
        const refused = flags.saveBaseline !== undefined ? baselineRefusal(result, waived) : undefined;
        if (flags.saveBaseline !== undefined && !refused) {
          const note = waivedBaselineNote(result, waived);
          human.write(
            `saved baseline ${flags.saveBaseline}: ${await saveBaseline(result, baselines, flags.saveBaseline)}${note ? ` (${note})` : ''}\n`,
          );
        }
        if (baseline) {
          const labels = { baseline: flags.baseline!, candidate: join(dir, 'result.json') };
          const cmp = gateResults(baseline, result, labels, gateOverrides(flags));
          await writeDocument('compare', cmp, dir, formatNames('compare'));
          if (!flags.quiet) human.write(renderCompareMarkdown(cmp));
          human.write(verdictLine(cmp));
          if (cmp.verdict === 'fail' && !result.interrupted && !result.faults?.endedEarly) setExit(1);
        }
        // A signal after the reports (saving the baseline, comparing): still never exit 0.
        if (signal.aborted) setExit(interruptExitCode());
        // A refused baseline is bad input for the gate (exit 2), interrupted or not.
        if (refused) {
          process.stderr.write(`atombench: --save-baseline ${flags.saveBaseline}: ${refused}\n`);
          setExit(2);
        }
      } finally {
        dispose();
      }
    },
  );
  return cmd;
}

/**
 * Test hook (ATOMBENCH_TEST_REPORT_HOLD_MS): say `writing reports` and hold the report phase that long,
 * or until a signal, so the interrupt suite can signal this phase; writing itself takes milliseconds.
 */
async function reportPhaseTestHold(signal: AbortSignal): Promise<void> {
  const ms = Number(process.env.ATOMBENCH_TEST_REPORT_HOLD_MS ?? 0);
  if (!(ms > 0) || signal.aborted) return;
  process.stderr.write('writing reports (test hold)\n');
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, Math.min(ms, 60_000));
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

/** Where a shard writes: <out>/<run id>/shard-I-of-N/, so the shards of one run sit side by side. */
function shardDir(s: ShardSpec): string {
  return `shard-${s.index}-of-${s.count}`;
}
