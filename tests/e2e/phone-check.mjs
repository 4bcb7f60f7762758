import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:18124';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
await page.goto(base + '/signin');
await page.fill('input[name=email]', 'owner@demo.sitesync.test');
await page.fill('input[name=password]', 'harbour-lift-owner-2026');
await page.click('button:has-text("Sign in")');
await page.waitForLoadState('networkidle');
for (const path of ['/o/demo/settings', '/o/demo/settings/api-keys', '/o/demo/settings/webhooks', '/o/demo/settings/webhooks/new', '/api/docs']) {
  await page.goto(base + path);
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  console.log(path, w);
  await page.screenshot({ path: `/tmp/phone-${path.replaceAll('/', '_')}.png`, fullPage: false });
}
await browser.close();
