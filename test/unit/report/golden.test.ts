import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareResults } from '../../../src/compare/compare.ts';
import { resolveGate } from '../../../src/scenario/gate.ts';
import type { RunResult } from '../../../src/model/result.ts';
import { REPORTERS } from '../../../src/report/registry.ts';
import { type TuneJson } from '../../../src/tune/document.ts';

/**
 * Committed documents re-rendered byte for byte: result.json (a real `npm start` run) and tune.json (a
 * real `tune --model-only`, its ranked rows cut to the first 40), and the comparison of the run with itself. A change to any renderer shows
 * here first; `ATOMBENCH_UPDATE_GOLDEN=1` rewrites the expected files after a deliberate change.
 */
const dir = new URL('../../fixtures/golden/', import.meta.url);
const read = (f: string) => readFileSync(new URL(f, dir), 'utf8');
const update = process.env.ATOMBENCH_UPDATE_GOLDEN === '1';

function expectGolden(file: string, actual: string): void {
  if (update) writeFileSync(new URL(file, dir), actual);
  expect(actual).toBe(read(file));
}

const result = JSON.parse(read('result.json')) as RunResult;
const tune = JSON.parse(read('tune.json')) as TuneJson;

describe('committed documents re-render byte for byte', () => {
  it.each(['md', 'junit', 'csv', 'html'])('result.json as %s', (format) => {
    const r = REPORTERS.run[format]!;
    expectGolden(`expected/${r.fileName!}`, r.render(result));
  });

  it('result.json on the terminal', () => {
    expectGolden('expected/terminal.txt', REPORTERS.run.terminal!.render(result, { color: false }));
  });

  it.each(['md', 'junit', 'json', 'html'])('the run compared with itself as %s', (format) => {
    const { settings } = resolveGate(result.scenario.gate, {});
    const cmp = compareResults({
      baseline: result,
      candidate: result,
      settings,
      labels: { baseline: 'a', candidate: 'a' },
    });
    const r = REPORTERS.compare[format]!;
    expectGolden(`expected/${r.fileName}`, r.render(cmp));
  });

  it.each(['md', 'html'])('tune.json as %s', (format) => {
    const r = REPORTERS.tune[format]!;
    expectGolden(`expected/${r.fileName!}`, r.render(tune));
  });
});
