// What both browser tests share: Debian's chromium started headless by playwright-core with a
// fresh profile and no background networking, and a page that records every failed request,
// HTTP error and console error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const EXE = process.env.OMZIEN_CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-background-networking',
  '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'];

/**
 * Starts chromium. `webgl: true` gives it software GL (SwiftShader: MapLibre needs WebGL on a
 * machine without a GPU); otherwise the GPU is off. Returns `{ context, close }`.
 */
export async function launch({ webgl = false, acceptDownloads = false } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'omzien-chromium-'));
  const gl = webgl ? ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'] : ['--disable-gpu'];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXE,
    headless: true,
    acceptDownloads,
    viewport: { width: 1280, height: 800 },
    args: [...FLAGS, ...gl],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A new page whose problems (console errors, page errors, failed requests, HTTP ≥ 400) and
 * requests are recorded. */
export async function recordingPage(context) {
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('request', (r) => requests.push(r.url()));
  return { page, problems, requests };
}
