// Consent to news on the donate form (issue #17, Hong Kong's PDPO): an unticked box, whose tick counts only
// once the gift is paid, recorded with the sentence shown, its language and when the form was sent; receipts,
// and the notice that a monthly gift moved, go whatever the donor chose.
import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { closeContext, openContext, type AppContext } from '../../server/context';
import { createLogger } from '../../server/logger';
import { messages } from '../../server/i18n/messages';
import { locales } from '../../server/locale';
import { dayIn } from '../../server/calendar';
import type { Db } from '../../server/database';
import { recordConsentOfPaidGift } from '../../server/impact/consent';
import { postImpactUpdate } from '../../server/impact/post';
import { queueImpactFanOut } from '../../server/impact/fanout';
import { impactProgress } from '../../server/impact/impact.repository';
import { unsubscribeUrl } from '../../server/impact/send';
import { movePlansOffClosedRounds } from '../../server/donations/plan-moves';
import { testNow } from '../support/clock';
import { isChecked } from '../support/html';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { waitUntil } from '../support/wait';
import { consentsOf } from '../impact/consent-helpers';

const timeZone = 'Asia/Hong_Kong';

describe('the news box on the donate form', () => {
  let h: GivingHarness;
  let worker: AppContext;
  beforeAll(async () => {
    h = await startGivingHarness();
    worker = openContext(h.config, createLogger({ logLevel: 'warn' }));
  });
  afterAll(async () => {
    await closeContext(worker);
    await h.stop();
  });

  const db = () => h.database.db;
  const donorId = async (email: string) => (await db().selectFrom('donors').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const receiptsTo = (email: string) => h.mail.to(email).filter((mail) => /^<receipt-/.test(String(mail.messageId)));

  it('is offered unticked, in each language the site speaks', async () => {
    for (const locale of locales) {
      const page = await request(h.url).get(`/campaigns/speech-therapy-fund?lang=${locale}`).expect(200);
      expect(page.text).toContain(`<label class="choice"><input type="checkbox" name="news" value="on" > ${messages[locale]['donate.news']}</label>`);
      expect(isChecked(page.text, 'news')).toBe(false);
    }
    expect(messages['zh-HK']['donate.news']).toContain('電郵');
  });

  it('opts in a donor who ticks it and pays, with the sentence as they read it, its language and when they sent the form', async () => {
    const email = 'chan.tick@example.com';
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ email, name: '陳大文', locale: 'zh-HK', news: 'on' }));
    // Carried on the gift while it is unpaid; nothing is recorded yet.
    expect(donation).toMatchObject({ locale: 'zh-HK', updates_consent_wording: messages['zh-HK']['donate.news'], updates_consent_chosen_at: expect.any(Date) });
    expect(dayIn(donation.updates_consent_chosen_at!, timeZone)).toBe(dayIn(testNow, timeZone));
    expect(await consentsOf(db(), await donorId(email))).toEqual([]);

    expect((await h.pay(sessionId)).status).toBe('succeeded');
    await h.settle();
    // Every event about the payment has been applied; the yes is there once.
    expect(await consentsOf(db(), await donorId(email))).toEqual([
      expect.objectContaining({
        granted: true,
        purpose: 'updates',
        source: 'donate_form',
        wording: '以電郵向我發送捐款成果的消息（每年約四次）。您可以隨時取消。',
        locale: 'zh-HK',
        donation_id: donation.id,
        chosen_at: donation.updates_consent_chosen_at,
      }),
    ]);
    // Applying the payment again records nothing more.
    await db().transaction().execute((trx) => recordConsentOfPaidGift(trx, donation));
    expect(await consentsOf(db(), await donorId(email))).toHaveLength(1);

    // A later gift with the box left unticked changes nothing: unticked is "no change", not a no.
    const { sessionId: second } = await h.give('speech-therapy-fund', aDonor({ email, name: '陳大文', locale: 'zh-HK', amount: '50' }));
    expect((await h.pay(second)).status).toBe('succeeded');
    await h.settle();
    expect(await consentsOf(db(), await donorId(email))).toEqual([expect.objectContaining({ granted: true, donation_id: donation.id })]);
  });

  it('records nothing for a donor who ticks it and never pays, or whose card is declined', async () => {
    const walkedAway = 'walked.away@example.com';
    const { donation } = await h.give('speech-therapy-fund', aDonor({ email: walkedAway, news: 'on' }));
    expect(donation.updates_consent_wording).toBe(messages.en['donate.news']);
    const declined = 'declined.tick@example.com';
    const { sessionId } = await h.give('speech-therapy-fund', aDonor({ email: declined, news: 'on' }));
    expect((await h.pay(sessionId, '4000000000000002')).status).toBe('declined');
    await h.settle();
    expect(await consentsOf(db(), await donorId(walkedAway))).toEqual([]);
    expect(await consentsOf(db(), await donorId(declined))).toEqual([]);
  });

  it('sends a donor who leaves it unticked their receipt, and no impact update; the update reaches exactly those who agreed', async () => {
    const quiet = 'quiet.giver@example.com';
    const { sessionId } = await h.give('speech-therapy-fund', aDonor({ email: quiet, name: 'Quiet Giver' }));
    expect((await h.pay(sessionId)).status).toBe('succeeded');
    await h.settle();
    await waitUntil('the receipt of the donor who left the box unticked', () => receiptsTo(quiet).length === 1);
    expect(await consentsOf(db(), await donorId(quiet))).toEqual([]);

    const update = await postImpactUpdate(db(), { campaignSlug: 'speech-therapy-fund', title: 'Forty first words', bodyMarkdown: 'The therapists held **40 sessions**.' });
    await queueImpactFanOut(worker, update.id);
    await waitUntil('the update to be sent', async () => Boolean((await impactProgress(db(), update.id))?.completedAt));
    const reached = h.mail.messages.filter((mail) => String(mail.messageId).startsWith(`<impact-${update.id}-`)).map((mail: ParsedMail) => (mail.to && !Array.isArray(mail.to) ? mail.to.text : ''));
    // Of everyone who gave (the demo's donors, the walk-away and the declined card included), only the one who ticked and paid.
    expect(reached).toEqual(['chan.tick@example.com']);
    expect(await impactProgress(db(), update.id)).toMatchObject({ sent: 1, skipped: 0, total: 1 });
    const [news] = h.mail.to('chan.tick@example.com').filter((mail) => String(mail.messageId).startsWith(`<impact-${update.id}-`));
    expect(news!.text).toContain(messages['zh-HK']['impact.why'].replace('{campaign}', '言語治療基金'));
  });
});

