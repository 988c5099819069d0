// Monthly gifts follow the mission (issue #17): when a round closes, its regular gifts move to the mission's
// next open round (or the general fund) before they renew, the donor is told once in their language with a
// one-click way to stop, and no payment is ever credited to a round that had closed when it was made.
import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import type Stripe from 'stripe';
import { closeContext, openContext, type AppContext } from '../../server/context';
import { createLogger } from '../../server/logger';
import { messages } from '../../server/i18n/messages';
import { movePlansOffClosedRounds } from '../../server/donations/plan-moves';
import type { Db } from '../../server/database';
import { csrfOf, signIn } from '../donors/account-helpers';
import { aDonor, startGivingHarness, type GivingHarness, type LogLine } from '../support/giving';
import { aStaffMember, downloadText, signInAs } from '../support/staff';
import { waitUntil } from '../support/wait';

const hk = messages['zh-HK'];
const en = messages.en;

/** An instant on Hong Kong's wall clock, where the organisation's rounds open and close. */
const inHongKong = (wallClock: string) => new Date(`${wallClock}+08:00`);
const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

interface Round {
  slug: string;
  en: string;
  hk: string;
  opens: string;
  closes: string;
}

/** A mission of our own with its rounds, so that the story does not hang on the demo's calendar. */
async function aMission(db: Db, slug: string, rounds: Round[]): Promise<Record<string, number>> {
  const mission = await db
    .insertInto('missions')
    .values({ slug, title: { en: `Mission ${slug}`, 'zh-HK': `行動 ${slug}` }, summary: { en: 'Rounds of surgery.' }, currency: 'USD' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ids: Record<string, number> = {};
  for (const round of rounds) {
    const row = await db
      .insertInto('campaigns')
      .values({
        mission_id: mission.id,
        slug: round.slug,
        title: { en: round.en, 'zh-CN': round.hk, 'zh-HK': round.hk },
        summary: { en: 'A round of surgery.' },
        story: { en: 'Children operated on in this round.' },
        status: 'live',
        target_amount: 5_000_000,
        target_currency: 'USD',
        accepted_currencies: ['USD', 'HKD'],
        starts_at: inHongKong(round.opens),
        ends_at: inHongKong(round.closes),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids[round.slug] = row.id;
  }
  return ids;
}

describe('a monthly gift to a round that closes', () => {
  // A harness each: moving the emulator's clock renews every subscription in it.
  let h: GivingHarness;
  let worker: AppContext;
  let sweepLogs: LogLine[];
  beforeEach(async () => {
    h = await startGivingHarness();
    sweepLogs = [];
    // The sweep as the worker runs it, in a context of its own; only the moment it runs at is the test's.
    worker = openContext(h.config, createLogger({ logLevel: 'warn' }, { write: (line: string) => void sweepLogs.push(JSON.parse(line) as LogLine) }));
  });
  afterEach(async () => {
    await closeContext(worker);
    await h.stop();
  });

  const db = () => h.database.db;
  const sweep = (at: Date) => movePlansOffClosedRounds(worker, at);
  const planOf = (id: string) => db().selectFrom('recurring_plans').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const movesOf = (planId: string) => db().selectFrom('recurring_plan_moves').selectAll().where('plan_id', '=', planId).orderBy('id').execute();
  const donationsOf = (planId: string) =>
    db()
      .selectFrom('donations')
      .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
      .leftJoin('campaigns as intended', 'intended.id', 'donations.intended_campaign_id')
      .select(['donations.id', 'donations.origin', 'donations.status', 'donations.amount', 'campaigns.slug as campaign', 'intended.slug as intended'])
      .where('donations.recurring_plan_id', '=', planId)
      .orderBy('donations.created_at')
      .orderBy('donations.id')
      .execute();
  const ledgerTo = (campaignId: number) => db().selectFrom('ledger_entries').select(['kind', 'amount', 'currency']).where('campaign_id', '=', campaignId).orderBy('id').execute();
  const planMovedOwed = () => db().selectFrom('outbox').selectAll().where('topic', '=', 'plan_moved').execute();
  const movedAudits = () => db().selectFrom('audit_log').selectAll().where('action', '=', 'plan.moved').execute();

  /** A US$25 monthly gift started on the round's page and paid: its plan and subscription. */
  async function startMonthlyGift(slug: string, donor: Record<string, string>) {
    const { donation, sessionId } = await h.give(slug, aDonor({ amount: '25', currency: 'USD', frequency: 'month', ...donor }));
    expect((await h.pay(sessionId)).status).toBe('succeeded');
    await h.settle();
    const plan = await planOf(donation.recurring_plan_id!);
    expect(plan).toMatchObject({ status: 'active', amount: 2500, currency: 'USD', interval: 'month' });
    const subscription = await h.stripe.subscriptions.retrieve(plan.stripe_subscription_id!);
    return { plan, subscription, renewsAt: subscription.items.data[0]!.current_period_end };
  }

  const movedMails = (email: string, subjectStart: string) => h.mail.to(email).filter((mail) => String(mail.subject).startsWith(subjectStart));
  const stopPathIn = (mail: ParsedMail) => /\/account\/stop-gift\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{24}/.exec(String(mail.text))?.[0];

  it('moves to the next round when the round closes, renews there, tells the donor once in their language, and stops with one click', async () => {
    const rounds = await aMission(db(), 'smiles', [
      { slug: 'smiles-june', en: 'Smiles: June round', hk: '微笑：六月一輪', opens: '2026-06-01T00:00:00', closes: '2026-06-30T23:59:59' },
      { slug: 'smiles-july', en: 'Smiles: July round', hk: '微笑：七月一輪', opens: '2026-07-01T00:00:00', closes: '2026-09-30T23:59:59' },
    ]);
    const email = 'wing.chan@example.com';
    const { plan, renewsAt } = await startMonthlyGift('smiles-june', { email, name: '陳詠', locale: 'zh-HK' });

    // The round closes; the worker's sweep runs soon after, as it does every few minutes.
    const afterClose = inHongKong('2026-07-01T09:00:00');
    await h.helper('/_emulator/advance_time', { to: seconds(afterClose) });
    await h.settle();
    const swept = await sweep(afterClose);

    // Then the clock passes the next renewal.
    const advanced = await h.helper<{ invoices: Stripe.Invoice[] }>('/_emulator/advance_time', { to: renewsAt + 3600 });
    expect(advanced.invoices).toHaveLength(1);
    await h.settle();

    expect(await donationsOf(plan.id)).toEqual([
      expect.objectContaining({ origin: 'checkout', status: 'succeeded', amount: 2500, campaign: 'smiles-june', intended: null }),
      expect.objectContaining({ origin: 'subscription', status: 'succeeded', amount: 2500, campaign: 'smiles-july', intended: null }),
    ]);
    // The closed round holds the gift made while it was open, and nothing after.
    expect(await ledgerTo(rounds['smiles-june']!)).toEqual([{ kind: 'gift', amount: 2500, currency: 'USD' }]);
    expect(await ledgerTo(rounds['smiles-july']!)).toEqual([{ kind: 'gift', amount: 2500, currency: 'USD' }]);

    expect(swept).toEqual({ moved: 1, stuck: 0, failed: 0 });
    expect((await planOf(plan.id)).campaign_id).toBe(rounds['smiles-july']);
    expect(await movesOf(plan.id)).toEqual([expect.objectContaining({ from_campaign_id: rounds['smiles-june'], to_campaign_id: rounds['smiles-july'], moved_at: afterClose })]);
    expect(await movedAudits()).toEqual([expect.objectContaining({ staff_id: null, subject_type: 'recurring_plan', subject_id: plan.id, after: expect.objectContaining({ from: 'smiles-june', to: 'smiles-july' }) })]);
    const admin = await signInAs(h.url, (await aStaffMember(db(), ['admin'])).email);
    const audit = await admin.agent.get('/staff/audit?lang=en').expect(200);
    expect(audit.text).toContain(`Regular gift ${plan.id.slice(0, 8)} moved from smiles-june to smiles-july by itself, because smiles-june had closed.`);

    // One email, in Traditional Chinese, saying what happened, from when, and how to stop.
    const subject = hk['notice.planMoved.subject'].replace('{gift}', hk['notice.planMoved.gift.month']).replace('{to}', '微笑：七月一輪');
    await waitUntil('the email saying the gift moved', () => movedMails(email, subject).length >= 1);
    expect(await planMovedOwed()).toHaveLength(1);
    const [mail, ...more] = movedMails(email, subject);
    expect(more).toEqual([]);
    expect(mail!.headers.get('content-language')).toBe('zh-HK');
    const text = String(mail!.text);
    expect(text).toContain('您對微笑：六月一輪的每月捐款 US$25.00：該項目已於2026年6月30日結束，您的捐款現已轉到微笑：七月一輪。');
    expect(text).toContain('由您2026年7月10日的付款起生效。');
    expect(text).toContain(hk['notice.planMoved.stopButton'].replace('{gift}', hk['notice.planMoved.gift.month']));

    // The donor's account shows where the gift goes now and its move.
    const donor = await signIn(h, email);
    const planPage = await donor.agent.get(`/account/plans/${plan.id}?lang=en`).expect(200);
    expect(planPage.text).toContain('US$25.00 every month to Smiles: July round');
    expect(planPage.text).toMatch(/<li>Moved from Smiles: June round to Smiles: July round on Jul 1, 2026, when Smiles: June round closed\.<\/li>/);
    const account = await donor.agent.get('/account?lang=en').expect(200);
    expect(account.text).toContain('Moved from Smiles: June round to Smiles: July round on Jul 1, 2026');
    // The plan page shown again beside a form's error still lists the move.
    const refused = await donor.post(`/account/plans/${plan.id}/amount?lang=en`, { amount: 'twenty', frequency: 'month' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Moved from Smiles: June round to Smiles: July round on Jul 1, 2026');

    // The link opens a page with one button; a GET alone stops nothing.
    const stopPath = stopPathIn(mail!)!;
    expect(stopPath).toBeDefined();
    const browser = request.agent(h.url);
    const page = await browser.get(stopPath).expect(200);
    expect(page.text).toContain('<html lang="zh-HK">');
    expect(page.text).toContain(`<button type="submit" class="button">${hk['account.stop.button.month']}</button>`);
    expect((await h.stripe.subscriptions.retrieve(plan.stripe_subscription_id!)).status).toBe('active');
    // Without the form's token, nothing happens.
    await browser.post(stopPath).type('form').send({}).expect(403);
    expect((await h.stripe.subscriptions.retrieve(plan.stripe_subscription_id!)).status).toBe('active');

    const stopped = await browser.post(stopPath).type('form').send({ _csrf: csrfOf(page.text) }).expect(200);
    expect(stopped.text).toContain(hk['account.stop.done']);
    // A second press, whether or not Stripe's webhook has reached us yet: stopped already, never an error.
    const pressedAgain = await browser.post(stopPath).type('form').send({ _csrf: csrfOf(page.text) }).expect(200);
    expect([hk['account.stop.done'], hk['account.stop.already']].filter((said) => pressedAgain.text.includes(said))).toHaveLength(1);
    await h.settle();
    expect((await h.stripe.subscriptions.retrieve(plan.stripe_subscription_id!)).status).toBe('canceled');
    expect((await planOf(plan.id)).status).toBe('canceled');
    const again = await browser.get(stopPath).expect(200);
    expect(again.text).toContain(hk['account.stop.already']);
    expect(again.text).not.toContain('<form method="post"');
  });

  it('moves itself to the general fund when its renewal comes before any sweep and the mission has no other round', async () => {
    const rounds = await aMission(db(), 'solo', [{ slug: 'solo-june', en: 'Solo: June round', hk: '獨行：六月一輪', opens: '2026-06-01T00:00:00', closes: '2026-06-30T23:59:59' }]);
    const email = 'sam.lee@example.com';
    const { plan, renewsAt } = await startMonthlyGift('solo-june', { email, name: 'Sam Lee' });
    // The general fund takes gifts all year, as the demo's does.
    await db().updateTable('campaigns').set({ status: 'live', ends_at: inHongKong('2026-12-31T23:59:59') }).where('slug', '=', 'general').execute();
    const general = await db().selectFrom('campaigns').select('id').where('slug', '=', 'general').executeTakeFirstOrThrow();

    await h.helper('/_emulator/advance_time', { to: renewsAt + 3600 });
    await h.settle();

    expect(await donationsOf(plan.id)).toEqual([
      expect.objectContaining({ origin: 'checkout', campaign: 'solo-june', intended: null }),
      // Meant for the closed round, credited where the gift points now.
      expect.objectContaining({ origin: 'subscription', status: 'succeeded', campaign: 'general', intended: 'solo-june' }),
    ]);
    expect(await ledgerTo(rounds['solo-june']!)).toEqual([{ kind: 'gift', amount: 2500, currency: 'USD' }]);
    expect((await planOf(plan.id)).campaign_id).toBe(general.id);
    const moves = await movesOf(plan.id);
    expect(moves).toEqual([expect.objectContaining({ from_campaign_id: rounds['solo-june'], to_campaign_id: general.id, moved_at: new Date(renewsAt * 1000) })]);

    // A sweep after it finds nothing more to do.
    expect(await sweep(inHongKong('2026-07-11T12:00:00'))).toEqual({ moved: 0, stuck: 0, failed: 0 });
    expect(await movesOf(plan.id)).toHaveLength(1);

    const subject = en['notice.planMoved.subject'].replace('{gift}', 'monthly gift').replace('{to}', 'General fund');
    await waitUntil('the email saying the gift moved', () => movedMails(email, subject).length >= 1);
    expect(movedMails(email, subject)).toHaveLength(1);
    expect(String(movedMails(email, subject)[0]!.text)).toContain('Your monthly gift of US$25.00 to Solo: June round, which closed on June 30, 2026, now goes to General fund.');
  });

  it('moves once however many sweeps run, one after another or side by side', async () => {
    await aMission(db(), 'twice', [
      { slug: 'twice-june', en: 'Twice: June round', hk: '兩次：六月一輪', opens: '2026-06-01T00:00:00', closes: '2026-06-30T23:59:59' },
      { slug: 'twice-july', en: 'Twice: July round', hk: '兩次：七月一輪', opens: '2026-07-01T00:00:00', closes: '2026-09-30T23:59:59' },
    ]);
    const { plan } = await startMonthlyGift('twice-june', { email: 'twice@example.com' });
    const afterClose = inHongKong('2026-07-02T10:00:00');
    const together = await Promise.all([sweep(afterClose), sweep(afterClose), sweep(afterClose)]);
    expect(together.reduce((sum, outcome) => sum + outcome.moved, 0)).toBe(1);
    expect(await sweep(afterClose)).toEqual({ moved: 0, stuck: 0, failed: 0 });
    expect(await sweep(inHongKong('2026-07-03T10:00:00'))).toEqual({ moved: 0, stuck: 0, failed: 0 });

    expect(await movesOf(plan.id)).toHaveLength(1);
    expect(await planMovedOwed()).toHaveLength(1);
    expect(await movedAudits()).toHaveLength(1);
  });

  it('leaves with the closed round a renewal paid before it closed, however late its webhook, though the plan has moved since', async () => {
    const rounds = await aMission(db(), 'late', [
      { slug: 'late-june', en: 'Late: June round', hk: '遲來：六月一輪', opens: '2026-06-01T00:00:00', closes: '2026-07-20T23:59:59' },
      { slug: 'late-august', en: 'Late: August round', hk: '遲來：八月一輪', opens: '2026-07-21T00:00:00', closes: '2026-09-30T23:59:59' },
    ]);
    const { plan, renewsAt } = await startMonthlyGift('late-june', { email: 'late@example.com' });
    expect(new Date(renewsAt * 1000) < inHongKong('2026-07-20T23:59:59')).toBe(true);

    // The renewal is paid while the round is open, but its webhooks are held up past the close.
    h.emulator.holdWebhooks();
    await h.helper('/_emulator/advance_time', { to: renewsAt + 3600 });
    const afterClose = inHongKong('2026-07-22T09:00:00');
    await h.helper('/_emulator/advance_time', { to: seconds(afterClose) });
    expect(await sweep(afterClose)).toMatchObject({ moved: 1 });
    await h.emulator.releaseWebhooks();
    await h.settle();

    expect(await donationsOf(plan.id)).toEqual([
      expect.objectContaining({ origin: 'checkout', campaign: 'late-june', intended: null }),
      expect.objectContaining({ origin: 'subscription', status: 'succeeded', campaign: 'late-june', intended: null }),
    ]);
    expect(await ledgerTo(rounds['late-june']!)).toHaveLength(2);
    expect(await ledgerTo(rounds['late-august']!)).toEqual([]);
    expect((await planOf(plan.id)).campaign_id).toBe(rounds['late-august']);
    expect(await movesOf(plan.id)).toHaveLength(1);
  });

  it('leaves with a round staff closed early a renewal paid before they closed it, however late its webhook', async () => {
    const rounds = await aMission(db(), 'early', [
      { slug: 'early-june', en: 'Early: June round', hk: '提早：六月一輪', opens: '2026-06-01T00:00:00', closes: '2026-09-30T23:59:59' },
      { slug: 'early-august', en: 'Early: August round', hk: '提早：八月一輪', opens: '2026-07-01T00:00:00', closes: '2026-10-31T23:59:59' },
    ]);
    const { plan, renewsAt } = await startMonthlyGift('early-june', { email: 'early@example.com' });

    // Paid on its renewal day; its webhooks held up until after staff closed the round, a week later.
    h.emulator.holdWebhooks();
    await h.helper('/_emulator/advance_time', { to: renewsAt + 3600 });
    const closedAt = new Date((renewsAt + 7 * 86_400) * 1000);
    await db().updateTable('campaigns').set({ status: 'closed', closed_at: closedAt }).where('id', '=', rounds['early-june']!).execute();
    await h.helper('/_emulator/advance_time', { to: seconds(closedAt) + 3600 });
    await h.emulator.releaseWebhooks();
    await h.settle();

    expect(await donationsOf(plan.id)).toEqual([
      expect.objectContaining({ origin: 'checkout', campaign: 'early-june', intended: null }),
      expect.objectContaining({ origin: 'subscription', status: 'succeeded', campaign: 'early-june', intended: null }),
    ]);
    expect(await ledgerTo(rounds['early-august']!)).toEqual([]);
  });

  it('follows the mission when begun on the round\'s page before it closed and paid on Checkout after', async () => {
    const rounds = await aMission(db(), 'eve', [
      { slug: 'eve-june', en: 'Eve: June round', hk: '前夕：六月一輪', opens: '2026-06-01T00:00:00', closes: '2026-06-10T10:30:00' },
      { slug: 'eve-july', en: 'Eve: July round', hk: '前夕：七月一輪', opens: '2026-06-10T10:30:01', closes: '2026-07-31T23:59:59' },
    ]);
    // Both forms sent at 10:00 in Hong Kong, while the June round is open; both paid at 11:00, after it closed.
    const once = await h.give('eve-june', aDonor({ amount: '40', currency: 'USD', email: 'once@example.com' }));
    const monthly = await h.give('eve-june', aDonor({ amount: '25', currency: 'USD', frequency: 'month', email: 'monthly@example.com' }));
    await h.helper('/_emulator/advance_time', { to: seconds(inHongKong('2026-06-10T11:00:00')) });
    expect((await h.pay(once.sessionId)).status).toBe('succeeded');
    expect((await h.pay(monthly.sessionId)).status).toBe('succeeded');
    await h.settle();

    const credited = (id: string) =>
      db().selectFrom('donations').select(['campaign_id', 'intended_campaign_id', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(await credited(once.donation.id)).toEqual({ campaign_id: rounds['eve-july'], intended_campaign_id: rounds['eve-june'], status: 'succeeded' });
    expect(await credited(monthly.donation.id)).toEqual({ campaign_id: rounds['eve-july'], intended_campaign_id: rounds['eve-june'], status: 'succeeded' });
    expect(await ledgerTo(rounds['eve-june']!)).toEqual([]);
    // The monthly gift itself now points at July, moved once, and its donor is told.
    const plan = await planOf(monthly.donation.recurring_plan_id!);
    expect(plan.campaign_id).toBe(rounds['eve-july']);
    expect(await movesOf(plan.id)).toHaveLength(1);
    expect(await planMovedOwed()).toHaveLength(1);
  });

  it('is left where it is when there is nowhere open to go, and the log says so once', async () => {
    const rounds = await aMission(db(), 'lone', [{ slug: 'lone-june', en: 'Lone: June round', hk: '孤單：六月一輪', opens: '2026-06-01T00:00:00', closes: '2026-06-30T23:59:59' }]);
    const { plan, renewsAt } = await startMonthlyGift('lone-june', { email: 'lone@example.com' });
    // No other round of the mission, and the general fund closed too.
    await db().updateTable('campaigns').set({ status: 'closed' }).where('slug', '=', 'general').execute();

    const afterClose = inHongKong('2026-07-01T09:00:00');
    expect(await sweep(afterClose)).toEqual({ moved: 0, stuck: 1, failed: 0 });
    expect(await sweep(inHongKong('2026-07-01T09:10:00'))).toEqual({ moved: 0, stuck: 1, failed: 0 });
    const warnings = sweepLogs.filter((line) => line.planId === plan.id);
    expect(warnings).toEqual([expect.objectContaining({ level: 40, campaign: 'lone-june', msg: expect.stringContaining('left on a closed round') })]);

    expect((await planOf(plan.id)).campaign_id).toBe(rounds['lone-june']);
    expect(await movesOf(plan.id)).toEqual([]);
    expect(await planMovedOwed()).toEqual([]);

    // Its renewal has nowhere else to go either: the round keeps it, and the worker's log says why.
    await h.helper('/_emulator/advance_time', { to: renewsAt + 3600 });
    await h.settle();
    expect(await donationsOf(plan.id)).toEqual([
      expect.objectContaining({ campaign: 'lone-june', intended: null }),
      expect.objectContaining({ origin: 'subscription', status: 'succeeded', campaign: 'lone-june', intended: null }),
    ]);
    expect(h.logs.filter((line) => line.planId === plan.id && String(line.msg).includes('closed round'))).toHaveLength(1);
  });
});

describe('a payment begun elsewhere for a round that has closed', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  it('is credited to the next open round, and finance sees where it was meant to go', async () => {
    const db = h.database.db;
    await aMission(db, 'link', [
      { slug: 'link-may', en: 'Link: May round', hk: '連結：五月一輪', opens: '2026-05-01T00:00:00', closes: '2026-05-31T23:59:59' },
      { slug: 'link-june', en: 'Link: June round', hk: '連結：六月一輪', opens: '2026-06-01T00:00:00', closes: '2026-07-31T23:59:59' },
    ]);
    // A Payment Link made for the May round, paid in June.
    const intent = await h.helper<Stripe.PaymentIntent>('/_emulator/payment_intents', { amount: 40000, currency: 'hkd', metadata: { campaign: 'link-may' }, receipt_email: 'walk.in@example.com' });
    await h.settle();

    const donation = await db
      .selectFrom('donations')
      .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
      .innerJoin('campaigns as intended', 'intended.id', 'donations.intended_campaign_id')
      .select(['donations.id', 'donations.status', 'donations.origin', 'campaigns.slug as campaign', 'intended.slug as intended'])
      .where('donations.stripe_payment_intent_id', '=', intent.id)
      .executeTakeFirstOrThrow();
    expect(donation).toMatchObject({ status: 'succeeded', origin: 'stripe', campaign: 'link-june', intended: 'link-may' });
    const ledger = await db.selectFrom('ledger_entries').innerJoin('campaigns', 'campaigns.id', 'ledger_entries.campaign_id').select(['kind', 'amount', 'slug']).where('donation_id', '=', donation.id).execute();
    expect(ledger).toEqual([{ kind: 'gift', amount: 40000, slug: 'link-june' }]);

    const finance = await signInAs(h.url, (await aStaffMember(db, ['finance'])).email);
    const page = await finance.agent.get(`/staff/finance/gifts/${donation.id}`).expect(200);
    expect(page.text).toContain('<span data-intended>Meant for Link: May round (link-may), credited to Link: June round (link-june) because it had closed.</span>');
    const zh = await finance.agent.get(`/staff/finance/gifts/${donation.id}?lang=zh-HK`).expect(200);
    expect(zh.text).toContain('原本捐給Link: May round (link-may)，因該項目已結束，已計入Link: June round (link-june)。');

    const csv = await downloadText(finance, '/staff/finance/exports/gifts.csv');
    const [header, ...rows] = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    const columns = header!.split(',');
    const row = rows.find((line) => line.startsWith(donation.id))!.split(',');
    expect(row[columns.indexOf('campaign')]).toBe('link-june');
    expect(row[columns.indexOf('intended_campaign')]).toBe('link-may');
  });
});

describe('the donate form of a round with an end', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness({ worker: false });
    await aMission(h.database.db, 'form', [{ slug: 'form-july', en: 'Form: July round', hk: '表格：七月一輪', opens: '2026-06-01T00:00:00', closes: '2026-07-31T23:59:59' }]);
    await h.database.db.updateTable('campaigns').set({ status: 'live', ends_at: inHongKong('2026-12-31T23:59:59') }).where('slug', '=', 'general').execute();
  });
  afterAll(() => h.stop());

  it('says when it closes and that a regular gift then moves on, with word and a way to stop, in every language', async () => {
    const english = await request(h.url).get('/campaigns/form-july').set('Accept-Language', 'en').expect(200);
    expect(english.text).toContain(`This campaign takes gifts until Jul 31, 2026. ${en['donate.closing.nextRound']}`);
    const simplified = await request(h.url).get('/campaigns/form-july').set('Accept-Language', 'zh-CN').expect(200);
    expect(simplified.text).toContain(`此募捐项目接受捐款至2026年7月31日。 ${messages['zh-CN']['donate.closing.nextRound']}`);
    const traditional = await request(h.url).get('/campaigns/form-july').set('Accept-Language', 'zh-HK').expect(200);
    expect(traditional.text).toContain(`此募捐項目接受捐款至2026年7月31日。 ${hk['donate.closing.nextRound']}`);

    // A fund that stays open says nothing of closing; the general fund has nowhere further to move a gift.
    expect((await request(h.url).get('/campaigns/speech-therapy-fund').expect(200)).text).not.toContain('closing-note');
    const general = await request(h.url).get('/campaigns/general').set('Accept-Language', 'en').expect(200);
    expect(general.text).toContain(`This campaign takes gifts until Dec 31, 2026. ${en['donate.closing.canStop']}`);
  });
});
