/**
 * The command's budget: steps and wall-clock minutes, shared by the rate search, the sweep and the OODA
 * side. A step is started only when the budget can afford it: its expected length is the longest step so
 * far (or the caller's estimate before the first), so the command never runs past the stated time.
 */
export class Budget {
  private started: number;
  private longestMs = 0;
  stepsRun = 0;

  constructor(
    readonly maxSteps: number,
    readonly maxMinutes: number,
    private readonly nowMs: () => number,
    /** Expected length of a step before one has run (warm-up + duration + set-up). */
    private readonly firstStepEstimateMs: number,
  ) {
    this.started = nowMs();
  }

  elapsedMs(): number {
    return this.nowMs() - this.started;
  }

  remainingMs(): number {
    return this.maxMinutes * 60_000 - this.elapsedMs();
  }

  /** Why the next step cannot run, or undefined when it can. */
  refusal(): string | undefined {
    if (this.stepsRun >= this.maxSteps) return `capacity.maxSteps (${this.maxSteps}) reached`;
    const expected = Math.max(this.longestMs, this.firstStepEstimateMs);
    if (expected > this.remainingMs())
      return `capacity.maxMinutes (${this.maxMinutes}) would be exceeded by the next step (~${Math.ceil(expected / 1000)} s, ${Math.max(0, Math.floor(this.remainingMs() / 1000))} s left)`;
    return undefined;
  }

  /** Run one step, counting it and its length. */
  async step<T>(fn: () => Promise<T>): Promise<T> {
    const t0 = this.nowMs();
    this.stepsRun++;
    try {
      return await fn();
    } finally {
      this.longestMs = Math.max(this.longestMs, this.nowMs() - t0);
    }
  }
}
