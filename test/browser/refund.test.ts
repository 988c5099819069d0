// Finance refunds a gift in a real browser: the platform started as `npm start` starts it, a donor's
// gift paid on the emulator's pay page, then the staff area's ledger, the gift's page and its refund
// form, and the campaign total falling on the public page once Stripe confirms.
import { startBrowserApp, type BrowserApp } from '../support/browser';
import { aStaffMember, staffPassword } from '../support/staff';
import { waitUntil } from '../support/wait';


describe('finance refunds a gift in the browser', () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp('browser-refund');
  });
  afterAll(() => b?.stop());

  it('finds the gift in the ledger, refunds it, and sees the campaign total fall', async () => {
    expect(b.app.output.stdout).toMatch(/stripe: local emulator on http:\/\/127\.0\.0\.1:\d+/);
    // `npm start` has migrated the database by now; finance is a colleague with a password.
    const fiona = await aStaffMember(b.database.db, ['finance'], { email: 'fiona@example.org', name: 'Fiona Finance' });

    const page = await b.newPage();
    const raisedOnCard = async () => {
      await page.goto(b.url);
      return page.locator('.campaign-card', { hasText: 'Speech therapy fund' }).locator('[data-raised]').textContent();
    };

    // A donor gives HK$150 and pays on the emulator's page.
    await page.goto(`${b.url}/campaigns/speech-therapy-fund`);
    await page.getByLabel('Amount').fill('150');
    await page.getByLabel('Currency').selectOption('HKD');
    await page.getByLabel('Your name').fill('陈美玲');
    await page.getByLabel('Email, for your receipt').fill('mei.chan@example.com');
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(/\/donations\/thanks\?session_id=cs_/);
    await page.getByText('Confirmed:').waitFor();
    await expect(raisedOnCard()).resolves.toBe('HK$150');

    // Finance signs in and finds the gift in the ledger by the donor's email.
    await page.goto(`${b.url}/staff/sign-in`);
    await page.getByLabel('Email').fill(fiona.email);
    await page.getByLabel('Password').fill(staffPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Finance' }).click();
    await page.getByRole('link', { name: 'Gifts' }).first().click();
    await page.getByLabel('Donor email or name').fill('mei.chan@example.com');
    await page.getByRole('button', { name: 'Filter' }).click();
    const rows = page.locator('table.gifts tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('陈美玲');
    await rows.first().getByRole('link').click();

    // The whole gift back, with a reason.
    await expect(page.locator('[data-left]').textContent()).resolves.toBe('HK$150.00');
    await expect(page.getByLabel('Amount to refund (HKD)').inputValue()).resolves.toBe('150.00');
    await page.getByLabel('Reason').fill('The donor meant to give HK$15.');
    await page.getByRole('button', { name: 'Refund through Stripe' }).click();
    await page.getByText('Stripe accepted the refund.').waitFor();

    // The ledger shows the refund once Stripe's webhook has been applied: reload until then (bounded).
    let status: string | null = null;
    await waitUntil(
      'the gift to show as refunded',
      async () => {
        await page.reload();
        status = await page.locator('[data-status]').textContent();
        return status === 'refunded';
      },
      { pollMs: 250, describe: () => status },
    );
    await expect(page.locator('table.ledger tr[data-kind="refund"]').textContent()).resolves.toContain('-HK$150.00');

    await expect(raisedOnCard()).resolves.toBe('HK$0');
  });
});
