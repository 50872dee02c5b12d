/**
 * The HTML report in a real browser: headless Chromium (Debian's `chromium` package) driven by
 * playwright-core. Checks the page runs without console errors or network requests, draws a chart
 * per curve family, shows the findings, and reacts to the smoothing slider, log toggle and hover.
 * Saves test/.tmp/overfitting-report.png (gitignored) for a human to look at.
 *
 * Without /usr/bin/chromium the tests are skipped, with a warning (CI installs it).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, type LogInput } from '../../src/api.js';
import type { Report } from '../../src/core/report-schema.js';
import { formatHtml } from '../../src/formatters/html.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const root = resolve(import.meta.dirname, '../..');
const out = resolve(root, 'test/.tmp');
const hasChromium = existsSync(CHROMIUM);

if (!hasChromium) {
  console.warn(
    `\n[html-browser.test] SKIPPED: ${CHROMIUM} not found, so the HTML report was not checked in a browser.\n` +
      '  Install it with: apt-get install -y --no-install-recommends chromium\n',
  );
}

function fixture(...names: string[]): LogInput[] {
  return names.map((name) => ({ name: `fixtures/demo/${name}`, bytes: readFileSync(resolve(root, 'fixtures/demo', name)) }));
}

function render(report: Report, file: string): string {
  mkdirSync(out, { recursive: true });
  const path = join(out, file);
  writeFileSync(path, formatHtml(report, { color: false, lang: report.lang }));
  return path;
}

interface Opened {
  page: Page;
  /** Console errors, uncaught exceptions and dialogs (an alert() would mean injected script ran). */
  problems: string[];
  /** Requests for anything but the report file itself. */
  requests: string[];
}

