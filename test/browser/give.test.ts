// A donor's whole journey in a real browser: the platform started as `npm start` starts it, Debian's
// chromium driven by playwright-core, and the local Stripe emulator's hosted pay page in between; and,
// once the round they gave to has reported, the donor reading their own share of it in their account
// and downloading their receipt as a PDF.
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { demoRounds } from '../../dev/seed';
import { dayIn } from '../../server/calendar';
import { messages } from '../../server/i18n/messages';
import { startBrowserApp, type BrowserApp } from '../support/browser';
import { testNow } from '../support/clock';
import { aStaffMember, signInAs } from '../support/staff';
import { waitUntil } from '../support/wait';
import { pdfText } from '../support/pdf';


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

  // Issue #17: the round closes and reports, and the donor finds their own share in their account.
  it('gives to a round in yuan, and once the round has reported, signs in by email and reads their share', async () => {
    const round = demoRounds(testNow).open;
    const email = 'wong.kaming@example.com';
    const page = await b.newPage();
    await page.goto(`${b.url}/campaigns/${round.slug}?lang=en`);
    await page.getByLabel('Amount').fill('1000');
    await page.getByLabel('Currency').selectOption('CNY');
    await page.getByLabel('Your name').fill('Wong Ka Ming');
    await page.getByLabel('Email, for your receipt').fill(email);
    await page.getByLabel(messages.en['donate.news']).check();
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(/\/donations\/thanks\?session_id=cs_/);
    await page.getByText('Confirmed:').waitFor();

    // Staff, through their own pages: a chamber of commerce's transfer brings the round to CN¥769,230.77;
    // the round closes, its 152 children are recorded, and its report is published.
    const { db } = b.database;
    const staff = await signInAs(b.url, (await aStaffMember(db, ['finance', 'campaign_manager'])).email);
    await staff
      .post('/staff/finance/offline-gifts', { donor_type: 'chamber_of_commerce', donor_name: 'Kowloon Chamber of Commerce', donor_email: '', amount: '768230.77', currency: 'CNY', method: 'bank_transfer', reference: 'HSBC 7711', received_on: dayIn(testNow, 'Asia/Hong_Kong'), campaign: round.slug, locale: 'en' })
      .expect(303);
    const campaign = await db.selectFrom('campaigns').select('id').where('slug', '=', round.slug).executeTakeFirstOrThrow();
    const paid = await db.selectFrom('ledger_entries').select(sql<Date>`max(occurred_at)`.as('at')).where('campaign_id', '=', campaign.id).where('source', '<>', 'offline').executeTakeFirstOrThrow();
    // Closed by staff once the gift was in (the platform's clock has run on since).
    await db.updateTable('campaigns').set({ status: 'closed', closed_at: paid.at }).where('id', '=', campaign.id).execute();
    for (const outcome of [
      { kind: 'cleft_lip_repair', count: '91' },
      { kind: 'cleft_palate_repair', count: '61' },
    ]) {
      await staff.post(`/staff/campaigns/${round.slug}/outcomes`, outcome).expect(303);
    }
    await staff.post(`/staff/campaigns/${round.slug}/report`).expect(303);

    // The donor asks for a sign-in link, finds it in the mail catcher beside the report's email, and signs in.
    await page.goto(`${b.url}/account?lang=en`);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    const mailTo = (subject: RegExp) => page.locator('tr', { hasText: email }).getByRole('link', { name: subject });
    await waitUntil('the sign-in link in the mail catcher', async () => {
      await page.goto(`${b.url}/dev/mail`);
      return (await mailTo(/^Your sign-in link for /).count()) > 0;
    }, { pollMs: 250 });
    await waitUntil('the report’s email in the mail catcher', async () => {
      await page.goto(`${b.url}/dev/mail`);
      return (await mailTo(new RegExp(`^${round.title}: what your gifts achieved$`)).count()) === 1;
    }, { pollMs: 250 });
    await mailTo(/^Your sign-in link for /).first().click();
    const link = /https?:\/\/\S+\/account\/sign-in\/[A-Za-z0-9_-]{43}/.exec(String(await page.locator('pre.mail-text').textContent()))?.[0];
    expect(link).toBeDefined();
    await page.goto(`${b.url}${new URL(link!).pathname}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/account(\?.*)?$/);

    const share = page.locator(`#round-shares [data-round-share="${round.slug}"]`);
    await expect(share.getByRole('heading', { name: round.title }).count()).resolves.toBe(1);
    await expect(share.locator('p:not(.round-share-meta)').allTextContents()).resolves.toEqual([
      `Your CN¥1,000.00 was 0.13% of what ${round.title} raised (CN¥769,230.77).`,
      'The round operated on 152 children, so your gifts paid for about a fifth of one operation.',
    ]);

    // The gift's receipt, downloaded as a PDF from the same page, reads as the receipt.
    const downloading = page.waitForEvent('download');
    await page.locator('a[download]', { hasText: messages.en['account.gifts.pdf'] }).first().click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^receipt-\d{4}-\d{6}\.pdf$/);
    const receipt = await pdfText(readFileSync((await download.path())!));
    expect(receipt).toContain('Wong Ka Ming');
    expect(receipt).toContain('CN¥1,000.00');
  });
});
