import { Command } from 'commander';
import { gateResults } from '../compare/gate-runs.ts';
import { verdictLine } from '../report/compare/format.ts';
import { renderCompareMarkdown } from '../report/compare/markdown.ts';
import { formatNames, parseFormats, reporterFor } from '../report/registry.ts';
import { writeDocument } from '../report/write.ts';
import { DEFAULT_BASELINES_DIR } from '../run/baselines.ts';
import { addGateOptions, gateOverrides, loadResultRef, type GateFlags } from './gate-options.ts';

/**
 * `atombench compare <baseline> <candidate>`: per operation and metric, the change with its interval and
 * a verdict; exit 1 when a gated metric regressed, 2 when the runs are not comparable (each differing
 * fingerprint field named) or an input is bad. `run --baseline` judges the same way (compare/gate-runs.ts).
 */

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
      `report formats with --out, comma-separated: ${formatNames('compare').join(',')}`,
      formatNames('compare').join(','),
    )
    .option('--json', 'compare.json on stdout; the Markdown goes to stderr')
    .option('--quiet', 'print only the verdict line');
  addGateOptions(cmd).action(async (baseRef: string, candRef: string, flags: CompareFlags) => {
    const formats = parseFormats('compare', flags.format);
    const dir = flags.baselinesDir ?? DEFAULT_BASELINES_DIR;
    const baseline = await loadResultRef('<baseline>', baseRef, dir);
    const candidate = await loadResultRef('<candidate>', candRef, dir);
    const r = gateResults(
      baseline,
      candidate,
      { baseline: baseRef, candidate: candRef },
      gateOverrides(flags),
    );
    const human = flags.json ? process.stderr : process.stdout;
    if (flags.json) process.stdout.write(reporterFor('compare', 'json').render(r));
    if (!flags.quiet) human.write(renderCompareMarkdown(r));
    if (flags.out)
      for (const f of await writeDocument('compare', r, flags.out, formats))
        if (!flags.quiet) human.write(`wrote ${f}\n`);
    human.write(verdictLine(r));
    setExit(r.verdict === 'fail' ? 1 : 0);
  });
  return cmd;
}
