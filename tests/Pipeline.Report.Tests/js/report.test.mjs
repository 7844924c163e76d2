// Loads the pipeline HTML report in headless Chromium (Debian's package) and checks it. Run by BrowserTests.cs:
//   node report.test.mjs --report R.html --screenshot S.png --message-id ID --expect-hops esa,sma,esa
//        [--mid-query esa01:1050] [--sender TEXT] [--hostile-id ID --hostile-subject TEXT] [--empty-report E.html]
//        [--min-charts N] [--min-alerts N] [--min-open N] [--chromium PATH]
// Prints one JSON object on the last line of stdout; exits 0 when every check passed, 1 otherwise, 2 on a setup error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

function args(argv) {
  const out = {};
  for (let i = 2; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    out[argv[i].slice(2)] = argv[i + 1];
    i++;
  }
  return out;
}

const opt = args(process.argv);
const executablePath = opt.chromium || process.env.PIPELINE_CHROMIUM || '/usr/bin/chromium';
const result = { ok: false, failures: [], requests: [], blockedRequests: [], pageErrors: [], consoleErrors: [], dialogs: [] };
const fail = (msg) => result.failures.push(msg);
const check = (cond, msg) => { if (!cond) fail(msg); return !!cond; };

function done(code) {
  result.ok = code === 0 && result.failures.length === 0;
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(result.ok ? 0 : code || 1);
}

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (err) {
  fail('playwright-core is not installed (run .ci/setup): ' + err.message);
  done(2);
}
if (!opt.report || !fs.existsSync(opt.report)) { fail('no report file: ' + opt.report); done(2); }
if (!fs.existsSync(executablePath)) { fail('chromium not found at ' + executablePath + ' (run .ci/setup)'); done(2); }

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    timeout: 60000,
  });
} catch (err) {
  fail('chromium did not start: ' + err.message);
  fs.rmSync(userDataDir, { recursive: true, force: true });
  done(2);
}

