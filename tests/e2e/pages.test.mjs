// Every main page, as a signed-in manager sees it and, for public pages, as an anonymous
// visitor: no console error or failed request, no serious or critical axe violation, a
// screenshot, and the HTML as sent, checked at the end by one Nu Html Checker run.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { DEMO, assertNoProblems, keepHtml, launch, openPage, screenshot, signIn } from './lib.mjs';

const require = createRequire(import.meta.url);
const vnuJar = join(dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const checkedHtml = [];
const axeFindings = [];
const axeTally = { pages: 0, minor: 0, moderate: 0, serious: 0, critical: 0 };

/** The first link on `path` whose address matches `pattern`, to reach a page with an id in it. */
async function firstLink(page, path, pattern) {
  await page.goto(path);
  const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  const href = hrefs.find((h) => pattern.test(h));
  assert.ok(href, `no link matching ${pattern} on ${path}`);
  return href;
}

async function checkPage(page, name, path) {
  const response = await page.goto(path);
  assert.ok(response, `no response for ${path}`);
  assert.equal(response.status(), 200, `${path} answered ${response.status()}`);
  checkedHtml.push(keepHtml(name, await response.text()));
  await screenshot(page, name);
  const results = await new AxeBuilder({ page }).analyze();
  axeTally.pages += 1;
  for (const violation of results.violations) {
    axeTally[violation.impact] = (axeTally[violation.impact] ?? 0) + 1;
    if (violation.impact === 'serious' || violation.impact === 'critical') {
      const where = violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join('; ');
      axeFindings.push(`${name} (${path}): ${violation.impact} ${violation.id}: ${violation.help} at ${where}`);
    }
  }
}

async function checkAll(pages, who) {
  const { context, page, problems } = await openPage(browser);
  try {
    if (who) await signIn(page, who);
    const paths = typeof pages === 'function' ? await pages(page) : pages;
    for (const [name, path] of paths) {
      await checkPage(page, name, path);
    }
  } finally {
    await context.close();
  }
  assertNoProblems(problems);
}

test("a manager's pages", async () => {
  await checkAll(async (page) => {
    const site = await firstLink(page, '/o/demo/sites', /^\/o\/demo\/sites\/[0-9a-f-]{36}$/);
    const lift = await firstLink(page, '/o/demo/elevators', /^\/o\/demo\/elevators\/[0-9a-f-]{36}$/);
    const thread = await firstLink(page, '/forum/c/general', /^\/forum\/t\/[0-9a-f-]{36}$/);
    const listing = await firstLink(page, '/marketplace', /^\/marketplace\/listings\/[0-9a-f-]{36}$/);
    const job = await firstLink(page, '/jobs', /^\/jobs\/[a-z0-9-]+$/);
    const conversation = await firstLink(page, '/messages', /^\/messages\/[0-9a-f-]{36}$/);
    const schedule = await firstLink(page, '/o/demo/maintenance', /^\/o\/demo\/maintenance\/[0-9a-f-]{36}$/);
    const item = await firstLink(page, '/o/demo/inventory', /^\/o\/demo\/inventory\/items\/[0-9a-f-]{36}$/);
    const store = await firstLink(page, '/o/demo/inventory/locations', /^\/o\/demo\/inventory\/locations\/[0-9a-f-]{36}$/);
    const order = await firstLink(page, '/o/demo/inventory/purchase-orders', /^\/o\/demo\/inventory\/purchase-orders\/[0-9a-f-]{36}$/);
    const workOrder = await firstLink(page, '/o/demo/work-orders', /^\/o\/demo\/work-orders\/[0-9a-f-]{36}$/);
    const nav = await page.goto('/o/demo').then(() =>
      page.getByRole('navigation', { name: 'Main' }).locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))),
    );
    const pages = [
      ['manager-home', '/'],
      ['manager-organization', '/o/demo'],
      ['manager-sites', '/o/demo/sites'],
      ['manager-sites-filtered', '/o/demo/sites?q=tower&city=Sydney'],
      ['manager-site', site],
      ['manager-site-new', '/o/demo/sites/new'],
      ['manager-site-edit', `${site}/edit`],
      ['manager-lifts', '/o/demo/elevators'],
      ['manager-lift', lift],
      ['manager-lift-edit', `${lift}/edit`],
      ['manager-lift-new', `${site}/elevators/new`],
      ['manager-import-sites', '/o/demo/imports/sites'],
      ['manager-maintenance', '/o/demo/maintenance'],
      ['manager-maintenance-overdue', '/o/demo/maintenance?overdue=1&state=all'],
      ['manager-maintenance-schedule', schedule],
      ['manager-maintenance-edit', `${schedule}/edit`],
      ['manager-maintenance-new', '/o/demo/maintenance/new'],
      ['manager-maintenance-forecast', '/o/demo/maintenance/forecast?months=12'],
      ['manager-maintenance-holidays', '/o/demo/maintenance/holidays'],
      ['manager-lift-readings', `${lift}/readings`],
      ['manager-inventory', '/o/demo/inventory'],
      ['manager-inventory-low', '/o/demo/inventory?low=1'],
      ['manager-inventory-search', '/o/demo/inventory?q=belt'],
      ['manager-inventory-item', item],
      ['manager-inventory-item-edit', `${item}/edit`],
      ['manager-inventory-item-new', '/o/demo/inventory/items/new'],
      ['manager-inventory-sell', `${item}/sell`],
      ['manager-inventory-locations', '/o/demo/inventory/locations'],
      ['manager-inventory-location', store],
      ['manager-inventory-location-new', '/o/demo/inventory/locations/new'],
      ['manager-inventory-count', `${store}/count`],
      ['manager-inventory-receive', '/o/demo/inventory/receive'],
      ['manager-inventory-adjust', '/o/demo/inventory/adjust'],
      ['manager-inventory-transfer', '/o/demo/inventory/transfer'],
      ['manager-inventory-reorder', '/o/demo/inventory/reorder'],
      ['manager-purchase-orders', '/o/demo/inventory/purchase-orders'],
      ['manager-purchase-order', order],
      ['manager-purchase-order-new', '/o/demo/inventory/purchase-orders/new'],
      ['manager-import-items', '/o/demo/imports/items'],
      ['manager-work-order-stock', workOrder.replace('/work-orders/', '/inventory/work-orders/')],
      ['manager-help-health-score', '/o/demo/help/health-score'],
      ['manager-members', '/o/demo/members'],
      ['manager-notifications', '/notifications'],
      ['manager-messages', '/messages'],
      ['manager-message-new', '/messages/new'],
      ['manager-conversation', conversation],
      ['manager-account', '/account'],
      ['manager-notification-preferences', '/account/notifications'],
      ['manager-forum', '/forum'],
      ['manager-forum-category', '/forum/c/general'],
      ['manager-forum-thread', thread],
      ['manager-forum-search', '/forum/search?q=door'],
      ['manager-marketplace', '/marketplace'],
      ['manager-marketplace-search', '/marketplace?q=door+operator'],
      ['manager-listing', listing],
      ['manager-listing-new', '/marketplace/listings/new'],
      ['manager-marketplace-mine', '/marketplace/mine'],
      ['manager-marketplace-orders', '/marketplace/orders'],
      ['manager-marketplace-inquiries', '/marketplace/inquiries'],
      ['manager-jobs', '/jobs'],
      ['manager-job', job],
      ['manager-jobs-manage', '/jobs/manage'],
      ['manager-job-new', '/jobs/new'],
      ['manager-profile', '/profile'],
      ['manager-applications', '/applications'],
    ];
    // Pages the navigation offers this role (settings, audit, and those of later features).
    for (const href of nav) {
      if (href.startsWith('/o/demo/') && !pages.some(([, path]) => path === href)) {
        pages.push([`manager-${href.slice('/o/demo/'.length).replaceAll('/', '-')}`, href]);
      }
    }
    return pages;
  }, DEMO.manager);
});

