import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCompareHtml } from '../../src/report/compare/html.ts';
import { renderRunHtml } from '../../src/report/run/html.ts';
import { renderTuneHtml } from '../../src/report/tune/html.ts';
import { makeResult } from '../fixtures/result.ts';
import { makeCompare, makePostgisTune, makeTune } from '../unit/report/html-fixtures.ts';

/**
 * report.html in a real browser: Debian's Chromium, headless, driven by playwright-core (which cannot
 * download a browser here). Every request that is not the file itself is aborted and recorded, so a page
 * that needed the network would fail. Checks that every chart figure got a uPlot instance with data and
 * painted pixels, that nothing was logged as an error, in the light and the dark theme, and that the tables
 * read without JavaScript. Screenshots land in reports/browser/ (git-ignored) for a person to look at.
 */

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
// CI installs chromium and sets this, so a missing browser fails there instead of skipping quietly.
if (!HAVE_CHROMIUM && process.env.ATOMBENCH_REQUIRE_CHROMIUM === '1')
  throw new Error(`ATOMBENCH_REQUIRE_CHROMIUM=1 but ${CHROMIUM} is absent`);
if (!HAVE_CHROMIUM)
  console.warn(`test/browser/report.test.ts skipped: ${CHROMIUM} is absent (apt-get install -y chromium)`);

const SHOTS = resolve('reports/browser');
let tmp = '';

/** A real, short open-loop run with OODA traffic, so every chart kind has real data. */
const TINY = `
name: browser-tiny
dataset: { atoms: 2000, seed: 3, batchSize: 1000 }
workload:
  mix:
    - { op: spatial.knn, weight: 3, k: 10 }
    - { op: spatial.pool, weight: 1, radius: 0.02, pool: 100 }
    - { op: ingest, weight: 1, batchSize: 5 }
load: { model: open, ratePerSec: 200, maxInFlight: 8, connections: 2 }
warmupSec: 0.3
durationSec: 1
ooda: { triggerEverySec: 0.2, phaseWorkMs: 1 }
probes: { intervalMs: 250 }
report: { formats: [json, html], out: out }
`;

function realRun(): Promise<string> {
  writeFileSync(join(tmp, 'tiny.yaml'), TINY);
  const bin = resolve('bin/atombench.js');
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [bin, 'run', 'tiny.yaml', '--no-progress', '--quiet'], {
      cwd: tmp,
      env: { ...process.env, ATOMBENCH_URL: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', fail);
    p.on('exit', (code) =>
      code === 0 || code === 1
        ? done(join(tmp, 'out/latest/report.html'))
        : fail(new Error(`run exited ${code}: ${err}`)),
    );
  });
}

interface ChartCheck {
  id: string;
  drawn: boolean;
  points: number;
  painted: number;
}

/** Runs in the page: one entry per chart figure, from the uPlot instance the bootstrap exposed. */
const CHECK_CHARTS = `(() => {
  const charts = window.atombenchCharts || {};
  return [...document.querySelectorAll('[data-chart]')].map((el) => {
    const id = el.getAttribute('data-chart');
    const u = charts[id];
    const canvas = el.querySelector('canvas');
    let painted = 0;
    if (canvas && canvas.width > 0) {
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < px.length; i += 16) if (px[i] > 0) painted++;
    }
    const points = u ? u.data.slice(1).reduce((n, col) => n + col.filter((v) => v != null).length, 0) : 0;
    return { id, drawn: !!u && u.root.parentElement === el, points, painted };
  });
})()`;

let context: BrowserContext | undefined;
const problems: string[] = [];
let realReport: Promise<string>;

