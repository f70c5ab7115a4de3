import { describe, expect, it } from 'vitest';
import { serverBoundDrops } from '../../../src/load/self-check.ts';
import { clientWarning } from '../../../src/report/run/rows.ts';
import { makeResult } from '../../fixtures/result.ts';
import { resolveMetric } from '../../../src/targets/metrics.ts';
import { parseTargetExpression } from '../../../src/targets/grammar.ts';

describe("drops the server's latency explains (Little's law)", () => {
  it('names the server when rate x mean latency exceeds maxInFlight, and only then', () => {
    // runbook-1m on SQLite: 20/s, mean 38.7 s, 64 in flight at most.
    expect(serverBoundDrops({ ratePerSec: 20, meanLatencyMs: 38_739, maxInFlight: 64, dropped: 2257 })).toBe(
      "at 20/s with a mean latency of 38.7 s, 775 requests would have to be in flight (load.maxInFlight 64): the server's service time limited the load",
    );
    expect(serverBoundDrops({ ratePerSec: 1000, meanLatencyMs: 70, maxInFlight: 64, dropped: 3 })).toMatch(
      /mean latency of 70\.0 ms, 70 requests/,
    );
    // 1000/s x 50 ms = 50 in flight: below 64, so the drops are not the server's latency alone.
    expect(
      serverBoundDrops({ ratePerSec: 1000, meanLatencyMs: 50, maxInFlight: 64, dropped: 3 }),
    ).toBeUndefined();
    expect(
      serverBoundDrops({ ratePerSec: 20, meanLatencyMs: 38_739, maxInFlight: 64, dropped: 0 }),
    ).toBeUndefined();
    expect(
      serverBoundDrops({ ratePerSec: 20, meanLatencyMs: 0, maxInFlight: 64, dropped: 9 }),
    ).toBeUndefined();
  });

  it('the drop target and the warning say the server limited the load, the self-check still blocks gating', () => {
    const r = makeResult();
    const reason = serverBoundDrops({
      ratePerSec: 20,
      meanLatencyMs: 38_739,
      maxInFlight: 64,
      dropped: 2257,
    })!;
    r.load = {
      ...r.load,
      model: 'open',
      ratePerSec: 20,
      achievedRatePerSec: 2,
      dropped: 2257,
      dropRatio: 0.943,
    };
    r.client = {
      ...r.client,
      bottleneck: true,
      reasons: ['open-loop schedule lag p99 10.6 ms > 10 ms'],
      limitedBy: 'server',
      serverReasons: [reason],
    };
    const m = resolveMetric('load.dropRatio');
    const e = parseTargetExpression('ratio < 1%');
    if (!m.ok || !e.ok) throw new Error('metric');
    const reading = m.def.read(r, e.expr);
    expect(reading).toMatchObject({
      value: 0.943,
      note: expect.stringMatching(/^the server could not keep up: 94\.3% of arrivals dropped/),
    });
    const w = clientWarning(r)!;
    expect(w).toMatch(
      /^the client's self-check failed: open-loop schedule lag p99 10\.6 ms > 10 ms, so do not gate a release/,
    );
    expect(w).toContain('the load itself was limited by the server (at 20/s with a mean latency of 38.7 s');
    // A client that limited the load is still named as such.
    r.client = { ...r.client, limitedBy: 'client' };
    expect(m.def.read(r, e.expr)).toMatchObject({
      note: expect.stringMatching(/^the client could not keep up/),
    });
    expect(clientWarning(r)).toMatch(/^the client itself was the bottleneck/);
  });
});