test("an owner's settings pages", async () => {
  await checkAll(
    [
      ['owner-settings', '/o/demo/settings'],
      ['owner-api-keys', '/o/demo/settings/api-keys'],
      ['owner-webhooks', '/o/demo/settings/webhooks'],
      ['owner-webhook-new', '/o/demo/settings/webhooks/new'],
      ['owner-api-docs', '/api/docs'],
    ],
    DEMO.owner,
  );
});

test("a building tenant's pages", async () => {
  await checkAll(async (page) => {
    const conversation = await firstLink(page, '/messages', /^\/messages\/[0-9a-f-]{36}$/);
    return [
      ['tenant-portal', '/o/demo/portal'],
      ['tenant-messages', '/messages'],
      ['tenant-conversation', conversation],
    ];
  }, DEMO.tenant);
});

test("a platform administrator's pages", async () => {
  await checkAll(
    [
      ['admin-organizations', '/admin/organizations'],
      ['admin-jobs', '/admin/jobs'],
    ],
    DEMO.platformAdmin,
  );
});

test('public pages, signed out', async () => {
  await checkAll(async (page) => {
    const thread = await firstLink(page, '/forum/c/general', /^\/forum\/t\/[0-9a-f-]{36}$/);
    const listing = await firstLink(page, '/marketplace', /^\/marketplace\/listings\/[0-9a-f-]{36}$/);
    const job = await firstLink(page, '/jobs', /^\/jobs\/[a-z0-9-]+$/);
    return [
      ['public-home', '/'],
      ['public-signin', '/signin'],
      ['public-signup', '/signup'],
      ['public-signup-organization', '/signup/organization'],
      ['public-forum', '/forum'],
      ['public-forum-category', '/forum/c/general'],
      ['public-forum-thread', thread],
      ['public-marketplace', '/marketplace'],
      ['public-listing', listing],
      ['public-jobs', '/jobs'],
      ['public-jobs-search', '/jobs?q=technician'],
      ['public-job', job],
    ];
  });
});

