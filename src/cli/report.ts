import { useColor } from './progress.ts';
import { dirname } from 'node:path';
import { Command } from 'commander';
import { readDocument } from '../report/read.ts';
import { DEFAULT_FORMATS, formatNames, parseFormats, reporterFor } from '../report/registry.ts';
import { writeDocument } from '../report/write.ts';

export function reportCommand(setExit: (code: number) => void): Command {
  return new Command('report')
    .description('re-render reports from a result.json alone (or a compare.json / tune.json / capacity.json)')
    .argument(
      '<result>',
      'a result.json written by atombench run, or a compare.json, tune.json or capacity.json',
    )
    .option(
      '--format <list>',
      `formats, comma-separated (${formatNames('run').join(', ')}; default ${DEFAULT_FORMATS.run.join(',')}; ` +
        `compare.json: ${formatNames('compare').join(', ')}; tune.json: ${formatNames('tune').join(', ')}; ` +
        `capacity.json: ${formatNames('capacity').join(', ')})`,
    )
    .option('--out <dir>', 'folder to write into (default: beside the input file)')
    .action(async (file: string, flags: { format?: string; out?: string }) => {
      const d = await readDocument(file);
      const out = flags.out ?? dirname(file);
      const formats = parseFormats(d.kind, flags.format ?? DEFAULT_FORMATS[d.kind].join(','));
      if (d.kind === 'run' && formats.includes('terminal'))
        process.stdout.write(
          reporterFor('run', 'terminal').render(d.doc, { color: useColor(process.stdout) }),
        );
      if (d.kind === 'capacity' && formats.includes('terminal'))
        process.stdout.write(reporterFor('capacity', 'terminal').render(d.doc));
      const files =
        d.kind === 'run'
          ? await writeDocument('run', d.doc, out, formats)
          : d.kind === 'compare'
            ? await writeDocument('compare', d.doc, out, formats)
            : d.kind === 'tune'
              ? await writeDocument('tune', d.doc, out, formats)
              : await writeDocument('capacity', d.doc, out, formats);
      for (const f of files) process.stdout.write(`wrote ${f}\n`);
      setExit(0);
    });
}
