import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { storedFingerprint } from '../../../src/engines/sqlite/fingerprint.ts';
import { resolveNames } from '../../../src/scenario/names.ts';

/**
 * The SQLite fingerprint's row counts come from the indexes when that is exact (dense AtomIds, every
 * embedding naming one of them) and from the join otherwise: on real SQLite, for each way the rows can
 * be altered, the counts equal the join's.
 */
const names = resolveNames('runbook', {});

function db(): Database.Database {
  const d = new Database(':memory:');
  d.pragma('foreign_keys = OFF'); // as the engine runs (journal and pragmas in engines/sqlite)
  const schema = readFileSync('seed/sqlite/schema.sql', 'utf8').replace(
    /\{\{(\w+)\}\}/g,
    (_, k: string) => `"${(names as unknown as Record<string, string>)[k]}"`,
  );
  d.exec(schema);
  const atom = d.prepare(`INSERT INTO Atoms (AtomId, Modality, ContentHash) VALUES (?, 'text', ?)`);
  const emb = d.prepare(`INSERT INTO AtomEmbeddings (AtomId, X, Y, Z) VALUES (?, ?, ?, ?)`);
  for (let i = 1; i <= 50; i++) {
    atom.run(i, Buffer.from(String(i)));
    emb.run(i, i, -i, 0);
  }
  return d;
}

const JOIN = `SELECT count(*) AS rows, min(a.AtomId) AS lo, max(a.AtomId) AS hi
  FROM Atoms a LEFT JOIN AtomEmbeddings x ON x.AtomId = a.AtomId`;

const CASES: [string, string][] = [
  ['as seeded', ''],
  ['a second embedding for one atom', 'INSERT INTO AtomEmbeddings (AtomId, X, Y, Z) VALUES (7, 0, 0, 0)'],
  ['an embedding deleted', 'DELETE FROM AtomEmbeddings WHERE AtomId = 9'],
  ['an atom deleted in the middle (its embedding left)', 'DELETE FROM Atoms WHERE AtomId = 20'],
  ['the last atoms deleted (their embeddings left)', 'DELETE FROM Atoms WHERE AtomId > 45'],
  [
    'an orphan embedding inside the id range',
    "DELETE FROM Atoms WHERE AtomId = 30; INSERT INTO Atoms (AtomId, Modality, ContentHash) VALUES (51, 'text', x'00')",
  ],
  ['an embedding naming a REAL id', 'UPDATE AtomEmbeddings SET AtomId = 12.5 WHERE AtomId = 12'],
  ['an embedding naming a text id', "UPDATE AtomEmbeddings SET AtomId = 'x' WHERE AtomId = 13"],
  ['two embeddings naming one REAL id', 'UPDATE AtomEmbeddings SET AtomId = 12.5 WHERE AtomId IN (12, 14)'],
  ['two embeddings naming one missing id', 'UPDATE AtomEmbeddings SET AtomId = 99 WHERE AtomId IN (3, 4)'],
  ['every embedding deleted', 'DELETE FROM AtomEmbeddings'],
  ['every row deleted', 'DELETE FROM AtomEmbeddings; DELETE FROM Atoms'],
];

describe('SQLite stored fingerprint totals', () => {
  it.each(CASES)('%s: rows, min and max id equal the join', (_name, change) => {
    const d = db();
    if (change) d.exec(change);
    const want = d.prepare(JOIN).get() as { rows: number; lo: number | null; hi: number | null };
    const emb = (d.prepare('SELECT count(*) AS n FROM AtomEmbeddings').get() as { n: number }).n;
    const fp = storedFingerprint(d, names, { atoms: 50, buckets: [0] }, false);
    expect({ rows: fp.rows, lo: fp.minId, hi: fp.maxId, emb: fp.embeddingRows }).toEqual({ ...want, emb });
    d.close();
  });
});
