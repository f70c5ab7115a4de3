import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.ts';
import { readDocument, readResult } from '../../../src/report/read.ts';
import { makeCapacityDocument } from '../../fixtures/capacity-document.ts';

const golden = (f: string) => new URL(`../../fixtures/golden/${f}`, import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'atombench-read-'));
const result = JSON.parse(readFileSync(golden('result.json'), 'utf8')) as Record<string, unknown>;

function write(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UserError);
  return (e as Error).message;
}

describe('the one reader of result.json, compare.json, tune.json and capacity.json', () => {
  it('reads the committed documents by their schema id', async () => {
    expect((await readDocument(golden('result.json').pathname)).kind).toBe('run');
    expect((await readDocument(golden('tune.json').pathname)).kind).toBe('tune');
    expect((await readDocument(golden('expected/compare.json').pathname)).kind).toBe('compare');
    expect((await readResult(golden('result.json').pathname)).runId).toBe(result.runId);
  });

  it('refuses an edited file naming the fields, all at once, in one line', async () => {
    const ops = result.operations as Record<string, unknown>[];
    const edited = {
      ...result,
      total: { ...(result.total as object), latencyMs: { ...(ops[0]!.latencyMs as object), p50: 'fast' } },
      operations: 'x',
    };
    const msg = await refusal(readResult(write('edited.json', edited), '<candidate>: '));
    expect(msg).toMatch(/^<candidate>: .*edited\.json: not a valid result\.json: /);
    expect(msg).toContain('operations: Invalid input: expected array, received string');
    expect(msg).toContain('total.latencyMs.p50: Invalid input: expected number, received string');
    expect(msg.split('\n')).toHaveLength(1);
  });

  it('refuses truncated JSON, a wrong schema id and a missing file', async () => {
    const text = readFileSync(golden('result.json'), 'utf8');
    expect(await refusal(readResult(write('cut.json', text.slice(0, 500))))).toMatch(/not JSON/);
    expect(await refusal(readDocument(write('other.json', { schema: 'x@1' })))).toMatch(
      /schema is "x@1", expected one of "atombench\/result@1"/,
    );
    expect(await refusal(readDocument(write('null.json', 'null')))).toMatch(/schema is undefined/);
    expect(await refusal(readResult(join(dir, 'missing.json')))).toMatch(/cannot read \(ENOENT\)/);
  });

  it('keeps fields it does not know (a newer atombench wrote them)', async () => {
    const r = await readResult(write('newer.json', { ...result, futureField: { a: 1 } }));
    expect((r as unknown as Record<string, unknown>).futureField).toEqual({ a: 1 });
  });

  it('reads a capacity.json and refuses an edited one naming the fields, in one line', async () => {
    const cap = makeCapacityDocument();
    const read = await readDocument(write('capacity.json', cap));
    expect(read.kind).toBe('capacity');
    expect(read.doc).toEqual(JSON.parse(JSON.stringify(cap)));
    const knee = cap.search!.knee!;
    const edited = {
      ...cap,
      search: { ...cap.search, knee: { ...knee, interval: [knee.interval[0]] } },
      sweep: { ...cap.sweep, points: [{ ...cap.sweep!.points[0], indexBytes: '1 MiB' }] },
      budget: null,
    };
    const msg = await refusal(readDocument(write('capacity-edited.json', edited)));
    expect(msg).toMatch(/capacity-edited\.json: not a valid capacity\.json: /);
    expect(msg).toContain('search.knee.interval');
    expect(msg).toContain('sweep.points[0].indexBytes: Invalid input: expected number, received string');
    expect(msg).toContain('budget: Invalid input: expected object, received null');
    expect(msg.split('\n')).toHaveLength(1);
    const text = JSON.stringify(cap);
    expect(await refusal(readDocument(write('capacity-cut.json', text.slice(0, text.length / 2))))).toMatch(
      /capacity-cut\.json: not JSON/,
    );
  });
});
