// A refund changes what a receipt may certify: the receipt it changes is voided, a replacement is numbered
// for what the gift kept, each cites the other, and the donor's refund notice cites both.
import request from 'supertest';
import type Stripe from 'stripe';
import { bringReceiptInLine } from '../../server/receipts/issue';
import { applyStripeEvent } from '../../server/webhooks/events';
import { giveAndPay, signIn } from '../donors/account-helpers';
import { startGivingHarness, type GivingHarness } from '../support/giving';
import { decodeEntities } from '../support/html';
import { downloadBytes, pdfText } from '../support/pdf';
import { aStaffMember, signInAs } from '../support/staff';
import { waitUntil } from '../support/wait';

describe('receipts after a refund', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  const receiptsOf = (donationId: string) =>
    h.database.db.selectFrom('receipts').selectAll().where('donation_id', '=', donationId).orderBy('issued_at').orderBy('sequence').execute();
  const linkIn = (text: string | undefined) => /(\/receipts\/[A-Za-z0-9_.-]+)/.exec(text ?? '')?.[1];
  const flat = (text: string) => text.replace(/\s+/g, ' ');

  it('a partial refund voids the receipt and numbers a replacement for the rest; the notice cites both and carries both PDFs', async () => {
    const gift = await giveAndPay(h, { email: 'part@example.com', name: 'Ada Wong', amount: '500' });
    await waitUntil('the receipt', () => h.mail.to('part@example.com').length >= 1);
    const [original] = await receiptsOf(gift.id);
    const receiptLink = linkIn(h.mail.to('part@example.com')[0]!.text)!;

    await h.stripe.refunds.create({ payment_intent: gift.stripe_payment_intent_id!, amount: 12_000 });
    await h.settle();

    const [voided, replacement] = await receiptsOf(gift.id);
    expect(voided).toMatchObject({ id: original!.id, number: original!.number, amount: 50_000, void_reason: 'refund' });
    expect(voided!.voided_at).not.toBeNull();
    expect(replacement).toMatchObject({ amount: 38_000, currency: 'HKD', replaces_receipt_id: original!.id, voided_at: null, sequence: original!.sequence + 1 });
    // The replacement keeps the gift's date, so the gift stays in its year on every statement.
    expect(replacement!.given_at).toEqual(original!.given_at);

    await waitUntil('the refund notice', () => h.mail.to('part@example.com').length >= 2);
    const mails = h.mail.to('part@example.com');
    expect(mails).toHaveLength(2);
    const notice = mails[1]!;
    expect(notice.subject).toBe('Your gift to Speech therapy fund has been refunded');
    expect(notice.text).toContain('We have refunded HK$120.00 of your gift to Speech therapy fund');
    expect(notice.text).toContain(`Receipt ${original!.number} for HK$500.00 is now void.`);
    expect(notice.text).toContain(`Receipt ${replacement!.number} for HK$380.00, attached, replaces it.`);
    expect(notice.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [`refund-notice-${original!.number}.pdf`, 'application/pdf'],
      [`receipt-${replacement!.number}.pdf`, 'application/pdf'],
    ]);
    const noticePdf = flat(await pdfText(notice.attachments[0]!.content));
    for (const shown of [`Refund notice ${original!.number}`, 'Ada Wong', 'HK$120.00', `${original!.number} (HK$500.00)`, `${replacement!.number}, for HK$380.00`, h.config.organisation.name.en]) {
      expect(noticePdf).toContain(shown);
    }
    const replacementPdf = flat(await pdfText(notice.attachments[1]!.content));
    expect(replacementPdf).toContain(`Donation receipt ${replacement!.number}`);
    expect(replacementPdf).toContain('HK$380.00');
    expect(replacementPdf).toContain(`This receipt replaces receipt ${original!.number}, which is void.`);

    // The old link now shows the receipt void, names its replacement and links to it; its PDF says so first.
    const page = decodeEntities((await request(h.url).get(receiptLink).expect(200)).text);
    expect(page).toContain('VOID');
    expect(page).toContain(`Receipt ${replacement!.number} replaces it, for HK$380.00.`);
    const originalPdf = flat(await pdfText((await downloadBytes(h.url, `${receiptLink}/pdf`)).body));
    expect(originalPdf).toMatch(new RegExp(`Donation receipt ${original!.number} \\(VOID\\) This receipt is void: it was cancelled on .+ because the gift was refunded\\.`));
    // The notice downloaded from the receipt's link is the very file the email carried.
    const downloaded = await downloadBytes(h.url, `${receiptLink}/refund-notice`);
    expect(downloaded.headers['content-disposition']).toBe(`attachment; filename=refund-notice-${original!.number}.pdf`);
    expect(downloaded.body.equals(notice.attachments[0]!.content)).toBe(true);
    const replacementLink = /href="[^"]*?(\/receipts\/[^"]+)"/.exec((await request(h.url).get(receiptLink)).text.split('class="receipt-void"')[1] ?? '')?.[1];
    expect(decodeEntities((await request(h.url).get(replacementLink!).expect(200)).text)).toContain(`This receipt replaces receipt ${original!.number}, which is void.`);
    // A receipt no refund voided has no notice.
    await request(h.url).get(`${replacementLink}/refund-notice`).expect(404);
  });

  it('a refund of the rest voids the replacement with none after it; events delivered again change nothing', async () => {
    const gift = await giveAndPay(h, { email: 'whole@example.com', amount: '500' });
    await h.stripe.refunds.create({ payment_intent: gift.stripe_payment_intent_id!, amount: 20_000 });
    await h.settle();
    await h.stripe.refunds.create({ payment_intent: gift.stripe_payment_intent_id! });
    await h.settle();
    await waitUntil('two refund notices', () => h.mail.to('whole@example.com').length >= 3);

    const receipts = await receiptsOf(gift.id);
    expect(receipts.map((r) => [r.amount, r.void_reason, r.replaces_receipt_id])).toEqual([
      [50_000, 'refund', null],
      [30_000, 'refund', receipts[0]!.id],
    ]);
    const last = h.mail.to('whole@example.com')[2]!;
    expect(last.text).toContain(`As the whole gift was refunded, no receipt replaces it: please do not use receipt ${receipts[1]!.number} for any tax claim.`);
    expect(last.attachments.map((a) => a.filename)).toEqual([`refund-notice-${receipts[1]!.number}.pdf`]);

    // Every event about this charge applied once more, as a late redelivery would be.
    const events = await h.database.db.selectFrom('stripe_events').select('id').execute();
    await h.database.db.updateTable('stripe_events').set({ processed_at: null }).where('id', 'in', events.map((e) => e.id)).execute();
    for (const { id } of events) await applyStripeEvent({ db: h.database.db, stripe: h.stripe, config: h.config }, id);
    await h.settle();
    expect(await receiptsOf(gift.id)).toEqual(receipts);
    expect(h.mail.to('whole@example.com')).toHaveLength(3);
  });

  it('a lost dispute voids the receipt without a notice; a won one numbers a replacement and sends it', async () => {
    const gift = await giveAndPay(h, { email: 'dispute@example.com', amount: '300' });
    await waitUntil('the receipt', () => h.mail.to('dispute@example.com').length >= 1);
    const dispute = await h.helper<Stripe.Dispute>('/_emulator/disputes', { charge: gift.stripe_charge_id });
    await h.settle();
    const [disputed] = await receiptsOf(gift.id);
    expect(disputed).toMatchObject({ void_reason: 'dispute', amount: 30_000 });

    await h.helper(`/_emulator/disputes/${dispute.id}/close`, { outcome: 'won' });
    await h.settle();
    const [, reinstated] = await receiptsOf(gift.id);
    expect(reinstated).toMatchObject({ amount: 30_000, replaces_receipt_id: disputed!.id, voided_at: null });
    await waitUntil('the replacement receipt', () => h.mail.to('dispute@example.com').length >= 2);
    expect(h.mail.to('dispute@example.com').map((m) => m.subject)).toEqual([
      expect.stringContaining(`Your receipt ${disputed!.number}`),
      expect.stringContaining(`Your receipt ${reinstated!.number}`),
    ]);
  });

  it('voids a receipt as reinstated, never as refunded, when refunded money comes back to the gift', async () => {
    const gift = await giveAndPay(h, { email: 'back@example.com', amount: '500' });
    await h.stripe.refunds.create({ payment_intent: gift.stripe_payment_intent_id!, amount: 10_000 });
    await h.settle();
    // What the ledger sync does when Stripe reports the refund failed and the money is the gift's again
    // (the emulator cannot fail a refund, so the step is taken as the sync takes it).
    const change = await h.database.db.transaction().execute((trx) => bringReceiptInLine(trx, gift.id, { amount: 50_000, currency: 'HKD' }, new Date(gift.succeeded_at!.getTime() + 60_000), 'refund', h.config.organisation.timeZone));
    expect(change!.voided).toMatchObject({ amount: 40_000, void_reason: 'reinstated' });
    expect(change!.replacement).toMatchObject({ amount: 50_000, replaces_receipt_id: change!.voided!.id });
    const notices = await h.database.db.selectFrom('receipts').select('number').where('donation_id', '=', gift.id).where('void_reason', '=', 'refund').execute();
    expect(notices).toHaveLength(1);
  });

  it('shows the donor each receipt’s state and every refund notice, and finance the whole chain', async () => {
    const gift = await giveAndPay(h, { email: 'chain@example.com', amount: '200' });
    await h.stripe.refunds.create({ payment_intent: gift.stripe_payment_intent_id!, amount: 5_000 });
    await h.settle();
    const [first, second] = await receiptsOf(gift.id);

    const donor = await signIn(h, 'chain@example.com');
    const account = decodeEntities((await donor.agent.get('/account').expect(200)).text);
    const row = account.split(`data-gift="${gift.id}"`)[1]!.split('</tr>')[0]!;
    expect(row).toContain(`Receipt ${second!.number}`);
    expect(row).not.toContain(`>Receipt ${first!.number}<`);
    expect(row).toContain(`Refund notice for receipt ${first!.number} (PDF)`);
    const noticePath = /href="([^"]+\/refund-notice)"/.exec(row)![1]!;
    expect((await pdfText((await downloadBytes(h.url, noticePath)).body))).toContain('HK$50.00');

    const finance = await signInAs(h.url, (await aStaffMember(h.database.db, ['finance'])).email);
    const page = decodeEntities((await finance.agent.get(`/staff/finance/gifts/${gift.id}`).expect(200)).text);
    expect(page).toMatch(new RegExp(`data-receipt-number="${first!.number}"[^>]*>${first!.number} · HK\\$200\\.00 · void since .+: refunded · <a[^>]+/pdf"`));
    expect(page).toMatch(new RegExp(`data-receipt-number="${second!.number}">${second!.number} · HK\\$150\\.00 · stands · replaces ${first!.number}`));
    expect(page).toContain('Refund notice (PDF)');
  });
});
