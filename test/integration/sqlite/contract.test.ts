import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SqliteEngine } from '../../../src/engines/sqlite/index.ts';
import { engineContract } from '../contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'atombench-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

engineContract(
  'sqlite (better-sqlite3, R*Tree, worker threads)',
  async (sc) =>
    new SqliteEngine({ path: join(dir, 'contract.sqlite'), dataset: sc.dataset, runNonce: 'contract' }),
);
