import type { RunResult } from '../../model/result.ts';

/** result.json: the whole result, pretty-printed so diffs between runs stay readable. */
export function renderJson(result: RunResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}
