import cliProgress from 'cli-progress';
import type { Progress } from '../run/progress.ts';
import { silentProgress } from '../run/progress.ts';

export interface ProgressMode {
  /** --no-progress: no bar, no live line. */
  enabled: boolean;
  /** --quiet: nothing but errors and the verdict. */
  quiet: boolean;
  /** Where human output goes (stderr when --json keeps stdout for the machine). */
  stream: NodeJS.WriteStream;
}

const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/**
 * Terminal progress: a bar while seeding and a live status line while running when the stream is a
 * TTY; on a pipe or in CI, plain lines (seeding every 10 %, status every interval) so logs stay clean.
 */
export function terminalProgress(mode: ProgressMode): Progress {
  if (mode.quiet) return silentProgress;
  const out = mode.stream;
  const tty = !!out.isTTY && mode.enabled;
  let bar: cliProgress.SingleBar | undefined;
  let lastDecile = -1;
  let statusShown = false;
  const line = (s: string) => out.write(`${s}\n`);
  return {
    info: (message) => {
      if (statusShown && tty) out.write('\n');
      statusShown = false;
      line(message);
    },
    seed: (done, total) => {
      if (!mode.enabled) return;
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              stream: out,
              format: 'seeding [{bar}] {percentage}% | {value}/{total} atoms | {eta_formatted} left',
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done);
        }
        bar.update(done);
        return;
      }
      const decile = Math.floor((10 * done) / total);
      if (decile > lastDecile) {
        lastDecile = decile;
        line(`seeding: ${done}/${total} atoms (${Math.floor((100 * done) / total)}%)`);
      }
    },
    seedDone: () => {
      bar?.stop();
      bar = undefined;
      lastDecile = -1;
    },
    status: (p, extra) => {
      if (!mode.enabled) return;
      const phase = p.warmup ? 'warm-up' : 'measure';
      const parts = [
        `${extra.elapsedSec.toFixed(0).padStart(4)}s/${extra.totalSec.toFixed(0)}s ${phase}`,
        `${p.ops} ops`,
        `p95 ${fmtMs(p.p95Ms)} ms`,
        `errors ${extra.errorsTotal}`,
      ];
      if (p.queueDepth !== undefined) parts.push(`queue ${p.queueDepth}`);
      if (p.scheduleLagP99Ms !== undefined) parts.push(`lag p99 ${fmtMs(p.scheduleLagP99Ms)} ms`);
      if (p.dropped) parts.push(`dropped ${p.dropped}`);
      const text = parts.join(' | ');
      if (tty) {
        out.write(`\r\x1b[2K${text}`);
        statusShown = true;
      } else line(text);
    },
    waiting: (message) => {
      if (!mode.enabled) return;
      if (tty) {
        out.write(`\r\x1b[2K${message}`);
        statusShown = true;
      } else line(message);
    },
    done: () => {
      if (statusShown && tty) out.write('\n');
      statusShown = false;
    },
  };
}

/**
 * Whether to colour output on `stream`: FORCE_COLOR forces it ("0" / "false": off), NO_COLOR
 * (any non-empty value, https://no-color.org) turns it off, otherwise colour on a terminal only.
 */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force === '0' || force === 'false') return false;
  if (force !== undefined && force !== '') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return !!stream.isTTY;
}
