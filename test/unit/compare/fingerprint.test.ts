import { describe, expect, it } from 'vitest';
import {
  checkComparable,
  describeDifferences,
  fingerprintOf,
  flatten,
  isIgnoredField,
  normalise,
  shortPair,
} from '../../../src/compare/fingerprint.ts';
import type { RunFingerprint, RunResult } from '../../../src/model/result.ts';
import { makeResult } from '../../fixtures/result.ts';

const FP: RunFingerprint = {
  engine: {
    name: 'sqlite',
    serverVersion: 'SQLite 3.50',
    settings: { cache_size: '-16384' },
    indexDdl: 'CREATE VIRTUAL TABLE x USING rtree(id)',
  },
  index: { grids: ['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM'], cellsPerObject: 16 },
  dataset: { atoms: 2000, seed: 3, checksum: 'abc', distribution: 'projected' },
  workload: { load: { model: 'open', ratePerSec: 50 } },
  atombench: { version: '0.1.0' },
  client: { cpuModel: 'Xeon', cores: 2, memoryGiB: 8, os: 'linux 6.1 x64', node: 'v20.19.0' },
};

function withFp(change: (fp: RunFingerprint) => void = () => {}): RunResult {
  const r = makeResult();
  const fp = structuredClone(FP);
  change(fp);
  r.fingerprint = fp;
  return r;
}

describe('flatten', () => {
  it('names nested fields with dots and keeps arrays whole', () => {
    expect(flatten({ a: { b: 1, c: { d: 'x' } }, e: [1, 2], f: undefined })).toEqual({
      'a.b': '1',
      'a.c.d': 'x',
      e: '[1,2]',
    });
  });
});

describe('checkComparable', () => {
  it('accepts equal fingerprints', () => {
    expect(checkComparable(withFp(), withFp(), [])).toEqual({ blocking: [], ignored: [] });
  });

  it('names every differing field, including the grid settings and the client machine', () => {
    const c = checkComparable(
      withFp(),
      withFp((fp) => {
        fp.dataset.seed = 4;
        fp.dataset.checksum = 'def';
        fp.index.grids = ['HIGH', 'HIGH', 'HIGH', 'HIGH'];
        fp.client.cpuModel = 'EPYC';
      }),
      [],
    );
    expect(c.blocking.map((d) => d.field)).toEqual([
      'client.cpuModel',
      'dataset.checksum',
      'dataset.seed',
      'index.grids',
    ]);
    expect(c.blocking[2]).toEqual({ field: 'dataset.seed', baseline: '3', candidate: '4' });
    expect(describeDifferences(c.blocking)[2]).toBe('dataset.seed: baseline 3, candidate 4');
  });

  it('waives fields by name or by prefix', () => {
    const c = checkComparable(
      withFp(),
      withFp((fp) => {
        fp.client.os = 'linux 6.2 x64';
        fp.client.node = 'v20.20.0';
        fp.engine.settings.cache_size = '-2000';
      }),
      ['client', 'engine.settings.cache_size'],
    );
    expect(c.blocking).toEqual([]);
    expect(c.ignored.map((d) => d.field)).toEqual(['client.node', 'client.os', 'engine.settings.cache_size']);
  });

  it('never names a field whose values are equal once normalised; validity is not a field', () => {
    const bad = withFp((fp) => {
      fp.engine.settings.cache_size = -16384 as unknown as string;
      fp.dataset.atoms = '2000 ' as unknown as number;
    });
    bad.client.bottleneck = true;
    bad.client.reasons = ['event-loop delay p99 31.0 ms > 20 ms'];
    bad.interrupted = true;
    expect(checkComparable(withFp(), bad, [])).toEqual({ blocking: [], ignored: [] });
    expect(checkComparable(bad, bad, [])).toEqual({ blocking: [], ignored: [] });
    const other = withFp((fp) => (fp.engine.settings.cache_size = '-2000'));
    expect(checkComparable(bad, other, []).blocking).toEqual([
      { field: 'engine.settings.cache_size', baseline: '-16384', candidate: '-2000' },
    ]);
  });

  it('derives a fingerprint for results written before fingerprints, and counts one-sided fields as different', () => {
    const old = makeResult();
    expect(fingerprintOf(old)).toMatchObject({
      dataset: { seed: 42, checksum: 'sha256:5f1c9a0e7b3d2c4a' },
      atombench: { version: '0.1.0' },
    });
    expect(checkComparable(old, makeResult(), [])).toEqual({ blocking: [], ignored: [] });
    const c = checkComparable(old, withFp(), []);
    expect(c.blocking.find((d) => d.field === 'client.cpuModel')).toEqual({
      field: 'client.cpuModel',
      baseline: '(absent)',
      candidate: 'Xeon',
    });
  });
});

describe('normalise', () => {
  it.each([
    ['-16384', -16384],
    [' 1e3 ', 1000],
    ['1.50', 1.5],
    [-0, 0],
    ['0x10', '0x10'],
    ['WAL ', 'WAL'],
    [
      ['1', 'MEDIUM'],
      [1, 'MEDIUM'],
    ],
    [true, true],
  ])('%j -> %j', (v, out) => expect(normalise(v)).toEqual(out));
});

describe('shortPair', () => {
  it('keeps short values, cuts long ones at the start when they differ early', () => {
    expect(shortPair('a', 'b')).toEqual(['a', 'b']);
    const [b, c] = shortPair('1'.repeat(70), '2'.repeat(70));
    expect(b).toBe(`${'1'.repeat(59)}…`);
    expect(c).toBe(`${'2'.repeat(59)}…`);
  });

  it('shows where two long values first differ, so they never read the same', () => {
    const x = `${'f'.repeat(62)}a1`;
    const y = `${'f'.repeat(62)}b7`;
    const [b, c] = shortPair(x, y);
    expect(b).not.toBe(c);
    expect(b).toBe(`…${'f'.repeat(10)}a1`);
    expect(c).toBe(`…${'f'.repeat(10)}b7`);
    expect(describeDifferences([{ field: 'dataset.stored', baseline: x, candidate: y }])[0]).toBe(
      `dataset.stored: baseline …${'f'.repeat(10)}a1, candidate …${'f'.repeat(10)}b7`,
    );
  });
});

describe('isIgnoredField', () => {
  it.each([
    ['client.os', ['client'], true],
    ['client.os', ['client.os'], true],
    ['clientele', ['client'], false],
    ['dataset.seed', [], false],
  ])('%s with %j: %s', (field, patterns, ignored) => expect(isIgnoredField(field, patterns)).toBe(ignored));
});
