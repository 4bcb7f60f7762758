import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:18123';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
await page.goto(base + '/signin');
await page.fill('input[name=email]', 'manager@demo.sitesync.test');
await page.fill('input[name=password]', 'harbour-lift-manager-2026');
await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
async function first(path, re) {
  await page.goto(base + path);
  const hrefs = await page.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  return hrefs.find((h) => h && re.test(h));
}
const item = await first('/o/demo/inventory', /^\/o\/demo\/inventory\/items\/[0-9a-f-]{36}$/);
const loc = await first('/o/demo/inventory/locations', /^\/o\/demo\/inventory\/locations\/[0-9a-f-]{36}$/);
const wo = await first('/o/demo/work-orders', /^\/o\/demo\/work-orders\/[0-9a-f-]{36}$/);
const paths = ['/o/demo/inventory', item, `${item}/edit`, `${item}/sell`, '/o/demo/inventory/locations', loc, `${loc}/count`, '/o/demo/inventory/transfer', '/o/demo/inventory/receive', '/o/demo/inventory/reorder', '/o/demo/inventory/purchase-orders', '/o/demo/inventory/purchase-orders/new', wo, wo.replace('/work-orders/', '/inventory/work-orders/')];
for (const p of paths) {
  const r = await page.goto(base + p);
  await page.waitForTimeout(300);
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  console.log(r.status(), w, p);
  await page.screenshot({ path: `/tmp/shot-${paths.indexOf(p)}.png`, fullPage: true });
}
await browser.close();