describe.skipIf(!hasChromium)('html report in headless Chromium', () => {
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'lossdoc-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function open(path: string): Promise<Opened> {
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    const self = pathToFileURL(path).href;
    page.on('request', (r) => {
      if (r.url() !== self) requests.push(r.url());
    });
    await page.goto(self);
    // (String expressions: this project's tsconfig has no DOM types.)
    await page.waitForFunction("document.documentElement.classList.contains('charts-ready')", undefined, { timeout: 10_000 });
    return { page, problems, requests };
  }

  async function canvasImage(page: Page, chartId: string): Promise<string> {
    return page.evaluate(`document.querySelector('#${chartId} canvas').toDataURL()`) as Promise<string>;
  }

  it('renders the overfitting demo: verdict, a chart per family, annotations, findings; saves a screenshot', async () => {
    const report = analyze(fixture('overfitting.csv'), { includeData: true });
    const { page, problems, requests } = await open(render(report, 'overfitting-report.html'));

    expect(await page.locator('.verdict h3').textContent()).toBe('Overfitting');
    const charts = page.locator('figure.chart');
    expect(await charts.count()).toBe(3); // loss, metrics, learning rate
    for (let i = 0; i < 3; i++) expect(await charts.nth(i).locator('canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('#run-1-loss .lg-name').allTextContents()).toEqual(['loss', 'val_loss']);
    expect(await page.locator('#run-1-loss .keys').textContent()).toContain('best');
    expect(await page.locator('article.finding').count()).toBe(report.runs[0].findings.length);
    expect(await page.locator('article.finding h4').first().textContent()).toBe('Overfitting');
    expect(await page.locator('article.finding').first().textContent()).toContain('Restore the checkpoint from epoch 15');

    await page.screenshot({ path: join(out, 'overfitting-report.png'), fullPage: true });

    // Hover: values of both curves at the cursor.
    const over = await page.locator('#run-1-loss .u-over').boundingBox();
    expect(over).not.toBeNull();
    await page.mouse.move(over!.x + over!.width * 0.52, over!.y + over!.height / 2);
    const tip = page.locator('#run-1-loss .tip');
    await expect.poll(() => tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toMatch(/epoch \d+.*loss.*val_loss/s);
    await page.mouse.move(0, 0);

    // Smoothing slider and log toggle redraw the chart.
    const before = await canvasImage(page, 'run-1-loss');
    await page.locator('#smoothing').fill('0.95');
    expect(await page.locator('#smoothing-value').textContent()).toBe('0.95');
    const smoothed = await canvasImage(page, 'run-1-loss');
    expect(smoothed).not.toBe(before);
    await page.locator('#run-1-loss input[data-log]').check();
    expect(await canvasImage(page, 'run-1-loss')).not.toBe(smoothed);

    // Legend click hides a curve.
    await page.locator('#run-1-loss .lg').nth(1).click();
    expect(await page.locator('#run-1-loss .lg.off').count()).toBe(1);

    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('renders several runs with an index table linking to each run', async () => {
    const report = analyze(fixture('diverging-nan.csv', 'overfitting.csv', 'still-learning.csv'), { includeData: true });
    const { page, problems, requests } = await open(render(report, 'demo-report.html'));
    const rows = page.locator('#index tbody tr');
    expect(await rows.count()).toBe(3);
    // Best held-out loss first, as in the summary; each row links to its run's section.
    const hrefs = await page.locator('#index a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const expected = report.summary.runs.map((row) => `#run-${report.runs.findIndex((r) => r.name === row.name) + 1}`);
    expect(hrefs).toEqual(expected);
    expect([...hrefs].sort()).toEqual(['#run-1', '#run-2', '#run-3']);
    expect(await page.locator('#index tbody').textContent()).toContain('Diverging');
    expect(await page.locator('section.run').count()).toBe(3);
    expect(await page.locator('section.run figure.chart canvas').count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('#run-1-loss .keys').textContent()).toContain('non-finite');
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('70 runs with long names: the index fits 1,280 px without horizontal scrolling', async () => {
    const inputs: LogInput[] = Array.from({ length: 70 }, (_, r) => {
      const rows = Array.from({ length: 12 }, (_, e) => `${e},${(2 / (1 + e / (3 + (r % 5)))).toFixed(4)},${(2.1 / (1 + e / 4) + (e > 7 ? (e - 7) * 0.01 * (r % 3) : 0)).toFixed(4)}`);
      const name = `sweeps/2024-05-01_resnet50_imagenet_subset/lr=${(0.0001 * (r + 1)).toFixed(4)}_batch_size=${32 * (1 + (r % 4))}_weight_decay=0.0005_seed=${r}/lightning_logs/version_${r}/metrics_with_a_very_long_file_name_${'x'.repeat(r % 20)}.csv`;
      return { name, bytes: new TextEncoder().encode(`epoch,loss,val_loss\n${rows.join('\n')}\n`) };
    });
    const report = analyze(inputs, { includeData: true });
    expect(report.runs).toHaveLength(70);
    const { page, problems, requests } = await open(render(report, 'seventy-runs-report.html'));
    expect(await page.locator('#index tbody tr').count()).toBe(70);
    const widths = (await page.evaluate(
      "({ page: document.documentElement.scrollWidth, view: window.innerWidth, indexScroll: document.querySelector('#index').scrollWidth, indexBox: document.querySelector('#index').clientWidth })",
    )) as { page: number; view: number; indexScroll: number; indexBox: number };
    expect(widths.view).toBe(1280);
    expect(widths.page).toBeLessThanOrEqual(widths.view);
    expect(widths.indexScroll).toBeLessThanOrEqual(widths.indexBox);
    // A name cut short keeps its whole text as a tooltip.
    const first = page.locator('#index td.name a').first();
    expect(await first.getAttribute('title')).toBe(await first.textContent());
    await page.screenshot({ path: join(out, 'seventy-runs-index.png') });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  }, 60_000);

  it('hostile run and tag names stay text: no script runs, nothing is loaded', async () => {
    const hostileName = '</script><script>alert("file")</script>]]><img src=x onerror="window.__pwned=1">\'".csv';
    const csv = [
      'step,"<img src=y onerror=""window.__pwned=2"">loss","val_loss</script><script>alert(3)</script>"',
      ...Array.from({ length: 40 }, (_, i) => `${i},${(2 / (1 + i / 5)).toFixed(4)},${(2.2 / (1 + i / 8) + (i > 25 ? (i - 25) * 0.02 : 0)).toFixed(4)}`),
    ].join('\n');
    const report = analyze([{ name: hostileName, bytes: new TextEncoder().encode(csv) }], { includeData: true });
    const { page, problems, requests } = await open(render(report, 'hostile-report.html'));
    expect(await page.locator('section.run h2').textContent()).toBe(hostileName);
    const legend = await page.locator('figure.chart .lg-name').allTextContents();
    expect(legend).toContain('<img src=y onerror="window.__pwned=2">loss');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
