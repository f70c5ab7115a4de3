import { describe, expect, it } from 'vitest';
import type { Point3 } from '../../../src/dataset/types.ts';
import type { Engine, EngineRequest, WalkStep, WalkStepFn } from '../../../src/engines/types.ts';
import { walk, type WalkRequest } from '../../../src/workload/spatial-walk.ts';
import { executeOperation } from '../../../src/workload/registry.ts';

const P = (x: number, y = 0): Point3 => ({ x, y, z: 0 });
const req = (steps: number): WalkRequest => ({
  op: 'spatial.walk',
  q: P(10),
  goal: P(0),
  radius: 3,
  steps,
  pool: 7,
});

/** A step that answers from a script and records what it was asked. */
function scripted(answers: (Point3 | undefined)[]) {
  const asked: WalkStep[] = [];
  const step = async (s: WalkStep) => (asked.push(s), answers[asked.length - 1]);
  return { asked, step };
}

describe('the walk loop', () => {
  it('moves while each step gets nearer the goal, from the point it reached', async () => {
    const s = scripted([P(8), P(5), P(2)]);
    expect(await walk(req(10), s.step)).toEqual({ rows: 3, queries: 4 });
    expect(s.asked.map((a) => a.q.x)).toEqual([10, 8, 5, 2]);
    for (const a of s.asked) expect(a).toMatchObject({ goal: P(0), radius: 3, pool: 7 });
  });

  it('stops at the first step that makes no progress (an equal distance is none)', async () => {
    expect(await walk(req(10), scripted([P(8), P(9), P(1)]).step)).toEqual({ rows: 1, queries: 2 });
    expect(await walk(req(10), scripted([P(8), P(0, 8), P(1)]).step)).toEqual({ rows: 1, queries: 2 });
  });

  it('stops when the window around the current point is empty', async () => {
    expect(await walk(req(10), scripted([undefined]).step)).toEqual({ rows: 0, queries: 1 });
  });

  it('takes at most `steps` steps', async () => {
    const s = scripted([P(9), P(8), P(7), P(6), P(5)]);
    expect(await walk(req(3), s.step)).toEqual({ rows: 3, queries: 3 });
    expect(s.asked).toHaveLength(3);
  });

  it('runs one step at a time', async () => {
    let inFlight = 0;
    let most = 0;
    const step = async (s: WalkStep) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return P(s.q.x - 1);
    };
    expect(await walk(req(5), step)).toEqual({ rows: 5, queries: 5 });
    expect(most).toBe(1);
  });
});

describe('executeOperation', () => {
  const engine = (calls: string[]) =>
    ({
      run: async (r: EngineRequest) => (calls.push(`run ${r.op}`), { rows: 1, queries: 1 }),
      withWalkStep: (loop: (step: WalkStepFn) => Promise<unknown>) =>
        loop(async (s) => (calls.push('step'), s.q.x > 8 ? P(s.q.x - 1) : undefined)),
    }) as unknown as Engine;

  it('runs the walk through the engine walk step, and everything else in one engine call', async () => {
    const calls: string[] = [];
    const e = engine(calls);
    expect(await executeOperation(e, req(5))).toEqual({ rows: 2, queries: 3 });
    expect(await executeOperation(e, { op: 'spatial.knn', q: P(0), k: 3 })).toEqual({ rows: 1, queries: 1 });
    expect(calls).toEqual(['step', 'step', 'step', 'run spatial.knn']);
  });
});