async function open(file: string): Promise<Page> {
  const page = await context!.newPage();
  page.on('console', (m) => {
    // This test's own painted-pixel check reads every canvas back with getImageData; Chrome then warns
    // that willReadFrequently would be faster. That warning is about the test, not the page.
    if (m.type() === 'warning' && m.text().includes('willReadFrequently')) return;
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(`file://${file}`);
  await page.waitForFunction('window.atombenchReady === true', undefined, { timeout: 5000 });
  return page;
}

async function expectChartsDrawn(page: Page, minCharts: number): Promise<string[]> {
  const checks = await page.evaluate<ChartCheck[]>(CHECK_CHARTS);
  expect(checks.length).toBeGreaterThanOrEqual(minCharts);
  for (const c of checks) {
    expect(c, c.id).toMatchObject({ drawn: true });
    expect(c.points, `${c.id}: data points`).toBeGreaterThan(1);
    expect(c.painted, `${c.id}: painted pixels`).toBeGreaterThan(200);
  }
  return checks.map((c) => c.id);
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, name);
  await page.screenshot({ path });
  expect(statSync(path).size).toBeGreaterThan(10_000);
}

describe.skipIf(!HAVE_CHROMIUM)('report.html in headless Chromium', () => {
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'atombench-browser-'));
    // The real run first: run beside Chromium on two cores, both take longer than one after the other.
    realReport = realRun();
    await realReport.catch(() => undefined); // a failure is reported by the test that uses it
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmp, 'profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
    });
    // Offline proof: anything but the report file itself is aborted, and recorded as a problem.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      problems.push(`network request: ${url}`);
      return route.abort();
    });
  });

  afterAll(async () => {
    await context?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('draws every chart of the fixture report offline, in the light and the dark theme', async () => {
    const file = join(tmp, 'fixture.html');
    writeFileSync(file, renderRunHtml(makeResult()));
    const page = await open(file);
    const ids = await expectChartsDrawn(page, 4);
    expect(ids).toEqual(['latency-time', 'latency-distribution', 'throughput-time', 'queue-depth-time']);
    await expect(page.locator('.verdict').textContent()).resolves.toBe('FAIL');
    // The verdict, the targets and the first row of charts are above the fold.
    for (const sel of ['.verdict', '#targets', '#fig-latency-time', '#fig-latency-distribution']) {
      const box = (await page.locator(sel).boundingBox())!;
      expect(box.y + Math.min(box.height, 200), sel).toBeLessThan(900);
    }
    await shot(page, 'fixture-light.png');
    const lightBg = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');

    await page.emulateMedia({ colorScheme: 'dark' }); // the bootstrap redraws with the dark palette
    await page.waitForFunction(
      `getComputedStyle(document.body).backgroundColor !== ${JSON.stringify(lightBg)}`,
    );
    await expectChartsDrawn(page, 4);
    await shot(page, 'fixture-dark.png');
    await page.close();
    expect(problems).toEqual([]);
  });

  it('draws the open-loop chart and the client warning band', async () => {
    const r = makeResult();
    r.load = { model: 'open', durationSec: 30, warmupSec: 5, ratePerSec: 150, dropped: 4 };
    r.timeseries.forEach((p, i) => {
      p.scheduleLagP99Ms = 0.4 + ((i * 7) % 5) / 10;
      p.dropped = i === 20 ? 4 : 0;
    });
    r.client.bottleneck = true;
    r.client.reasons = ['event-loop delay p99 31 ms > 20 ms'];
    const file = join(tmp, 'open.html');
    writeFileSync(file, renderRunHtml(r));
    const page = await open(file);
    expect(await expectChartsDrawn(page, 5)).toContain('schedule-time');
    await expect(page.locator('.band.warn').textContent()).resolves.toMatch(/not valid for gating/);
    await page.close();
    expect(problems).toEqual([]);
  });

  it('reads without JavaScript: the verdict and every table are server-rendered', async () => {
    const file = join(tmp, 'fixture.html');
    const page = await context!.newPage();
    const cdp = await context!.newCDPSession(page);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    await page.goto(`file://${file}`);
    // DevTools evaluation still works with page scripts disabled; the proof is that the bootstrap,
    // which sets atombenchReady once the charts are drawn, never ran.
    expect(await page.evaluate('window.atombenchReady === true')).toBe(false);
    await expect(page.locator('.verdict').textContent()).resolves.toBe('FAIL');
    expect(await page.locator('#targets tbody tr').count()).toBe(8);
    expect(await page.locator('#operations tbody tr').count()).toBe(4);
    expect(await page.locator('canvas').count()).toBe(0);
    await page.close();
  });

  it('draws the compare and the tune reports', async () => {
    const pages: [string, string, string[]][] = [
      ['compare.html', renderCompareHtml(makeCompare()), ['compare-change', 'compare-latency']],
      ['tune.html', renderTuneHtml(makeTune()), ['tune-ranking-0']],
      ['tune-postgis.html', renderTuneHtml(makePostgisTune()), ['tune-ranking-0']],
    ];
    for (const [name, html, ids] of pages) {
      const file = join(tmp, name);
      writeFileSync(file, html);
      const page = await open(file);
      expect(await expectChartsDrawn(page, ids.length)).toEqual(ids);
      await shot(page, name.replace('.html', '-light.png'));
      await page.close();
    }
    expect(problems).toEqual([]);
  });

  it('opens the report.html that `atombench run` wrote for a real short run', async () => {
    const file = await realReport;
    const page = await open(file);
    const ids = await expectChartsDrawn(page, 6);
    expect(ids).toEqual([
      'latency-time',
      'latency-op-time',
      'latency-distribution',
      'throughput-time',
      'queue-depth-time',
      'schedule-time',
    ]);
    await shot(page, 'real-run-light.png');
    await page.close();
    expect(problems).toEqual([]);
  }, 30_000);
});
