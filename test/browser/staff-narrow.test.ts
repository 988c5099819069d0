// Every staff page at a phone's width (390 px) and a laptop's (1280 px): the page is never wider than the
// window; a wide table scrolls inside its own region instead. One app start, one browser.
import type { Page } from 'playwright-core';
import { startBrowserApp, type BrowserApp } from '../support/browser';
import { aDonorRow, aPaidGift, campaignId } from '../support/ledger-rows';
import { aStaffMember, staffPassword } from '../support/staff';
import { demoRounds } from '../../dev/seed';
import { testNow } from '../support/clock';

const widths = [390, 1280];

describe('staff pages at 390 and 1280 px', () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp('staff-narrow');
  });
  afterAll(() => b?.stop());

  /** How wide the document is against the window it is shown in. */
  const widthOf = (page: Page) =>
    page.evaluate(() => {
      // Runs in the page; the test's own compilation knows no DOM.
      const inPage = globalThis as unknown as { innerWidth: number; document: { documentElement: { scrollWidth: number } } };
      return { scroll: inPage.document.documentElement.scrollWidth, window: inPage.innerWidth };
    });

  it('fits every staff page in the window', async () => {
    const db = b.database.db;
    // Long, unbroken values are what push a table wide: a long address, Stripe ids, a long campaign slug.
    const donorId = await aDonorRow(db, 'a.very.long.address.for.a.donor.who.gives.often@example-hospital-foundation.org.hk', '陈美玲 Chan Mei-ling');
    const gift = await aPaidGift(db, { campaignId: await campaignId(db, 'speech-therapy-fund'), donorId, amount: 150_00, currency: 'HKD', fee: 4_80 });
    const admin = await aStaffMember(db, ['admin'], { name: 'Alice Administrator-Wong', email: 'alice.administrator.wong@example-hospital-foundation.org.hk' });
    await aStaffMember(db, ['finance', 'campaign_manager'], { name: 'Fiona Finance' });

    const page = await b.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${b.url}/staff/sign-in`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(staffPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${b.url}/staff`);
    // An audited change, so the audit log has a row to lay out: the header's language switch, there and back.
    await page.getByRole('button', { name: '简体中文' }).click();
    await page.getByRole('button', { name: 'English' }).click();

    // A closed round of the demo mission: it has spending, outcomes and a transfer to lay out.
    const closedRound = demoRounds(testNow).closed[0]!.slug;
    const paths = [
      '/staff',
      '/staff/team',
      '/staff/audit',
      '/staff/finance',
      '/staff/finance/gifts',
      `/staff/finance/gifts/${gift.id}`,
      '/staff/finance/offline-gifts',
      '/staff/finance/payouts',
      '/staff/finance/reconciliation',
      '/staff/campaigns',
      '/staff/campaigns/speech-therapy-fund',
      '/staff/campaigns/speech-therapy-fund/edit',
      '/staff/missions',
      '/staff/missions/happy-smile/edit',
      '/staff/finance/rounds',
      `/staff/finance/rounds/${closedRound}`,
      `/staff/campaigns/${closedRound}/outcomes`,
    ];
    const tooWide: string[] = [];
    for (const width of widths) {
      await page.setViewportSize({ width, height: 844 });
      for (const path of paths) {
        const response = await page.goto(`${b.url}${path}`);
        expect({ path, status: response?.status() }).toEqual({ path, status: 200 });
        const measured = await widthOf(page);
        if (measured.scroll > measured.window) tooWide.push(`${path} at ${width}: ${measured.scroll} px`);
      }
    }
    expect(tooWide).toEqual([]);
  });
});
