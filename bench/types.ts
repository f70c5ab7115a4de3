/** One harness self-benchmark: measures side by side in one run and returns the lines to print. */
export interface BenchModule {
  name: string;
  /** Why this benchmark cannot run here (e.g. PostGIS missing), or undefined when it can. */
  skipReason?(): Promise<string | undefined>;
  run(log: (line: string) => void): Promise<void>;
}
