import { describe, expect, it } from 'vitest';
import { ThreadBudget } from '../../../../src/engines/sqlite/pool/thread-budget.ts';

describe('ThreadBudget', () => {
  it('grants up to its limit at once, then in order as threads exit', async () => {
    const b = new ThreadBudget(2);
    await b.acquire();
    await b.acquire();
    const order: number[] = [];
    const third = b.acquire().then(() => order.push(3));
    const fourth = b.acquire().then(() => order.push(4));
    await Promise.resolve();
    expect({ alive: b.alive, queued: b.queued, order }).toEqual({ alive: 2, queued: 2, order: [] });
    b.release();
    await third;
    expect({ alive: b.alive, queued: b.queued, order }).toEqual({ alive: 2, queued: 1, order: [3] });
    b.release();
    await fourth;
    b.release();
    b.release();
    expect({ alive: b.alive, queued: b.queued, peak: b.peak, order }).toEqual({
      alive: 0,
      queued: 0,
      peak: 2,
      order: [3, 4],
    });
  });

  it('refuses a release it never granted and a limit below 1', () => {
    expect(() => new ThreadBudget(2).release()).toThrow(/without acquire/);
    expect(() => new ThreadBudget(0)).toThrow(/at least 1/);
  });
});
