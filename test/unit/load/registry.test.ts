import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.ts';
import { LOAD_MODELS, loadModel, loadPoolSize, startLoad } from '../../../src/load/registry.ts';
import type { LoadContext } from '../../../src/load/types.ts';
import { loadSchema } from '../../../src/scenario/load-schema.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';

function context(clock: FakeClock, totalMs: number, workMs: number): LoadContext & { calls: number } {
  const ctx = {
    calls: 0,
    next: () => ({ op: 'spatial.knn' as const, q: { x: 0, y: 0, z: 0 }, k: 1 }),
    execute: async () => {
      ctx.calls++;
      await clock.sleep(workMs);
      return { rows: 1 };
    },
    classify: () => 'Error',
    sink: {
      recordSuccess: () => {},
      recordError: () => {},
      recordScheduleLag: () => {},
      recordDropped: () => {},
      recordCancelled: () => {},
    },
    clock,
    signal: new AbortController().signal,
    totalMs,
    gracefulStopMs: 1000,
  };
  return ctx;
}

describe('load model registry', () => {
  it('lists open and closed, each under its own name', () => {
    expect(Object.keys(LOAD_MODELS)).toEqual(['open', 'closed']);
    for (const [name, m] of Object.entries(LOAD_MODELS)) expect(m.name).toBe(name);
  });

  it('refuses an unknown model with a UserError that lists the valid ones', () => {
    expect(() => loadModel('ramp')).toThrow(UserError);
    expect(() => loadModel('ramp')).toThrow('unknown load model "ramp"; valid: open, closed');
  });

  it('sizes the pool per model: the open loop its connections, the closed loop its largest concurrency', () => {
    expect(loadPoolSize(loadSchema.parse({ model: 'open', connections: 6, ratePerSec: 500 }))).toBe(6);
    expect(loadPoolSize(loadSchema.parse({ model: 'closed', concurrency: 3 }))).toBe(3);
    const staged = loadSchema.parse({
      model: 'closed',
      concurrency: 2,
      stages: [{ durationSec: 1, concurrency: 9 }, { durationSec: 1 }],
    });
    expect(loadPoolSize(staged)).toBe(9);
  });

  it('starts the open model on its schedule: rate x duration arrivals whatever the server does', async () => {
    const clock = new FakeClock();
    const ctx = context(clock, 1000, 30);
    const load = loadSchema.parse({ model: 'open', ratePerSec: 100, maxInFlight: 1000 });
    const done = startLoad(ctx, load, 0, () => 0.5);
    await clock.advance(1100);
    const out = await done;
    expect(out).toMatchObject({ issued: 100, dropped: 0, completed: 100 });
    expect(out.maxInFlight).toBe(3); // 30 ms of work at one arrival per 10 ms
  });

  it('starts the closed model: N workers, each waiting for its answer', async () => {
    const clock = new FakeClock();
    const ctx = context(clock, 100, 10);
    const done = startLoad(ctx, loadSchema.parse({ model: 'closed', concurrency: 3 }), 0, () => 0.5);
    await clock.advance(200);
    const out = await done;
    expect(out).toMatchObject({ issued: 30, dropped: 0, completed: 30, maxInFlight: 3 });
  });
});
