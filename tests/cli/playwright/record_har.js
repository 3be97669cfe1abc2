// Records a HAR as a browser client of the replicate API makes one: Playwright (npm
// playwright-core) drives Debian's Chromium, whose page calls a `kmsconf serve` at BASE_URL, and
// its recordHar writes HAR_PATH. The page is served by a route at the server's own origin, so
// its calls are same-origin (no CORS preflight) and go over the network to the server.
//   node record_har.js BASE_URL HAR_PATH
const { chromium } = require('playwright-core');

(async () => {
  const [base, harPath] = process.argv.slice(2);
  const origin = new URL(base).origin;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ recordHar: { path: harPath, content: 'embed' } });
    const page = await context.newPage();
    await page.route(origin + '/app', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>replicate client</title>' }));
    await page.goto(origin + '/app');
    const statuses = await page.evaluate(async (base) => {
      const key = 'a02baf5a-a3e4-49a0-857b-8a08d276c1c0';
      const replicate = (body) => fetch(base + '/kms-key/' + key + '/replicate',
        { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      const out = [];
      // Every body is read: Chromium records none of a body the page never read.
      const read = async (response) => { out.push(response.status); return response.text(); };
      const operation = JSON.parse(await read(await replicate('{"zone":"de-fra-1"}')));
      await read(await fetch(base + '/operation/' + operation.id));
      await read(await replicate('{"zone":"de-fra-1"}'));  // the same zone again: a Conflict
      await read(await replicate('{"zone":7}'));           // a body the schema refuses
      // The replica is listed once the operation ended (the reference server ends it soon).
      for (let i = 0; i < 50; i++) {
        const poll = JSON.parse(await read(await fetch(base + '/operation/' + operation.id)));
        if (poll.state !== 'pending') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await read(await fetch(base + '/kms-key/' + key));
      // And one the page never reads: recorded without its body.
      out.push((await fetch(base + '/kms-key/' + key)).status);
      return out;
    }, base);
    console.log(JSON.stringify(statuses));
    await context.close();  // writes the HAR
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
