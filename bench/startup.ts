/**
 * Start-up as users meet it: `atombench --version`, wall clock and peak RSS, side by side in one run
 * (alternating, medians of ATOMBENCH_BENCH_REPS, default 5):
 * - the bundle in node_modules/.cache/atombench/ (this user can write node_modules);
 * - a node_modules this user cannot write (another user, uid 65534, as in a container image run by
 *   someone else): the bundle in that user's own cache (src/bundle-cache.mjs). Needs root to switch;
 * - the sources through tsx, what such a user got before (and what anyone gets with no bundle);
 * - with ATOMBENCH_BENCH_BASE_CLI, that build's command as the other user (before / after).
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from 'simple-statistics';
import { BASE_CLI, e2eSkipReason, load1, timedProcess, type ProcessFigures } from './e2e-process.ts';
import type { BenchModule } from './types.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'atombench.js');
const OTHER_UID = 65534;
const SETPRIV = '/usr/bin/setpriv';

/** What bin/atombench.js does when no bundle can be built. */
const TSX_MAIN =
  `const { main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'src/cli/main.ts')).href)});` +
  "process.exitCode = await main(['node', 'atombench', '--version']);";

interface Variant {
  label: string;
  run(): ProcessFigures;
}

function asOtherUser(home: string, args: string[], dir: string): ProcessFigures {
  const env = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' };
  const cmd = [`--reuid=${OTHER_UID}`, `--regid=${OTHER_UID}`, '--clear-groups', process.execPath, ...args];
  return timedProcess(SETPRIV, cmd, env, dir);
}

export const startup: BenchModule = {
  name: 'startup: atombench --version',
  async skipReason() {
    return e2eSkipReason();
  },
  async run(log) {
    const reps = Number(process.env.ATOMBENCH_BENCH_REPS ?? 5);
    const dir = mkdtempSync(join(tmpdir(), 'atombench-bench-startup-'));
    chmodSync(dir, 0o755); // the other user's home is below it
    const env = { ...process.env, NO_COLOR: '1' };
    const variants: Variant[] = [
      {
        label: 'bundle in node_modules/.cache',
        run: () => timedProcess(process.execPath, [CLI, '--version'], env, dir),
      },
      {
        label: 'tsx (no bundle)',
        run: () =>
          timedProcess(
            process.execPath,
            ['--import', 'tsx', '--input-type=module', '-e', TSX_MAIN],
            env,
            dir,
          ),
      },
    ];
    const canSwitch = process.getuid?.() === 0 && existsSync(SETPRIV);
    if (canSwitch) {
      const home = join(dir, 'home');
      mkdirSync(home);
      chownSync(home, OTHER_UID, OTHER_UID);
      variants.push({
        label: `read-only node_modules (uid ${OTHER_UID}): per-user cache`,
        run: () => asOtherUser(home, [CLI, '--version'], dir),
      });
      const base = BASE_CLI;
      if (base)
        variants.push({
          label: `read-only node_modules (uid ${OTHER_UID}): ${base}`,
          run: () => asOtherUser(home, [base, '--version'], dir),
        });
    } else log('  read-only node_modules: not measured (needs root and setpriv to run as another user)');
    try {
      // One warm-up each: builds the bundles, fills tsx's transform cache.
      for (const v of variants) check(v.label, v.run());
      const figures = variants.map(() => [] as ProcessFigures[]);
      const loads: string[] = [load1()];
      for (let r = 0; r < reps; r++) variants.forEach((v, i) => figures[i]!.push(check(v.label, v.run())));
      loads.push(load1());
      for (const [i, v] of variants.entries()) {
        const f = figures[i]!;
        log(
          `  ${v.label}: wall ${median(f.map((x) => x.wallSec)).toFixed(2)} s, ` +
            `CPU ${median(f.map((x) => x.cpuSec)).toFixed(2)} s, peak RSS ${median(f.map((x) => x.maxRssMb)).toFixed(0)} MB ` +
            `(medians of ${reps})`,
        );
      }
      log(`  load average ${loads.join(' -> ')}`);
    } finally {
      // The other user's files: removed as root (rmSync does not care who owns them).
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function check(label: string, f: ProcessFigures): ProcessFigures {
  if (f.status !== 0 || !/^\d+\.\d+\.\d+/.test(f.stdout.trim()))
    throw new Error(`${label}: exit ${f.status}, stdout ${f.stdout.trim()}, stderr ${f.stderr.trim()}`);
  return f;
}
