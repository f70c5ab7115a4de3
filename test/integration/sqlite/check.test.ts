/**
 * `check` on a real SQLite dataset: the runbook's Common Issues as findings. Stale OODA metrics (the last
 * row two hours old) give "OODA Loop Stopped" in the runbook's words, with its diagnosis output.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEngine } from '../../../src/engines/sqlite/index.ts';
import { renderHealthReport } from '../../../src/report/check/terminal.ts';
import { ensureDataset } from '../../../src/run/dataset.ts';
import { silentProgress } from '../../../src/run/progress.ts';
import { NAME_PRESETS } from '../../../src/scenario/names.ts';
import { contractScenario } from '../contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'atombench-check-'));
const path = join(dir, 'check.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('check on SQLite: the runbook Common Issues', () => {
  const sc = contractScenario();
  beforeAll(async () => {
    const engine = new SqliteEngine({ path, dataset: sc.dataset, runNonce: 'c' });
    await engine.connect();
    await ensureDataset(engine, sc, { reseed: true, force: false, progress: silentProgress });
    await engine.close();
    const db = new Database(path);
    db.prepare(
      `INSERT INTO "OODALoopMetrics" (Phase, ExecutedAt, DurationMs, Success) VALUES ('Analyze', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-2 hours'), 12, 1)`,
    ).run();
    db.close();
  });

  it('stale metrics: "OODA Loop Stopped" with the runbook symptom, diagnosis output, and the fix as advice', async () => {
    const engine = new SqliteEngine({
      path,
      dataset: sc.dataset,
      runNonce: 'c',
      names: NAME_PRESETS.runbook,
    });
    const report = await engine.healthCheck();
    expect(report.failed).toBe(true);
    expect(report.rows.find((r) => r.component === 'OODA Loop')).toMatchObject({ status: 'FAILED' });
    expect(report.rows.find((r) => r.component === 'Workers')).toMatchObject({ status: 'Healthy' });
    const f = report.findings!;
    expect(f.map((x) => x.issue)).toEqual(['OODA Loop Stopped']);
    expect(f[0]!.symptoms).toBe('No entries in OODALoopMetrics for >1 hour');
    const last = f[0]!.diagnosis.find((d) => d.query.startsWith('SELECT MAX(ExecutedAt)'))!;
    expect(last.output).toMatch(/^LastExecutedAt=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.now() - Date.parse(last.output.split('=')[1]!)).toBeGreaterThan(3600_000);
    expect(
      f[0]!.diagnosis.filter((d) => /^(Analyze|Hypothesize|Act|Learn)Queue: 0$/.test(d.output)),
    ).toHaveLength(4);
    expect(f[0]!.fix[0]).toContain('Restart OODA loop');
    const text = renderHealthReport(report);
    expect(text).toContain('Common issue: OODA Loop Stopped');
    expect(text).toContain('Symptoms: No entries in OODALoopMetrics for >1 hour');
  });

  it('a fresh metric row: no finding; old atoms: "Worker Service Not Processing"', async () => {
    const db = new Database(path);
    db.prepare(`INSERT INTO "OODALoopMetrics" (Phase, DurationMs, Success) VALUES ('Learn', 3, 1)`).run();
    db.prepare(`UPDATE "Atoms" SET CreatedAt = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-20 minutes')`).run();
    db.close();
    const report = await new SqliteEngine({ path, dataset: sc.dataset, runNonce: 'c' }).healthCheck();
    expect(report.rows.find((r) => r.component === 'OODA Loop')).toMatchObject({ status: 'Healthy' });
    expect(report.findings!.map((x) => [x.issue, x.symptoms])).toEqual([
      ['Worker Service Not Processing', 'No new atoms created for >15 minutes'],
    ]);
    expect(report.failed).toBe(false);
  });
});