test('no serious or critical accessibility violation (axe)', () => {
  console.log(`axe: ${JSON.stringify(axeTally)}`);
  assert.ok(axeTally.pages > 30, `axe ran on only ${axeTally.pages} pages`);
  assert.deepEqual(axeFindings, [], `axe found:\n${axeFindings.join('\n')}`);
});

// htmx's `hx-*` attributes are the stack's chosen markup (ARCHITECTURE.md), and the checker
// knows only `data-*` for attributes of its own; those messages, and no others, are filtered.
const HTMX_ATTRIBUTES = '.*Attribute “hx-[a-z-]+” not allowed on element .*';

test('every page is valid HTML (Nu Html Checker)', () => {
  assert.ok(checkedHtml.length > 30, `only ${checkedHtml.length} pages were kept`);
  const args = ['-jar', vnuJar, '--errors-only', '--format', 'json', '--filterpattern', HTMX_ATTRIBUTES, ...checkedHtml];
  const run = spawnSync('java', args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.ok(run.error === undefined, `java could not run: ${run.error}`);
  const output = run.stderr.trim() || run.stdout.trim();
  const messages = output ? JSON.parse(output).messages : [];
  const errors = messages
    .filter((m) => m.type === 'error' || m.subType === 'fatal')
    .map((m) => `${m.url?.split('/').pop()}:${m.lastLine}: ${m.message} «${(m.extract ?? '').replace(/\s+/g, ' ').trim()}»`);
  console.log(`vnu: ${checkedHtml.length} pages checked, ${errors.length} errors`);
  assert.deepEqual(errors, [], `the Nu Html Checker found:\n${errors.join('\n')}`);
  assert.ok(run.status === 0 || run.status === 1, `the checker failed (${run.status}): ${output}`);
});
