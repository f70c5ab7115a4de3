import { z } from 'zod';
import { COMPARE_SCHEMA } from '../compare/model.ts';
import { TUNE_SCHEMA } from '../tune/document.ts';

/**
 * What the reader checks in compare.json and tune.json (src/compare/model.ts and src/tune/document.ts
 * are the types): the fields their renderers read, so an edited file is refused with the field named.
 * Objects are loose: fields this version does not know are kept.
 */

const num = z.number();
const str = z.string();
const nnum = num.nullable();

const runRef = z.looseObject({
  label: str,
  runId: str,
  startedAt: str,
  trials: num,
  scenario: str,
  engine: str,
});

const comparison = z.looseObject({
  op: str,
  metric: str,
  unit: str,
  worse: z.enum(['higher', 'lower']),
  scale: z.enum(['relative', 'absolute']),
  baseline: nnum,
  candidate: nnum,
  change: nnum,
  interval: z.tuple([num, num]).nullable(),
  confidence: nnum,
  pValue: nnum,
  method: str.nullable(),
  trials: z.looseObject({ baseline: num, candidate: num }),
  minEffect: num,
  minEffectText: str,
  significant: z.boolean(),
  beyondMinEffect: z.boolean(),
  verdict: z.enum(['improved', 'no change', 'regressed', 'n/a']),
  gated: z.boolean(),
  note: str.optional(),
});

export const compareSchema = z.looseObject({
  schema: z.literal(COMPARE_SCHEMA),
  baseline: runRef,
  candidate: runRef,
  settings: z.looseObject({
    alpha: num,
    confidence: num,
    bootstrapResamples: num,
    seed: num,
    minTrialsForRankTest: num,
    minTailSamples: num,
    minEffect: z.record(z.string(), str),
    ignoreMetrics: z.array(str),
  }),
  ignoredDifferences: z.array(z.looseObject({ field: str, baseline: str, candidate: str })),
  warnings: z.array(str),
  comparisons: z.array(comparison),
  counts: z.looseObject({ regressed: num, improved: num, unchanged: num, na: num, gated: num }),
  verdict: z.enum(['pass', 'fail']),
});

const tuneRow = z.looseObject({
  rank: num,
  box: str,
  boundingBox: z.tuple([num, num, num, num]),
  grids: z.tuple([str, str, str, str]),
  cellsPerObject: num,
  current: z.boolean(),
  primaryFilterEfficiency: num,
  internalFilterShare: num,
  indexRows: num,
  candidateRowsPerQuery: num,
  outputRowsPerQuery: num,
});

export const tuneSchema = z.looseObject({
  schema: z.literal(TUNE_SCHEMA),
  model: z.looseObject({ windowMaxCells: num, cellOrder: str, assumptions: z.array(str) }),
  data: z.record(z.string(), z.unknown()),
  boxes: z.array(z.looseObject({ label: str })),
  cellsPerObject: z.array(num),
  sections: z.array(
    z.looseObject({
      label: str,
      queries: z.record(z.string(), z.unknown()),
      current: tuneRow,
      recommended: tuneRow,
      rows: z.array(tuneRow),
    }),
  ),
  findings: z.array(str),
  measured: z.looseObject({ configs: z.array(z.looseObject({})) }).optional(),
  measuredOptions: z.looseObject({ configs: z.array(z.looseObject({})) }).optional(),
  engine: z.looseObject({ name: str, gridModelApplies: z.boolean(), note: str }).optional(),
});
