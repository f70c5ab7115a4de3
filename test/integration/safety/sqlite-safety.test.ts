import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveNames } from '../../../src/scenario/names.ts';
import { sqliteTemplateNames } from '../../../src/engines/sqlite/dialect.ts';
import { quoteDouble, renderSqlFile } from '../../../src/engines/sql-template.ts';

/**
 * The hostile setups of issue 13 on real SQLite files, through the CLI as a user runs it: the file is
 * byte for byte the same after every refusal (sha256 of the file), the exit code is 2, the message names
 * the table and the count.
 */
const BIN = resolve('bin/atombench.js');
const cwd = mkdtempSync(join(tmpdir(), 'atombench-sqlite-safety-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const ATOMS = 1000;
const SCENARIO = `
name: safety
dataset: { atoms: ${ATOMS}, seed: 5, batchSize: 250 }
workload:
  mix:
    - { op: spatial.knn, weight: 1, k: 5 }
load: { model: closed, concurrency: 1 }
warmupSec: 0
durationSec: 0.5
ooda: { enabled: false }
targets: {}
`;
writeFileSync(join(cwd, 's.yaml'), SCENARIO);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ATOMBENCH_URL: '', NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const names = resolveNames('hartonomous', {});

/** Every row of every table atombench's data lives in (file bytes change when a connection checkpoints). */
function dataHash(file: string): string {
  const db = new Database(file, { readonly: true });
  const h = createHash('sha256');
  for (const t of ['Atoms', 'AtomEmbeddings', 'AtomEmbeddings_rtree'])
    for (const row of db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).raw().all())
      h.update(JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
  db.close();
  return h.digest('hex');
}

/** A file with atombench's schema (from seed/sqlite/schema.sql) and rows someone else put there. */
function productionFile(file: string, rows: number): void {
  const db = new Database(file);
  db.exec(renderSqlFile('sqlite', 'schema.sql', sqliteTemplateNames(names), quoteDouble));
  const ins = db.prepare(
    `INSERT INTO "Atoms" (AtomId, Modality, ContentHash, SourceType) VALUES (?, 'text', ?, 'production')`,
  );
  for (let i = 0; i < rows; i++) ins.run(ATOMS + 1 + i, Buffer.from(`prod-${i}`));
  db.close();
}

describe('sqlite data safety (CLI)', () => {
  it('--force refuses a table holding rows atombench did not insert: exit 2 naming table and count, file unchanged', () => {
    const file = join(cwd, 'prod.sqlite');
    productionFile(file, 5);
    const before = sha(file);
    const r = cli('seed', 's.yaml', '--url', file, '--force', '--no-progress');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(/Atoms holds 5 row\(s\) that atombench did not insert; refusing/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(sha(file)).toBe(before);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('--force --drop-foreign-rows says what it deletes, then seeds exactly N rows', () => {
    const file = join(cwd, 'prod2.sqlite');
    productionFile(file, 3);
    const r = cli('seed', 's.yaml', '--url', file, '--force', '--drop-foreign-rows', '--no-progress');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /--drop-foreign-rows: deleting rows atombench did not insert: Atoms holds 3 row\(s\)/,
    );
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM "Atoms"').get()).toEqual({ n: ATOMS });
    expect(db.prepare(`SELECT count(*) AS n FROM "Atoms" WHERE SourceType = 'production'`).get()).toEqual({
      n: 0,
    });
    db.close();
  });

  it('--drop-foreign-rows without --force is exit 2 naming the flag', () => {
    const r = cli('seed', 's.yaml', '--url', join(cwd, 'x.sqlite'), '--drop-foreign-rows');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--drop-foreign-rows: needs --force/);
    expect(existsSync(join(cwd, 'x.sqlite'))).toBe(false);
  });

  it('refuses a foreign database without an Atoms table: nothing created, no WAL switch, no statistics', () => {
    const file = join(cwd, 'app.sqlite');
    const db = new Database(file);
    db.exec(
      "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'ada');",
    );
    db.close();
    const before = sha(file);
    const r = cli('seed', 's.yaml', '--url', file, '--no-progress');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds table\(s\) customers and was not created by atombench; refusing/);
    expect(sha(file)).toBe(before);
    const after = new Database(file, { readonly: true });
    expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([
      { name: 'customers' },
    ]);
    after.close();
  });

  it('refuses a table of another shape even with --force (exit 2, names it), file unchanged', () => {
    const file = join(cwd, 'shape.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE "AtomEmbeddings" (id INTEGER PRIMARY KEY, v BLOB)');
    db.close();
    const before = sha(file);
    const r = cli('seed', 's.yaml', '--url', file, '--force', '--no-progress');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/table AtomEmbeddings has another shape \(no columns atomembeddingid, atomid/);
    expect(sha(file)).toBe(before);
  });

  it('a run never deletes a foreign row another process added with an id above the dataset', () => {
    const file = join(cwd, 'owned.sqlite');
    expect(cli('seed', 's.yaml', '--url', file, '--no-progress').code).toBe(0);
    const db = new Database(file);
    db.prepare(
      `INSERT INTO "Atoms" (AtomId, Modality, ContentHash, SourceType) VALUES (?, 'text', ?, 'production')`,
    ).run(ATOMS + 50, Buffer.from('late-arrival'));
    db.close();
    const r = cli('run', 's.yaml', '--url', file, '--out', 'o1', '--no-progress');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Atoms holds 1 row\(s\) that atombench did not insert/);
    const after = new Database(file, { readonly: true });
    expect(after.prepare(`SELECT count(*) AS n FROM "Atoms" WHERE SourceType = 'production'`).get()).toEqual({
      n: 1,
    });
    after.close();
  });

  it('a second atombench on the same dataset file is refused, naming the holder; a stale lock is taken over', async () => {
    const file = join(cwd, 'shared.sqlite');
    expect(cli('seed', 's.yaml', '--url', file, '--no-progress').code).toBe(0);
    // A live holder: this test's own process.
    writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }),
    );
    const held = cli('run', 's.yaml', '--url', file, '--out', 'o2', '--no-progress');
    expect(held.code).toBe(2);
    expect(held.err).toMatch(
      new RegExp(`in use by atombench pid ${process.pid} on ${hostname()}, started 2026-01-01T00:00:00.000Z`),
    );
    // A dead holder: a pid that has exited.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: Number(gone.stdout), host: hostname(), startedAt: 'x' }),
    );
    const ok = cli('seed', 's.yaml', '--url', file, '--no-progress');
    expect(ok.code).toBe(0);
    expect(existsSync(`${file}.lock`)).toBe(false);
    // Two at once: one wins, the other is refused cleanly (or runs after it); never exit 3, N rows.
    const both = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<{ code: number | null; err: string }>((done) => {
            const p = spawn(
              process.execPath,
              [BIN, 'seed', 's.yaml', '--url', file, '--reseed', '--atoms', '1500', '--no-progress'],
              {
                cwd,
                env: { ...process.env, ATOMBENCH_URL: '' },
              },
            );
            let err = '';
            p.stderr.on('data', (d) => (err += d));
            p.on('close', (code) => done({ code, err }));
          }),
      ),
    );
    for (const b of both) expect([0, 2]).toContain(b.code);
    expect(both.some((b) => b.code === 0)).toBe(true);
    for (const b of both.filter((x) => x.code === 2)) expect(b.err).toMatch(/in use by atombench pid \d+/);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM "Atoms"').get()).toEqual({ n: 1500 });
    db.close();
  }, 60_000);

  it('the stored rows are read: an UPDATE, a DELETE and a stale R*Tree are refused (exit 2), the rows untouched', () => {
    const file = join(cwd, 'fp.sqlite');
    const seeded = cli('seed', 's.yaml', '--url', file, '--no-progress', '--verify', 'full');
    expect(seeded.code).toBe(0);
    expect(seeded.out).toMatch(
      /stored: 1000 rows, AtomIds 1\.\.1000, 1000 index entries, verified \(full, 1 buckets\)/,
    );
    const db = new Database(file);
    db.pragma('foreign_keys = ON');
    db.exec(
      'UPDATE "AtomEmbeddings" SET X = X + 500 WHERE AtomId <= 150; DELETE FROM "Atoms" WHERE AtomId > 990',
    );
    db.close();
    const before = dataHash(file);
    const r = cli('run', 's.yaml', '--url', file, '--out', 'o3', '--no-progress');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      'atombench: dataset altered: 160 row(s) differ from the generated dataset (990 rows stored for 1000; AtomIds 1..990 instead of 1..1000; ' +
        '160 row(s) changed in 1 of 1 checked bucket(s) (sampled 1 in 16: more may differ); the spatial index holds 1000 entries for 990 embedding rows); run with --reseed',
    );
    expect(dataHash(file)).toBe(before);
    const fixed = cli('seed', 's.yaml', '--url', file, '--no-progress', '--reseed');
    expect(fixed.code).toBe(0);
    expect(fixed.out).toMatch(/stored: 1000 rows, AtomIds 1\.\.1000, 1000 index entries/);
  }, 60_000);
});
