import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { RunResult } from '../../../src/model/result.ts';
import { makeResult } from '../../fixtures/result.ts';
import { synthRun } from '../compare/synthetic.ts';

/**
 * `atombench compare a a` through the CLI's own entry point, for every committed result fixture and for
 * the validity flags a run can carry: always "no change", exit 0. A flag on one side only is exit 2 with
 * the side named.
 */
const dir = mkdtempSync(join(tmpdir(), 'atombench-self-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GOLDEN = 'test/fixtures/golden/result.json';
const golden = (): RunResult => JSON.parse(readFileSync(GOLDEN, 'utf8')) as RunResult;

function flagged(r: RunResult, how: 'limited' | 'interrupted' | 'trial'): RunResult {
  if (how === 'limited') {
    r.client.bottleneck = true;
    r.client.reasons = ['event-loop delay p99 31.0 ms > 20 ms'];
  } else if (how === 'interrupted') r.interrupted = true;
  else r.trials![0]!.clientBottleneck = true;
  return r;
}

const FIXTURES: Record<string, () => RunResult> = {
  'golden/result.json': golden,
  'fixtures/result.ts makeResult': makeResult,
  'synthetic 5 trials': () => synthRun({ trials: 5, seed: 7 }),
  'golden, client-limited': () => flagged(golden(), 'limited'),
  'golden, interrupted': () => flagged(golden(), 'interrupted'),
  'makeResult, client-limited and interrupted': () =>
    flagged(flagged(makeResult(), 'limited'), 'interrupted'),
  'synthetic, one trial flagged': () => flagged(synthRun({ trials: 3, seed: 8 }), 'trial'),
};

let n = 0;
function write(r: RunResult): string {
  const f = join(dir, `r${n++}.json`);
  writeFileSync(f, JSON.stringify(r));
  return f;
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await main(['node', 'atombench', ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('compare a a', () => {
  it('the committed golden result on disk: exit 0, nothing regressed or improved', async () => {
    const r = await cli('compare', GOLDEN, GOLDEN, '--quiet');
    expect(r).toEqual({
      code: 0,
      out: 'compare: PASS — 0 regressed, 0 improved, 25 no change, 7 n/a\n',
      err: '',
    });
  });

  it.each(Object.keys(FIXTURES))('%s: exit 0, every metric "no change" or n/a', async (name) => {
    const file = write(FIXTURES[name]!());
    const out = join(dir, `cmp${n++}`);
    const r = await cli('compare', file, file, '--out', out, '--format', 'json', '--quiet');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^compare: PASS — 0 regressed, 0 improved, [1-9]\d* no change, \d+ n\/a\n/);
    const cmp = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8'));
    const verdicts = new Set(cmp.comparisons.map((c: { verdict: string }) => c.verdict));
    expect(verdicts.has('no change')).toBe(true);
    expect([...verdicts].filter((v) => v !== 'no change' && v !== 'n/a')).toEqual([]);
    expect(cmp.ignoredDifferences).toEqual([]);
    if (/limited|flagged|interrupted/.test(name))
      expect(cmp.warnings.join('\n')).toMatch(/^both runs were (client-limited|interrupted)/m);
  });

  it('a flag on one side only: exit 2 naming the side and the waiver, never "differ"', async () => {
    const clean = write(golden());
    const bad = write(flagged(golden(), 'limited'));
    const r = await cli('compare', clean, bad, '--quiet');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `atombench: cannot compare ${bad} with ${clean}: the candidate was client-limited (event-loop delay p99 31.0 ms > 20 ms), ` +
        'the baseline was not: lower the load (load.ratePerSec, load.concurrency) or run on a larger client until the ' +
        'self-check passes (to compare anyway: --ignore validity.clientBottleneck)\n',
    );
    const ok = await cli('compare', clean, bad, '--quiet', '--ignore', 'validity.clientBottleneck');
    expect(ok.code).toBe(0);
  });

  it('a numeric setting written as a string is the same value, not a difference', async () => {
    const a = golden();
    const b = golden();
    b.fingerprint!.engine.settings.cache_size = ' -16384';
    b.fingerprint!.engine.settings.page_size = '4096.0';
    const r = await cli('compare', write(a), write(b), '--quiet');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});
