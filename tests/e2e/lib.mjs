// Shared pieces of the browser suite: the browser, pages that record every console error and
// failed request, sign-in, screenshots, and the HTML kept for the Nu Html Checker.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.SITESYNC_URL ?? 'http://127.0.0.1:8080';
const here = dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = process.env.E2E_OUT_DIR ?? join(here, '..', '..', 'target', 'e2e');
export const HTML_DIR = join(OUT_DIR, 'html');
mkdirSync(HTML_DIR, { recursive: true });

/** Demo sign-ins (see src/demo.rs and the features' demo.rs). */
export const DEMO = {
  owner: { email: 'owner@demo.sitesync.test', password: 'harbour-lift-owner-2026' },
  manager: { email: 'manager@demo.sitesync.test', password: 'harbour-lift-manager-2026' },
  forumRegular: { email: 'sam.rigger@demo.sitesync.test', password: 'harbour-forum-regular-2026' },
  jobSeeker: { email: 'amelia.hart@demo.sitesync.test', password: 'harbour-lift-jobseeker-2026' },
  platformAdmin: { email: 'admin@demo.sitesync.test', password: 'harbour-platform-admin-2026' },
  tenant: { email: 'tenant@demo.sitesync.test', password: 'harbour-lift-tenant-2026' },
};

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * A fresh browser context (its own cookies) and page whose console errors, uncaught
 * exceptions, failed requests and error responses are collected in `problems`.
 */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext({ baseURL: BASE_URL, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error on ${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception on ${page.url()}: ${error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'failed';
    // A request the test's own navigation cut short (the bell's poll, say) is not the app's fault.
    if (reason === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${request.method()} ${request.url()}: ${reason}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      problems.push(`${response.status()} for ${response.request().method()} ${response.url()}`);
    }
  });
  return { context, page, problems };
}

/** Fails the test with everything that went wrong in the page's life. */
export function assertNoProblems(problems) {
  assert.deepEqual(problems, [], `the browser saw:\n${problems.join('\n')}`);
}

export async function signIn(page, { email, password }) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/signin')), page.getByRole('button', { name: 'Sign in' }).click()]);
}

export async function signOut(page) {
  await Promise.all([page.waitForURL('**/'), page.getByRole('button', { name: 'Sign out' }).click()]);
}

/** Waits for the next htmx swap into the page after `action` runs. */
export async function afterSwap(page, action) {
  const swapped = page.evaluate(
    () => new Promise((resolve) => document.body.addEventListener('htmx:afterSettle', () => resolve(), { once: true })),
  );
  await action();
  await swapped;
}

export function slugify(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(OUT_DIR, `${slugify(name)}.png`), fullPage: true });
}

/** Keeps the HTML as the server sent it, for the one Nu Html Checker run at the end. */
export function keepHtml(name, html) {
  const path = join(HTML_DIR, `${slugify(name)}.html`);
  writeFileSync(path, html);
  return path;
}
