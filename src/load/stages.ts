/**
 * Stages ramp the load: each stage holds a rate (open loop) or a concurrency (closed loop) for its
 * duration, counted from the end of warm-up; warm-up uses the first stage's value, and after the
 * last stage its value holds. Without stages the base value holds throughout.
 */
export interface StageValue {
  durationSec: number;
  value: number;
}

export function stageValueAt(tMs: number, warmupMs: number, base: number, stages: StageValue[]): number {
  if (stages.length === 0) return base;
  let t = tMs - warmupMs;
  if (t < 0) return stages[0]!.value;
  for (const s of stages) {
    if (t < s.durationSec * 1000) return s.value;
    t -= s.durationSec * 1000;
  }
  return stages[stages.length - 1]!.value;
}

export function stagesTotalSec(stages: StageValue[]): number {
  return stages.reduce((a, s) => a + s.durationSec, 0);
}
