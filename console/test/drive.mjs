// Drives the console in Debian's headless chromium (playwright-core): signs in through the fake
// flow (the test confirms the nonce as the phone would), waits for every chart, approves the
// first pending request, pages through the booking table and filters it by one hall; then, as a
// street's admin, reads the appeals waiting and waives the first; and keeps screenshots. Exits
// non-zero on any failure or page error.
//   node console/test/drive.mjs <port> <phone token of a manager> <screenshot dir> <a hall's name>
//                               <phone token of a street's admin>
import { chromium } from 'playwright-core';

const [port, phoneToken, outDir, hallName, adminToken] = process.argv.slice(2);
const base = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({
  executablePath: process.env.SH_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const errors = [];
// A console of its own (its own cookies), signed in by the phone behind `token` confirming the
// code's nonce; resolves when the dashboard is ready.
async function signedIn(token, loginShot) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  // Failed requests are expected (the first GET /me of a console not signed in is a 401); what
  // fails the test is a script error.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
  });
  await page.goto(`${base}/console/`);
  // Selectors only: the console's CSP allows no eval, so no waitForFunction.
  await page.waitForSelector('body[data-nonce]', { timeout: 15000 });
  await page.waitForSelector('#code[src]', { state: 'visible', timeout: 15000 });
  if (loginShot) await page.screenshot({ path: `${outDir}/${loginShot}` });
  const nonce = await page.getAttribute('body', 'data-nonce');
  const confirmed = await fetch(`${base}/api/v1/auth/web-login/${nonce}`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}` },
  });
  if (!confirmed.ok) throw new Error(`confirming the nonce: ${confirmed.status}`);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  return page;
}

try {
  const page = await signedIn(phoneToken, 'console-1-login.png');
  for (const id of ['chart-buildings', 'chart-days', 'chart-heat', 'chart-sharing'])
    await page.waitForSelector(`#${id}[data-drawn="1"] canvas`, { timeout: 10000 });
  await page.screenshot({ path: `${outDir}/console-2-dashboard.png`, fullPage: true });

  // The signed-in manager's own requests carry no buttons, only why (another decides them).
  const own = await page.locator('#pending td.own-request').allTextContents();
  // The badge: how many wait, how long the oldest has.
  const badge = await page.textContent('#pending-badge');
  const oldest = await page.textContent('#pending-oldest');
  // How long each request has waited, row by row.
  const waits = await page.locator('#pending td.waited').allTextContents();
  // A manager decides no appeals: the section is not shown.
  const appealsForManager = await page.isVisible('#appeals-section');
  // Approve the first pending request from the table.
  const row = page.locator('#pending tbody tr:has(button.approve)').first();
  const id = await row.getAttribute('data-id');
  if (!id) throw new Error('no pending request shown');
  await row.locator('button.approve').click();
  await page.waitForSelector(`#pending tr[data-id="${id}"]`, { state: 'detached', timeout: 10000 });
  await page.screenshot({ path: `${outDir}/console-3-approved.png`, fullPage: true });

  // Every hall by its name (those past the search's first page too); the table a page at a time.
  const hallCells = await page.locator('#bookings tbody td:nth-child(2)').allTextContents();
  const unnamed = hallCells.filter((t) => /^(场地 )?\d+$/.test(t.trim())).length;
  const page1 = hallCells.length;
  await page.click('#bookings-next');
  await page.waitForSelector('#bookings-page:has-text("第 2 页")', { timeout: 10000 });
  const page2 = await page.locator('#bookings tbody tr').count();
  // One hall's bookings: the filter goes back to the first page.
  await page.selectOption('#hall-filter', { label: hallName });
  await page.waitForSelector('#bookings-page:has-text("第 1 页")', { timeout: 10000 });
  const oneHall = await page.locator('#bookings tbody td:nth-child(2)').allTextContents();
  await page.screenshot({ path: `${outDir}/console-4-one-hall.png`, fullPage: true });

  // The session is the console's own: a cookie scripts cannot read, never sent cross-site.
  const session = (await page.context().cookies()).find((c) => c.name === 'sh_session');
  if (!session || !session.httpOnly || session.sameSite !== 'Strict') throw new Error('the session cookie is not HttpOnly and Strict');

  // The street's admin: the appeals waiting, with why; the first waived.
  const admin = await signedIn(adminToken);
  await admin.waitForSelector('#appeals-section:not([hidden])', { timeout: 10000 });
  const appealReasons = await admin.locator('#appeals td.reason').allTextContents();
  const appealsBadge = await admin.textContent('#appeals-badge');
  const first = admin.locator('#appeals tbody tr').first();
  const waived = await first.getAttribute('data-id');
  await first.locator('button.keep').click();  // keeping needs a word: nothing is sent
  const stillThere = await admin.locator(`#appeals tr[data-id="${waived}"]`).count();
  await first.locator('button.waive').click();
  await admin.waitForSelector(`#appeals tr[data-id="${waived}"]`, { state: 'detached', timeout: 10000 });
  await admin.screenshot({ path: `${outDir}/console-5-appeals.png`, fullPage: true });
  if (errors.length) throw new Error(errors.join('\n'));
  console.log(JSON.stringify({
    approved: Number(id), own_requests: own, badge, oldest, waits, appeals_for_manager: appealsForManager,
    unnamed_halls: unnamed, page1_rows: page1, page2_rows: page2, one_hall: [...new Set(oneHall)], one_hall_rows: oneHall.length,
    appeal_reasons: appealReasons, appeals_badge: appealsBadge, kept_without_word: stillThere, waived: Number(waived),
  }));
} catch (e) {
  console.error(e.stack || String(e));
  if (errors.length) console.error(errors.join('\n'));
  process.exitCode = 1;
} finally {
  await browser.close();
}
