import { Command } from 'commander';
import { DEFAULT_FORMATS, formatNames, parseFormats, reporterFor } from '../report/registry.ts';
import { writeDocument } from '../report/write.ts';
import { findShardFiles, mergeShardFiles } from '../run/merge-run.ts';
import { DEFAULT_MAX_SKEW_MS } from '../run/shard-checks.ts';
import { parseDurationSec } from './options.ts';

/**
 * `atombench merge <dir|result.json...> --out DIR`: the shards of one run (`run --shard I/N`) added up
 * losslessly and judged once. Exit 0 every target met, 1 a target failed (or a shard was interrupted),
 * 2 the inputs do not belong together (each differing field named) or are not shard results.
 */

interface MergeFlags {
  out: string;
  format: string;
  maxSkew?: string;
  json?: boolean;
  quiet?: boolean;
}

export function mergeCommand(setExit: (code: number) => void): Command {
  return new Command('merge')
    .description(
      'merge the shards of one run (run --shard I/N) into one result, judged once on the merged data',
    )
    .argument('<inputs...>', 'shard result.json files, or folders holding shard-*/result.json')
    .requiredOption('--out <dir>', 'folder for the merged reports')
    .option(
      '--format <list>',
      `report formats, comma-separated: ${formatNames('run').join(',')}`,
      DEFAULT_FORMATS.run.join(','),
    )
    .option(
      '--max-skew <time>',
      `largest spread of the shards' clock offsets to the server (default ${DEFAULT_MAX_SKEW_MS}ms)`,
    )
    .option('--json', 'the merged result.json on stdout; human output goes to stderr')
    .option('--quiet', 'print only the verdict line')
    .action(async (inputs: string[], flags: MergeFlags) => {
      const formats = parseFormats('run', flags.format);
      const maxSkewMs =
        flags.maxSkew !== undefined
          ? parseDurationSec('--max-skew', flags.maxSkew) * 1000
          : DEFAULT_MAX_SKEW_MS;
      const files = await findShardFiles(inputs);
      const merged = mergeShardFiles(files, maxSkewMs);
      const human = flags.json ? process.stderr : process.stdout;
      await writeDocument('run', merged, flags.out, [...new Set(['json', ...formats])]);
      if (flags.json) process.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
      if (!flags.quiet) human.write(reporterFor('run', 'terminal').render(merged, { color: !!human.isTTY }));
      human.write(
        `verdict: ${merged.verdict.toUpperCase()} — ${merged.merged!.label}${merged.interrupted ? ', interrupted' : ''} — reports in ${flags.out}\n`,
      );
      setExit(merged.verdict === 'pass' && !merged.interrupted ? 0 : 1);
    });
}
