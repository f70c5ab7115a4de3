import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { writeReports, newRunId } from '../report/write.ts';
import { reporterFor } from '../report/registry.ts';
import { runBenchmark } from '../run/orchestrator.ts';
import { addCommonOptions, DEFAULT_SCENARIO, resolveConfig, type CommonFlags } from './options.ts';
import { terminalProgress } from './progress.ts';
import { abortOnSignals } from './signals.ts';
import { VERSION } from './version.ts';

export function runCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('run')
    .description('seed if needed, drive the workload, measure, judge against the runbook targets, write reports')
    .argument('[scenario]', 'scenario YAML file', DEFAULT_SCENARIO);
  addCommonOptions(cmd).action(async (file: string, flags: CommonFlags) => {
    const cfg = await resolveConfig(file, flags);
    const human = flags.json ? process.stderr : process.stdout;
    const progress = terminalProgress({ enabled: flags.progress !== false, quiet: !!flags.quiet, stream: human });
    const { signal, dispose } = abortOnSignals(() => progress.info('interrupted: stopping the load, keeping what was measured'));
    try {
      const runId = newRunId(new Date(), randomBytes(2).toString('hex'));
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
      });
      const dir = await writeReports(result, cfg.scenario.report.out, cfg.scenario.report.formats);
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if (!flags.quiet) human.write(reporterFor('terminal').render(result, { color: !!human.isTTY }));
      human.write(`verdict: ${result.verdict.toUpperCase()}${result.interrupted ? ' (interrupted)' : ''} — reports in ${dir}\n`);
      setExit(result.verdict === 'pass' ? 0 : 1);
    } finally {
      dispose();
    }
  });
  return cmd;
}