try {
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(20000);
  page.on('request', (r) => {
    result.requests.push(r.url());
    if (!r.url().startsWith('file://')) result.blockedRequests.push(r.url());
  });
  page.on('pageerror', (e) => result.pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') result.consoleErrors.push(m.text()); });
  page.on('dialog', async (d) => { result.dialogs.push(d.message()); await d.dismiss(); });

  const url = pathToFileURL(path.resolve(opt.report)).href;
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('html[data-ready="1"]');

  // Charts: one svg per queue series, each with a drawn waiting line and age line.
  const charts = await page.$$eval('.queue-chart svg', (svgs) => svgs.map((s) => ({
    label: s.closest('.queue-chart').querySelector('h3').textContent.trim(),
    wait: (s.querySelector('path.line-wait') || {}).getAttribute?.('d') || '',
    age: (s.querySelector('path.line-age') || {}).getAttribute?.('d') || '',
    windows: s.querySelectorAll('.alert-window').length,
    shades: [...s.querySelectorAll('.alert-window rect:first-of-type')].map((r) => r.getAttribute('class')),
    width: s.getBoundingClientRect().width,
  })));
  result.charts = charts.length;
  result.chartLabels = charts.map((c) => c.label);
  result.chartsWithData = charts.filter((c) => c.wait.length > 10 && c.age.length > 10 && c.width > 100).length;
  result.chartAlertWindows = charts.reduce((n, c) => n + c.windows, 0);
  check(charts.length >= +(opt['min-charts'] || 1), `expected at least ${opt['min-charts'] || 1} charts, got ${charts.length}`);
  check(result.chartsWithData === charts.length, `every chart draws its lines (${result.chartsWithData}/${charts.length})`);
  check(result.chartAlertWindows > 0, 'some chart shades an alert window');
  // Severity comes with the data: stuck queues are critical, TLS / connection failures warnings.
  const shades = charts.flatMap((c) => c.shades);
  check(shades.includes('shade-crit') && shades.includes('shade-warn') && shades.every((c) => /^shade-(crit|warn|info)$/.test(c)),
    `alert windows are shaded by severity: ${[...new Set(shades)].join(', ')}`);
  const dwellBars = await page.$$eval('#dwell-chart svg rect', (r) => r.length);
  result.dwellBars = dwellBars;
  check(dwellBars > 0, 'the dwell histogram is drawn');

  // Alerts.
  result.alertRows = await page.$$eval('.alert-row', (r) => r.length);
  result.openAlertRows = await page.$$eval('.alert-row.open', (r) => r.length);
  result.alertKinds = await page.$$eval('.alert-row', (rows) => rows.map((r) => r.getAttribute('data-kind')));
  check(result.alertRows >= +(opt['min-alerts'] || 1), `expected at least ${opt['min-alerts'] || 1} alert rows, got ${result.alertRows}`);
  check(result.openAlertRows >= +(opt['min-open'] || 0), `expected at least ${opt['min-open'] || 0} open alert rows, got ${result.openAlertRows}`);
  const hintsShown = await page.$$eval('.alert-row .al-hint', (h) => h.filter((x) => x.textContent.trim().length > 20).length);
  check(hintsShown > 0, 'alert rows show their hints');

  async function search(q) {
    await page.fill('#search-input', q);
    await page.click('#search-button');
    await page.waitForFunction(() => document.getElementById('search-status').textContent.length > 0);
    return page.$$eval('.flow-result', (cards) => cards.map((c) => ({
      id: c.getAttribute('data-flow-id'),
      subject: c.querySelector('.fr-subj').textContent,
      msgid: (c.querySelector('.fr-msgid') || {}).textContent || null,
      hops: [...c.querySelectorAll('.hop')].map((h) => ({
        appliance: h.getAttribute('data-appliance'),
        mid: +h.getAttribute('data-mid'),
        role: h.querySelector('.role').textContent.toLowerCase(),
        outcome: h.querySelector('.hop-outcome').textContent,
      })),
      cpq: (c.querySelector('.cpq-leg') || {}).textContent || null,
      states: [...c.querySelectorAll('.badge')].map((b) => b.className),
    })));
  }

  // Search by Message-ID, with brackets as a user would paste it.
  if (opt['message-id']) {
    const found = await search('<' + opt['message-id'] + '>');
    const want = (opt['expect-hops'] || '').split(',').filter(Boolean);
    const match = found.find((f) => f.hops.length === want.length && f.hops.map((h) => h.role).join(',') === want.join(','));
    result.search = { query: opt['message-id'], results: found.length, flow: match || found[0] || null };
    if (check(found.length > 0, `search for ${opt['message-id']} finds a flow`)) {
      check(!!match, `a result has ${want.length} hops ${want.join('→')}: got ${JSON.stringify(found.map((f) => f.hops.map((h) => h.role)))}`);
      check(!match || !!match.cpq, 'the round trip shows its cpq leg');
      check(!match || match.states.some((s) => s.includes('st-delivered')), `the delivered round trip has a state badge: ${match && match.states}`);
    }
    // Without brackets, too.
    const plain = await search(opt['message-id']);
    check(plain.length === found.length, 'brackets or not, the same flows');
  }
  // Search by appliance:MID finds the same journey.
  if (opt['mid-query']) {
    const found = await search(opt['mid-query']);
    result.midSearch = { query: opt['mid-query'], results: found.length, ids: found.map((f) => f.id) };
    check(found.length > 0 && (!result.search?.flow || found.some((f) => f.id === result.search.flow.id)), `search ${opt['mid-query']} finds the same flow`);
    const spaced = await search(opt['mid-query'].replace(':', ' '));
    check(spaced.length === found.length, '"appliance mid" works like "appliance:mid"');
  }
  // The header's quick search runs the same search.
  if (opt['mid-query']) {
    await page.fill('#quick-search', opt['mid-query']);
    await page.press('#quick-search', 'Enter');
    await page.waitForFunction((q) => document.getElementById('search-input').value === q, opt['mid-query']);
    result.quickSearchResults = await page.$$eval('.flow-result', (c) => c.length);
    check(result.quickSearchResults > 0, 'the header quick search finds the flow');
  }
  // A sender search (substring, any case).
  if (opt['sender']) {
    const found = await search(opt['sender'].toUpperCase());
    result.senderSearch = { query: opt['sender'], results: found.length };
    check(found.length > 0, `sender search ${opt['sender']} finds flows`);
  }
  // Hostile strings are shown as text and run nothing.
  if (opt['hostile-id']) {
    const found = await search(opt['hostile-id']);
    result.hostile = found.map((f) => f.subject);
    check(found.length === 1 && found[0].subject === opt['hostile-subject'], 'the hostile subject is shown as text');
  }
  // Clicking a sample MID of an alert runs a search.
  const midLink = await page.$('.alert-row .mid-link');
  if (midLink) {
    await midLink.click();
    await page.waitForFunction(() => document.querySelectorAll('.flow-result').length > 0 || /No flow/.test(document.getElementById('search-status').textContent));
    result.midLinkResults = await page.$$eval('.flow-result', (c) => c.length);
    check(result.midLinkResults > 0, 'a sample MID link finds its flow');
  }

  check(result.dialogs.length === 0, 'no script from the data ran (dialogs: ' + result.dialogs.join(' | ') + ')');
  check(result.pageErrors.length === 0, 'no page errors: ' + result.pageErrors.join(' | '));
  check(result.consoleErrors.length === 0, 'no console errors (e.g. content security policy): ' + result.consoleErrors.join(' | '));
  check(result.blockedRequests.length === 0, 'only file:// requests: ' + result.blockedRequests.join(' '));

  // An empty report (no input at all) loads without errors and searches nothing.
  if (opt['empty-report']) {
    const before = result.pageErrors.length;
    await page.goto(pathToFileURL(path.resolve(opt['empty-report'])).href, { waitUntil: 'load' });
    await page.waitForSelector('html[data-ready="1"]');
    await page.fill('#search-input', 'anything');
    await page.click('#search-button');
    const status = await page.textContent('#search-status');
    result.emptyReport = { status };
    check(/No flow matches/.test(status), 'the empty report searches nothing: ' + status);
    check(result.pageErrors.length === before, 'the empty report has no page errors');
    await page.goto(pathToFileURL(path.resolve(opt.report)).href, { waitUntil: 'load' });
    await page.waitForSelector('html[data-ready="1"]');
  }

  // The screenshot shows the round trip found by the search, with the whole page above it.
  if (opt['message-id']) await search(opt['message-id']);
  await page.evaluate(() => window.scrollTo(0, 0));
  if (opt.screenshot) {
    fs.mkdirSync(path.dirname(path.resolve(opt.screenshot)), { recursive: true });
    await page.screenshot({ path: opt.screenshot, fullPage: true });
    result.screenshot = path.resolve(opt.screenshot);
  }
} catch (err) {
  fail('browser check failed: ' + (err && err.stack ? err.stack : err));
} finally {
  await context.close().catch(() => {});
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
done(result.failures.length ? 1 : 0);
