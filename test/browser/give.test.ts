// A donor's whole journey in a real browser: the platform started as `npm start` starts it, Debian's
// chromium driven by playwright-core, and the local Stripe emulator's hosted pay page in between.
import { startBrowserApp, type BrowserApp } from '../support/browser';


describe('a donor gives in the browser', () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp('browser');
  });
  afterAll(() => b?.stop());

  it('gives from the home page through the pay page to the thank-you page, and sees the total move', async () => {
    expect(b.app.output.stdout).toMatch(/stripe: local emulator on http:\/\/127\.0\.0\.1:\d+/);
    const page = await b.newPage();
    await page.goto(b.url);
    const card = page.locator('.campaign-card', { hasText: 'Speech therapy fund' });
    await expect(card.locator('[data-raised]').textContent()).resolves.toBe('HK$0');
    await card.getByRole('link', { name: 'Speech therapy fund' }).click();

    await page.getByLabel('Amount').fill('150');
    await page.getByLabel('Currency').selectOption('HKD');
    await page.getByLabel('Your name').fill('陈美玲');
    await page.getByLabel('Email, for your receipt').fill('mei.chan@example.com');
    await page.getByRole('button', { name: 'Continue to payment' }).click();

    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay' }).click();

    await page.waitForURL(/\/donations\/thanks\?session_id=cs_/);
    // The page shows the gift as pending until the webhook is applied, and reloads itself until then.
    await page.getByText('Confirmed:').waitFor();
    expect(await page.locator('.status-confirmed').textContent()).toContain('HK$150.00');

    await page.goto(b.url);
    await expect(page.locator('.campaign-card', { hasText: 'Speech therapy fund' }).locator('[data-raised]').textContent()).resolves.toBe('HK$150');
  });

  it('brings a currency’s amount buttons when the donor switches to it, even from one that has none', async () => {
    const { db } = b.database;
    const campaign = await db.selectFrom('campaigns').select('id').where('slug', '=', 'speech-therapy-fund').executeTakeFirstOrThrow();
    await db.deleteFrom('campaign_presets').where('campaign_id', '=', campaign.id).where('currency', '=', 'USD').execute();
    const page = await b.newPage();
    await page.goto(`${b.url}/campaigns/speech-therapy-fund?currency=USD&lang=en`);
    expect(await page.locator('.amount-button').count()).toBe(0);

    await page.getByLabel('Currency').selectOption('HKD');
    const button = page.locator('.amount-button', { hasText: 'HK$800' });
    await button.waitFor();
    await button.click();
    expect(await page.getByLabel('Amount').inputValue()).toBe('800.00');
    expect(await page.locator('#chosen-impact').textContent()).toContain('HK$800');

    await page.getByLabel('Currency').selectOption('USD');
    await page.locator('.other-currencies', { hasText: 'HKD' }).waitFor();
    expect(await page.locator('.amount-button').count()).toBe(0);
  });
});
