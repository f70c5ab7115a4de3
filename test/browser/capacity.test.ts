import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCapacityHtml } from '../../src/report/capacity/html.ts';
import { makeCapacityDocument } from '../fixtures/capacity-document.ts';

/**
 * capacity.html in headless Chromium, as test/browser/report.test.ts does report.html: offline (every
 * request but the file aborted and recorded), every curve a uPlot instance with data and painted pixels,
 * no console error, light and dark theme. Screenshots in reports/browser/ (git-ignored).
 */

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && process.env.ATOMBENCH_REQUIRE_CHROMIUM === '1')
  throw new Error(`ATOMBENCH_REQUIRE_CHROMIUM=1 but ${CHROMIUM} is absent`);
if (!HAVE_CHROMIUM)
  console.warn(`test/browser/capacity.test.ts skipped: ${CHROMIUM} is absent (apt-get install -y chromium)`);

const SHOTS = resolve('reports/browser');
let tmp = '';
let context: BrowserContext | undefined;
const problems: string[] = [];

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

async function open(file: string): Promise<Page> {
  const page = await context!.newPage();
  page.on('console', (m) => {
    if (m.type() === 'warning' && m.text().includes('willReadFrequently')) return;
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(`file://${file}`);
  await page.waitForFunction('window.atombenchReady === true', undefined, { timeout: 5000 });
  return page;
}

async function chartIds(page: Page): Promise<string[]> {
  const checks =
    await page.evaluate<{ id: string; drawn: boolean; points: number; painted: number }[]>(CHECK_CHARTS);
  for (const c of checks) {
    expect(c, c.id).toMatchObject({ drawn: true });
    expect(c.points, `${c.id}: data points`).toBeGreaterThan(1);
    expect(c.painted, `${c.id}: painted pixels`).toBeGreaterThan(200);
  }
  return checks.map((c) => c.id);
}

describe.skipIf(!HAVE_CHROMIUM)('capacity.html in headless Chromium', () => {
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'atombench-browser-capacity-'));
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmp, 'profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
    });
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

  it('paints every curve offline, in the light and the dark theme', async () => {
    const file = join(tmp, 'capacity.html');
    writeFileSync(file, renderCapacityHtml(makeCapacityDocument()));
    const page = await open(file);
    expect(await chartIds(page)).toEqual([
      'capacity-latency-rate',
      'capacity-achieved',
      'capacity-atoms',
      'capacity-ooda',
    ]);
    await expect(page.locator('#search p strong').first().textContent()).resolves.toMatch(/^max sustainable/);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'capacity-light.png'), fullPage: true });
    expect(statSync(join(SHOTS, 'capacity-light.png')).size).toBeGreaterThan(10_000);
    const lightBg = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(
      `getComputedStyle(document.body).backgroundColor !== ${JSON.stringify(lightBg)}`,
    );
    expect(await chartIds(page)).toHaveLength(4);
    await page.close();
    expect(problems).toEqual([]);
  }, 30_000);
});
