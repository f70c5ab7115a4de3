/**
 * Maintenance windows and the latency split they make (scenario `maintenance:`). Each finished operation
 * of the measured window is recorded into an `inside` or `outside` histogram per operation: inside when
 * the request's lifetime [end - latency, end] overlapped a maintenance window (one still running counts
 * as open-ended). Time is the injected clock's (ms); nothing here reads a real clock.
 */
import { createLatencyHistogram, recordMicros, type HdrHistogram } from './histogram.ts';

export interface WindowSpan {
  kind: 'statistics' | 'rebuild';
  startMs: number;
  /** Undefined while the operation runs. */
  endMs?: number;
}

/** The windows of one run, in clock ms. */
export class WindowLog {
  private readonly spans: WindowSpan[] = [];

  open(kind: WindowSpan['kind'], atMs: number): WindowSpan {
    const w: WindowSpan = { kind, startMs: atMs };
    this.spans.push(w);
    return w;
  }

  close(w: WindowSpan, atMs: number): void {
    w.endMs = atMs;
  }

  /** Does [fromMs, toMs] overlap any window? */
  overlaps(fromMs: number, toMs: number): boolean {
    for (const w of this.spans) if (w.startMs <= toMs && (w.endMs ?? Infinity) >= fromMs) return true;
    return false;
  }

  /** The kinds of the windows overlapping [fromMs, toMs], sorted, without repeats. */
  kindsIn(fromMs: number, toMs: number): string[] {
    const kinds = new Set<string>();
    for (const w of this.spans) if (w.startMs <= toMs && (w.endMs ?? Infinity) >= fromMs) kinds.add(w.kind);
    return [...kinds].sort();
  }

  get all(): readonly WindowSpan[] {
    return this.spans;
  }
}

export interface SplitHistograms {
  inside: HdrHistogram;
  outside: HdrHistogram;
}

export class LatencySplit {
  readonly byOp = new Map<string, SplitHistograms>();

  constructor(private readonly windows: WindowLog) {}

  /** One successful operation that ended at endMs (clock ms) after latencyUs. */
  record(op: string, latencyUs: number, endMs: number): void {
    let s = this.byOp.get(op);
    if (!s) {
      s = { inside: createLatencyHistogram(), outside: createLatencyHistogram() };
      this.byOp.set(op, s);
    }
    const inside = this.windows.overlaps(endMs - latencyUs / 1000, endMs);
    recordMicros(inside ? s.inside : s.outside, latencyUs);
  }
}