/** An instant on Hong Kong's wall clock, where the organisation's rounds open and close. */
const inHongKong = (wallClock: string) => new Date(`${wallClock}+08:00`);

/** A mission of two rounds, June and July, in US dollars. */
async function aMissionOfTwoRounds(db: Db): Promise<void> {
  const mission = await db.insertInto('missions').values({ slug: 'consent-smiles', title: { en: 'Smiles' }, summary: { en: 'Rounds of surgery.' }, currency: 'USD' }).returning('id').executeTakeFirstOrThrow();
  for (const [slug, title, opens, closes] of [
    ['consent-june', 'Smiles: June round', '2026-06-01T00:00:00', '2026-06-30T23:59:59'],
    ['consent-july', 'Smiles: July round', '2026-07-01T00:00:00', '2026-09-30T23:59:59'],
  ] as const) {
    await db
      .insertInto('campaigns')
      .values({
        mission_id: mission.id,
        slug,
        title: { en: title },
        summary: { en: 'A round of surgery.' },
        story: { en: 'Children operated on in this round.' },
        status: 'live',
        target_amount: 5_000_000,
        target_currency: 'USD',
        accepted_currencies: ['USD'],
        starts_at: inHongKong(opens),
        ends_at: inHongKong(closes),
      })
      .execute();
  }
}

describe('what a donor must be told', () => {
  // A harness of its own: moving the emulator's clock renews every subscription in it.
  let h: GivingHarness;
  let worker: AppContext;
  beforeAll(async () => {
    h = await startGivingHarness();
    worker = openContext(h.config, createLogger({ logLevel: 'warn' }));
  });
  afterAll(async () => {
    await closeContext(worker);
    await h.stop();
  });

  it('still tells a donor who withdrew from news that their monthly gift moved to the next round', async () => {
    const db = h.database.db;
    await aMissionOfTwoRounds(db);
    const email = 'stopped.news@example.com';
    const { donation, sessionId } = await h.give('consent-june', aDonor({ email, name: 'Stopped News', amount: '25', currency: 'USD', frequency: 'month', news: 'on' }));
    expect((await h.pay(sessionId)).status).toBe('succeeded');
    await h.settle();
    const donor = donation.donor_id!;
    expect(await consentsOf(db, donor)).toEqual([expect.objectContaining({ granted: true, source: 'donate_form' })]);

    // The donor's mail program's unsubscribe button: a no.
    const stop = new URL(unsubscribeUrl(h.config, donor));
    await request(h.url).post(stop.pathname).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect((await consentsOf(db, donor)).at(-1)).toMatchObject({ granted: false, source: 'one_click' });

    // The June round closes, and the worker's sweep moves the gift on.
    const afterClose = inHongKong('2026-07-01T09:00:00');
    await h.helper('/_emulator/advance_time', { to: Math.floor(afterClose.getTime() / 1000) });
    await h.settle();
    expect(await movePlansOffClosedRounds(worker, afterClose)).toEqual({ moved: 1, stuck: 0, failed: 0 });
    const subject = messages.en['notice.planMoved.subject'].replace('{gift}', messages.en['notice.planMoved.gift.month']).replace('{to}', 'Smiles: July round');
    await waitUntil('the notice that the gift moved', () => h.mail.to(email).some((mail) => mail.subject === subject));
  });
});
