import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Command } from 'commander';
import { capacityProblems, parseAtomsList } from '../capacity/step-scenario.ts';
import { formatNames, parseFormats, reporterFor } from '../report/registry.ts';
import { newRunId, writeDocument, writeReportFolder } from '../report/write.ts';
import { runCapacity } from '../run/capacity/capacity.ts';
import { ScenarioError, type ScenarioProblem } from '../scenario/load.ts';
import { addCommonOptions, DEFAULT_SCENARIO, resolveConfig, type CommonFlags } from './options.ts';
import { interruptExitCode, interruptibleOutput } from './signals.ts';
import { VERSION } from './version.ts';

/** capacity's own flags, each one scenario field under `capacity:`. */
interface CapacityFlags {
  maxSteps?: string;
  maxMinutes?: string;
  startRate?: string;
  ooda?: boolean;
  search?: boolean;
  verifyGrowth?: boolean;
}

/** Exit codes of capacity (README): 0 knee found, 1 first step fails / no knee within the limits, 2, 3; 130 interrupted (143 after SIGTERM). */
export const CAPACITY_EXIT = { knee: 0, noKnee: 1, interrupted: 130 } as const;

function capacityOverrides(f: CommonFlags & CapacityFlags) {
  const overrides: Record<string, unknown> = {};
  const flagOf: Record<string, string> = {};
  const problems: ScenarioProblem[] = [];
  const num = (flag: string, path: string, text: string | undefined, int: boolean) => {
    if (text === undefined) return;
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || (int && !Number.isInteger(n)))
      problems.push({
        path: flag,
        message: `expected a positive ${int ? 'integer' : 'number'}; got "${text}"`,
      });
    else {
      overrides[path] = n;
      flagOf[path] = flag;
    }
  };
  num('--max-steps', 'capacity.maxSteps', f.maxSteps, true);
  num('--max-minutes', 'capacity.maxMinutes', f.maxMinutes, false);
  num('--start-rate', 'capacity.startRatePerSec', f.startRate, false);
  num('--trials', 'capacity.trials', f.trials, true);
  if (f.ooda) overrides['capacity.ooda.enabled'] = true;
  if (f.search === false) overrides['capacity.search'] = false;
  if (f.verifyGrowth) overrides['capacity.verifyGrowth'] = true;
  // --atoms 10k,100k,1M: the sweep's sizes; the rate search then runs at the largest.
  if (f.atoms !== undefined && /[,kKmM]/.test(f.atoms)) {
    const sizes = parseAtomsList(f.atoms);
    if (typeof sizes === 'string') problems.push({ path: '--atoms', message: sizes });
    else {
      if (sizes.length > 1) overrides['capacity.atoms'] = sizes;
      overrides['dataset.atoms'] = sizes[sizes.length - 1];
      flagOf['capacity.atoms'] = '--atoms';
      flagOf['dataset.atoms'] = '--atoms';
    }
  }
  return { overrides, flagOf, problems };
}

export function capacityCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('capacity')
    .description(
      'capacity planning: step the open-loop rate up to the knee (bisected, repeated for an interval), sweep dataset sizes, step OODA triggers',
    )
    .argument('[scenario]', 'scenario YAML file (its capacity: section)', DEFAULT_SCENARIO)
    .option('--trials <n>', 'measurements of each end of the knee bracket (capacity.trials)')
    .option('--max-steps <n>', 'steps at most, all parts together (capacity.maxSteps)')
    .option(
      '--max-minutes <n>',
      'wall-clock budget; no step starts that would end past it (capacity.maxMinutes)',
    )
    .option('--start-rate <n>', 'first offered rate, arrivals/s (capacity.startRatePerSec)')
    .option(
      '--ooda',
      'also step the OODA trigger rate until queue depth passes its limit (capacity.ooda.enabled)',
    )
    .option('--no-search', 'skip the rate search (capacity.search: false)')
    .option(
      '--verify-growth',
      'also seed each swept size fresh and compare stored digests (capacity.verifyGrowth)',
    );
  // The graph side and the stored-row checks' flags are run's and seed's (capacity verifies by sample).
  addCommonOptions(cmd, { except: ['neo4jUrl', 'verify', 'dropForeignRows'] }).action(
    async (file: string, flags: CommonFlags & CapacityFlags) => {
      const extra = capacityOverrides(flags);
      const common: CommonFlags = { ...flags, trials: undefined };
      if (extra.overrides['dataset.atoms'] !== undefined) common.atoms = undefined;
      const cfg = await resolveConfig(file, common, extra);
      const problems = capacityProblems(cfg.scenario);
      if (problems.length)
        throw new ScenarioError(
          file,
          problems.map((m) => ({ path: m.split(':')[0]!, message: m.slice(m.indexOf(':') + 2) })),
        );
      const formats = flags.format ? parseFormats('capacity', flags.format) : formatNames('capacity');
      const { human, progress, signal, dispose } = interruptibleOutput(
        flags,
        'interrupted: finishing the current step, keeping what was measured',
      );
      try {
        const id = newRunId(new Date(), randomBytes(2).toString('hex'));
        const out = cfg.scenario.report.out;
        const dir = join(out, id);
        const doc = await runCapacity({
          scenario: cfg.scenario,
          targets: cfg.targets,
          url: cfg.url,
          id,
          version: VERSION,
          signal,
          progress,
          capacityProgress: { line: (t) => progress.info(t) },
          reseed: !!flags.reseed,
          force: !!flags.force,
          saveStep: async (result, name) => {
            const rel = join('steps', name);
            await writeDocument('run', result, join(dir, rel), ['json']);
            return join(rel, 'result.json');
          },
        });
        await writeReportFolder('capacity', doc, out, id, formats);
        if (flags.json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        if (!flags.quiet) human.write(reporterFor('capacity', 'terminal').render(doc));
        const outcome = doc.search?.outcome;
        // 130 after SIGINT, 143 after SIGTERM (like run).
        const code = doc.interrupted
          ? interruptExitCode()
          : outcome === undefined || outcome === 'knee'
            ? CAPACITY_EXIT.knee
            : CAPACITY_EXIT.noKnee;
        human.write(`capacity: ${doc.search?.summary ?? 'no rate search'} — reports in ${dir}\n`);
        setExit(code);
      } finally {
        dispose();
      }
    },
  );
  return cmd;
}
