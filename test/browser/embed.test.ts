// A partner copies the widget's code from our snippet page, pastes it into their own site, and a
// visitor there gives through it: in chromium, with the partner's page on another origin.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBrowserApp, type BrowserApp } from '../support/browser';

/** The partner's own little web server, on another origin: 127.0.0.1 rather than localhost, and its own port. */
async function servePartnerPage(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/friends`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the donate widget on a partner site', () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp('embed');
  });
  afterAll(() => b?.stop());
  const onTestEnd: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of onTestEnd.splice(0)) await close();
  });

  it('is pasted from the snippet page, shows progress inside the partner page, and opens our donate form in a new tab', async () => {
    const context = await b.newContext();
    onTestEnd.push(() => context.close());
    const page = await context.newPage();
    await page.goto(`${b.url}/embed/campaigns/speech-therapy-fund/snippet?lang=en`);
    const code = await page.getByLabel('Code to paste').inputValue();
    expect(code).toMatch(/^<iframe src="http:\/\/localhost:\d+\/embed\/campaigns\/speech-therapy-fund\?lang=en" title="Give to Speech therapy fund on Smile Bridge Foundation"/);

    // The partner's page, served from another origin, with the code pasted in; and our campaign page framed beside it.
    const partner = await servePartnerPage(`<!doctype html><title>Partner</title><h1>Our friends</h1>${code}<iframe title="Our campaign page" src="${b.url}/campaigns/speech-therapy-fund"></iframe>`);
    onTestEnd.push(partner.close);
    await page.goto(partner.url);
    const widget = page.frameLocator('iframe[title="Give to Speech therapy fund on Smile Bridge Foundation"]');
    await expect(widget.getByRole('progressbar', { name: /HK\$0 raised of HK\$300,000/ }).getAttribute('aria-valuenow')).resolves.toBe('0');

    // From the keyboard, as anyone tabbing through the partner's page would.
    const [donatePage] = await Promise.all([context.waitForEvent('page'), widget.getByRole('link', { name: 'Give to Speech therapy fund (opens in a new tab)' }).press('Enter')]);
    await donatePage.waitForLoadState();
    expect(donatePage.url()).toBe(`${b.url}/campaigns/speech-therapy-fund?utm_source=embed&lang=en#give`);
    await expect(donatePage.locator('input[name=utm_source]').inputValue()).resolves.toBe('embed');

    // Only the widget may be framed: the campaign page itself refuses to render inside the partner's page.
    const framedPage = page.frameLocator('iframe[title="Our campaign page"]');
    // chromium puts its own error page (body.neterror) where the framed page would have been.
    await framedPage.locator('body.neterror').waitFor({ state: 'attached' });
    await expect(framedPage.locator('#give').count()).resolves.toBe(0);
  });
});
