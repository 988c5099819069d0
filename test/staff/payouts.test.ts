import { Queue } from 'bullmq';
import request from 'supertest';
import type Stripe from 'stripe';
import { workerConnection } from '../../server/queues';
import { matchPayout, type LedgerRowForMatching } from '../../server/finance/payouts/payout-matching';
import { dayBounds, dayIn } from '../../server/calendar';
import { findDiscrepancies, reconcileDay } from '../../server/finance/reconciliation/reconciliation';
import type { LedgerRowForReconciling } from '../../server/finance/reconciliation/reconciliation.repository';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { aPaidGift, campaignId } from '../support/ledger-rows';
import { aStaffMember, signInAs, type StaffAgent } from '../support/staff';

/** A balance transaction as Stripe lists it, with only what matching and reconciliation read. */
const aTransaction = (id: string, fields: Partial<Stripe.BalanceTransaction>): Stripe.BalanceTransaction =>
  ({ id, object: 'balance_transaction', type: 'charge', reporting_category: 'charge', amount: 10000, fee: 575, net: 9425, currency: 'hkd', created: 1_800_000_000, source: `ch_${id}`, description: null, ...fields }) as Stripe.BalanceTransaction;

const aLedgerRow = (id: number, txn: string, fields: Partial<LedgerRowForMatching> = {}): LedgerRowForMatching => ({
  id,
  stripe_balance_transaction_id: txn,
  kind: 'gift',
  donation_id: `donation-${id}`,
  campaign_id: 1,
  campaign_slug: 'speech-therapy-fund',
  campaign_title: 'Speech therapy',
  amount: 10000,
  currency: 'HKD',
  settlement_amount: 10000,
  settlement_currency: 'HKD',
  fee: 575,
  net: 9425,
  ...fields,
});

describe('matching a payout to the ledger (no Stripe, no Express)', () => {
  it('matches by balance transaction, flags what we lack or disagree on, and adds up to the payout', () => {
    const transactions = [
      aTransaction('txn_a', {}),
      aTransaction('txn_b', { amount: 20000, fee: 915, net: 19085 }),
      aTransaction('txn_r', { type: 'refund', reporting_category: 'refund', amount: -5000, fee: 0, net: -5000, source: 're_1' }),
      aTransaction('txn_po', { type: 'payout', reporting_category: 'payout', amount: -23510, fee: 0, net: -23510, source: 'po_1' }),
    ];
    const ledger = [aLedgerRow(1, 'txn_a'), aLedgerRow(2, 'txn_r', { kind: 'refund', amount: -5000, settlement_amount: -5000, fee: 0, net: -4999 })];
    const { lines, totals, flaggedCount } = matchPayout({ id: 'po_1', amount: 23510, currency: 'hkd' }, transactions, ledger);
    expect(lines.map((l) => [l.id, l.status, l.flagged])).toEqual([
      ['txn_a', 'matched', false],
      ['txn_b', 'not_in_ledger', true],
      ['txn_r', 'amounts_differ', true],
      ['txn_po', 'payout', false],
    ]);
    expect(lines[0]!.entry).toMatchObject({ donation_id: 'donation-1', campaign_title: 'Speech therapy' });
    expect(flaggedCount).toBe(2);
    expect(totals).toEqual({ currency: 'HKD', gross: 25000, fee: 1490, net: 23510, payoutAmount: 23510, addsUp: true });
    expect(matchPayout({ id: 'po_1', amount: 99, currency: 'hkd' }, transactions, ledger).totals.addsUp).toBe(false);
  });

  it('finds the three kinds of discrepancy, and leaves payouts and fees alone', () => {
    const row = (id: number, txn: string, fields: Partial<LedgerRowForReconciling> = {}): LedgerRowForReconciling => ({
      id,
      donation_id: `d${id}`,
      stripe_balance_transaction_id: txn,
      stripe_object_id: `ch_${id}`,
      settlement_amount: 10000,
      settlement_currency: 'HKD',
      fee: 575,
      net: 9425,
      ...fields,
    });
    const stripe = [
      aTransaction('txn_ok', {}),
      aTransaction('txn_missing', { source: 'ch_missing' }),
      aTransaction('txn_fee_differs', {}),
      aTransaction('txn_payout', { type: 'payout', reporting_category: 'payout', amount: -1, fee: 0, net: -1 }),
    ];
    const ofDay = [row(1, 'txn_ok'), row(2, 'txn_fee_differs', { fee: 600, net: 9400 }), row(3, 'txn_gone')];
    const found = findDiscrepancies(stripe, ofDay, ofDay);
    expect(found.map((d) => [d.kind, d.stripe_balance_transaction_id])).toEqual([
      ['missing_in_ledger', 'txn_missing'],
      ['amount_mismatch', 'txn_fee_differs'],
      ['unknown_in_stripe', 'txn_gone'],
    ]);
    expect(found[0]).toMatchObject({ stripe_object_id: 'ch_missing', currency: 'HKD', stripe_amount: 10000, stripe_fee: 575, stripe_net: 9425 });
    expect(found[1]).toMatchObject({ ledger_entry_id: 2, donation_id: 'd2', stripe_fee: 575, ledger_fee: 600 });
  });

  it('counts a day in the organisation’s time zone, summer time included', () => {
    expect(dayBounds('2026-03-05', 'Asia/Hong_Kong')).toEqual({ start: new Date('2026-03-04T16:00:00Z'), end: new Date('2026-03-05T16:00:00Z') });
    // London's clocks go forward on 29 March 2026: a day of 23 hours.
    expect(dayBounds('2026-03-29', 'Europe/London')).toEqual({ start: new Date('2026-03-29T00:00:00Z'), end: new Date('2026-03-29T23:00:00Z') });
    expect(dayIn(new Date('2026-03-04T16:30:00Z'), 'Asia/Hong_Kong')).toBe('2026-03-05');
  });
});

describe('payouts and reconciliation in the finance area', () => {
  let h: GivingHarness;
  let finance: StaffAgent;
  let financeId: number;
  let matched: string[];
  let missing: { donationId: string; sessionId: string };
  let payout: Stripe.Payout;
  let missingTxn: Stripe.BalanceTransaction;
  let day: string;

  const rowsOf = (html: string) => [...html.matchAll(/<tr data-transaction="([^"]+)" data-status="([^"]+)"( class="flagged")?>([\s\S]*?)<\/tr>/g)].map((m) => ({ id: m[1]!, status: m[2]!, flagged: !!m[3], html: m[4]! }));
  const openDiscrepancies = () => h.database.db.selectFrom('reconciliation_discrepancies').selectAll().where('resolved_at', 'is', null).orderBy('id').execute();
  const ledgerOf = (donationId: string) => h.database.db.selectFrom('ledger_entries').selectAll().where('donation_id', '=', donationId).execute();
  const reconcilingContext = () => ({ db: h.database.db, stripe: h.stripe, config: h.config });

  beforeAll(async () => {
    h = await startGivingHarness();
    const member = await aStaffMember(h.database.db, ['finance'], { name: 'Fiona Finance' });
    financeId = member.id;
    finance = await signInAs(h.url, member.email);

    // Three gifts whose webhooks arrive, in two currencies…
    matched = [];
    for (const [slug, form] of [
      ['speech-therapy-fund', aDonor({ amount: '100', email: 'a@example.org' })],
      ['speech-therapy-fund', aDonor({ amount: '250', email: 'b@example.org' })],
      ['general', aDonor({ amount: '50', currency: 'USD', email: 'c@example.org' })],
    ] as const) {
      const { donation, sessionId } = await h.give(slug, form);
      expect((await h.pay(sessionId)).status).toBe('succeeded');
      matched.push(donation.id);
    }
    await h.settle();

    // …and one paid while our webhook endpoint was unset: Stripe has it, our ledger does not.
    const gift = await h.give('speech-therapy-fund', aDonor({ amount: '80', email: 'missed@example.org' }));
    missing = { donationId: gift.donation.id, sessionId: gift.sessionId };
    h.emulator.setWebhookUrl(undefined);
    expect((await h.pay(gift.sessionId)).status).toBe('succeeded');
    await h.emulator.webhooksSettled();
    h.emulator.setWebhookUrl(`${h.url}/webhooks/stripe`);
    await h.settle();
    expect(await ledgerOf(missing.donationId)).toEqual([]);

    await h.helper('/_emulator/advance_time', { seconds: 3 * 24 * 60 * 60 });
    payout = await h.helper<Stripe.Payout>('/_emulator/payouts');
    await h.settle();

    const session = await h.stripe.checkout.sessions.retrieve(missing.sessionId, { expand: ['payment_intent.latest_charge.balance_transaction'] });
    const charge = (session.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
    missingTxn = charge.balance_transaction as Stripe.BalanceTransaction;
    day = dayIn(new Date(missingTxn.created * 1000), h.config.organisation.timeZone);
  });
  afterAll(() => h?.stop());

  it('lists Stripe’s payouts, linking each to its page', async () => {
    const page = await finance.agent.get('/staff/finance/payouts').expect(200);
    expect(page.text).toContain(`href="/staff/finance/payouts/${payout.id}"`);
    expect(page.text).toContain('HK$');
  });

  it('shows a payout line by line against our ledger, flags only the gift whose webhooks never arrived, and adds up', async () => {
    const page = await finance.agent.get(`/staff/finance/payouts/${payout.id}`).expect(200);
    const rows = rowsOf(page.text);
    expect(rows).toHaveLength(5);
    expect(rows.filter((r) => r.flagged).map((r) => [r.id, r.status])).toEqual([[missingTxn.id, 'not_in_ledger']]);
    expect(rows.filter((r) => r.status === 'payout')).toHaveLength(1);
    expect(rows.filter((r) => r.status === 'matched')).toHaveLength(3);
    // The flagged charge still names the donation Stripe's metadata carries.
    expect(rows.find((r) => r.flagged)!.html).toContain(missing.donationId);
    for (const donationId of matched) expect(rows.some((r) => r.status === 'matched' && r.html.includes(donationId))).toBe(true);
    // Each matched line names its donor, linking to the gift.
    const firstGift = rows.find((r) => r.status === 'matched' && r.html.includes(matched[0]!))!;
    expect(firstGift.html).toContain(`<a href="/staff/finance/gifts/${matched[0]}">Mei Chan</a>`);
    expect(page.text).toContain('Speech therapy');
    expect(page.text).toContain('1 line of this payout does not match our ledger');

    // Gross less fee is net, and net is what the payout paid.
    const lines: Stripe.BalanceTransaction[] = [];
    for await (const txn of h.stripe.balanceTransactions.list({ payout: payout.id, limit: 2 })) lines.push(txn);
    const counted = lines.filter((txn) => txn.type !== 'payout');
    const net = counted.reduce((sum, txn) => sum + txn.net, 0);
    expect(net).toBe(payout.amount);
    const total = /<td data-total="net">([^<]+)<\/td>/.exec(page.text)?.[1];
    expect(total).toBe(`HK$${(payout.amount / 100).toLocaleString('en', { minimumFractionDigits: 2 })}`);
    expect(page.text).toContain('Adds up to the payout of');

    await finance.agent.get('/staff/finance/payouts/po_doesnotexist').expect(404);
  });

  it('keeps payouts and reconciliation to finance (and admins)', async () => {
    const manager = await signInAs(h.url, (await aStaffMember(h.database.db, ['campaign_manager'])).email);
    for (const path of [`/staff/finance/payouts/${payout.id}`, '/staff/finance/exports/payouts.csv', '/staff/finance/reconciliation']) await manager.agent.get(path).expect(403);
    const admin = await signInAs(h.url, (await aStaffMember(h.database.db, ['admin'])).email);
    await admin.agent.get(`/staff/finance/payouts/${payout.id}`).expect(200);
    await request(h.url).get(`/staff/finance/payouts/${payout.id}`).expect(303);
  });

  it('without event recovery, reconciliation records the missing charge once, however often it runs', async () => {
    const first = await reconcileDay(reconcilingContext(), day, { recoverEvents: false });
    expect(first).toMatchObject({ day, recorded: 1, found: 1, cleared: 0 });
    expect(first.events).toBeUndefined();
    const again = await reconcileDay(reconcilingContext(), day, { recoverEvents: false });
    expect(again).toMatchObject({ recorded: 0, found: 1 });

    const open = await openDiscrepancies();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      day,
      kind: 'missing_in_ledger',
      stripe_balance_transaction_id: missingTxn.id,
      stripe_object_id: missingTxn.source,
      reporting_category: 'charge',
      currency: 'HKD',
      stripe_amount: missingTxn.amount,
      stripe_fee: missingTxn.fee,
      stripe_net: missingTxn.net,
      ledger_entry_id: null,
      resolved_at: null,
    });
    const page = await finance.agent.get('/staff/finance/reconciliation').expect(200);
    expect(page.text).toContain(`data-transaction="${missingTxn.id}"`);
    expect(page.text).toContain('In Stripe, missing from our ledger');
  });

  it('with recovery, as the job runs it, the missed webhooks are stored and applied and nothing is left open for the gift', async () => {
    const page = await finance.agent.get('/staff/finance/reconciliation').expect(200);
    const ran = await finance.post('/staff/finance/reconciliation/run', { day }).expect(303);
    const location = String(ran.headers.location);
    expect(location).toMatch(/recorded=0/);
    expect(Number(/recovered=(\d+)/.exec(location)?.[1])).toBeGreaterThan(0);
    expect(page.text).toContain('name="day"');
    await h.settle();

    expect((await h.donation(missing.donationId)).status).toBe('succeeded');
    expect((await ledgerOf(missing.donationId)).map((e) => [e.kind, e.stripe_balance_transaction_id])).toEqual([['gift', missingTxn.id]]);
    const events = await h.database.db.selectFrom('stripe_events').select(['type', 'processed_at']).where('type', '=', 'checkout.session.completed').execute();
    expect(events).toHaveLength(4);
    expect(events.every((e) => e.processed_at !== null)).toBe(true);

    expect(await openDiscrepancies()).toEqual([]);
    const cleared = await h.database.db.selectFrom('reconciliation_discrepancies').selectAll().where('stripe_balance_transaction_id', '=', missingTxn.id).execute();
    expect(cleared).toHaveLength(1);
    expect(cleared[0]).toMatchObject({ resolved_by: null, note: null, resolved_at: expect.any(Date) });
    expect(cleared[0]!.resolved_at).toBeInstanceOf(Date);

    const audit = await h.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'reconciliation.run').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ staff_id: financeId, subject_id: day, after: { day, recorded: 0, cleared: 1 } });

    // The payout now matches line for line.
    const payoutPage = await finance.agent.get(`/staff/finance/payouts/${payout.id}`).expect(200);
    expect(rowsOf(payoutPage.text).filter((r) => r.flagged)).toEqual([]);
    expect(payoutPage.text).toContain('Every line of this payout matches our ledger.');
  });

  it('resolving a discrepancy needs the form’s CSRF token and a note, and records who, when and an audit row', async () => {
    // A ledger row Stripe never made: finance must look into it.
    const stray = await aPaidGift(h.database.db, { campaignId: await campaignId(h.database.db, 'general'), donorId: null, amount: 1234, currency: 'HKD', fee: 34, occurredAt: new Date(missingTxn.created * 1000) });
    await reconcileDay(reconcilingContext(), day, { recoverEvents: false });
    const [open] = await openDiscrepancies();
    expect(open).toMatchObject({ kind: 'unknown_in_stripe', donation_id: stray.id, ledger_amount: 1234, ledger_fee: 34, ledger_net: 1200, stripe_amount: null });

    const forged = await finance.agent.post(`/staff/finance/reconciliation/${open!.id}/resolve`).type('form').send({ note: 'looks fine' }).expect(403);
    expect(forged.text).toContain('This form has expired');
    await finance.agent.post(`/staff/finance/reconciliation/${open!.id}/resolve`).type('form').send({ _csrf: 'forged', note: 'looks fine' }).expect(403);
    const noNote = await finance.post(`/staff/finance/reconciliation/${open!.id}/resolve`, { note: '   ' }).expect(422);
    expect(noNote.text).toContain('Say what you found or did');
    expect(await openDiscrepancies()).toHaveLength(1);

    await finance.post(`/staff/finance/reconciliation/${open!.id}/resolve`, { note: 'Test row written by hand; reversed in the books.' }).expect(303);
    const resolved = await h.database.db.selectFrom('reconciliation_discrepancies').selectAll().where('id', '=', open!.id).executeTakeFirstOrThrow();
    expect(resolved).toMatchObject({ resolved_by: financeId, note: 'Test row written by hand; reversed in the books.' });
    const audit = await h.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'reconciliation.resolved').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ staff_id: financeId, subject_type: 'reconciliation_discrepancy', subject_id: String(open!.id), after: { resolved_by: financeId } });
    // One transaction: now() is the same instant for the resolution and its audit row.
    expect(resolved.resolved_at).toEqual(audit[0]!.at);

    await finance.post(`/staff/finance/reconciliation/${open!.id}/resolve`, { note: 'twice' }).expect(409);
    // Resolved stays resolved: a later run does not open it again.
    await reconcileDay(reconcilingContext(), day, { recoverEvents: false });
    expect(await openDiscrepancies()).toEqual([]);

    const page = await finance.agent.get('/staff/finance/reconciliation').expect(200);
    expect(page.text).toContain('Nothing is open.');
    expect(page.text).toContain('Fiona Finance');
    expect(page.text).toContain('Test row written by hand; reversed in the books.');
  });

  it('exports payouts with their transactions and the reconciliation as CSV: BOM, major units, a currency column', async () => {
    // The emulator's clock ran three days ahead for the payout.
    const paidOn = dayIn(new Date(payout.created * 1000), h.config.organisation.timeZone);
    const payouts = await finance.agent.get(`/staff/finance/exports/payouts.csv?from=${day}&to=${paidOn}`).buffer(true).parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done(null, text));
    }).expect(200);
    expect(payouts.headers['content-type']).toBe('text/csv; charset=utf-8');
    const text = payouts.body as string;
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, ...lines] = text.slice(1).trimEnd().split('\r\n');
    const columns = header!.split(',');
    expect(columns).toEqual(expect.arrayContaining(['payout_id', 'balance_transaction_id', 'currency', 'amount', 'fee', 'net', 'match', 'donation_id']));
    const records = lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i]!, value])));
    expect(records).toHaveLength(5);
    const payoutLine = records.find((r) => r.match === 'payout')!;
    expect(payoutLine).toMatchObject({ payout_id: payout.id, currency: 'HKD', amount: (-payout.amount / 100).toFixed(2), payout_amount: (payout.amount / 100).toFixed(2) });
    const charge = records.find((r) => r.balance_transaction_id === missingTxn.id)!;
    expect(charge).toMatchObject({ currency: 'HKD', amount: (missingTxn.amount / 100).toFixed(2), fee: (missingTxn.fee / 100).toFixed(2), match: 'matched', ledger_kind: 'gift', donation_id: missing.donationId });

    const one = await finance.agent.get(`/staff/finance/exports/payouts.csv?payout=${payout.id}`).expect(200);
    expect(one.text.trimEnd().split('\r\n')).toHaveLength(6);

    const reconciliation = await finance.agent.get('/staff/finance/exports/reconciliation.csv').expect(200);
    expect(reconciliation.text.startsWith('\uFEFF')).toBe(true);
    const [rHeader, ...rLines] = reconciliation.text.slice(1).trimEnd().split('\r\n');
    const rColumns = rHeader!.split(',');
    const rRecords = rLines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [rColumns[i]!, value])));
    expect(rRecords.map((r) => [r.kind, r.status, r.currency])).toEqual([
      ['missing_in_ledger', 'resolved', 'HKD'],
      ['unknown_in_stripe', 'resolved', 'HKD'],
    ]);
    expect(rRecords[0]).toMatchObject({ day, stripe_amount: (missingTxn.amount / 100).toFixed(2), resolved_by: 'reconciliation run' });
    expect(rRecords[1]).toMatchObject({ ledger_amount: '12.34', ledger_fee: '0.34', ledger_net: '12.00', resolved_by: 'Fiona Finance' });
  });

  it('schedules the nightly reconciliation in the organisation’s time zone', async () => {
    const connection = workerConnection(h.config.redisUrl);
    const queue = new Queue('maintenance', { connection, prefix: h.config.redisPrefix });
    try {
      const scheduler = await queue.getJobScheduler('reconcile-yesterday');
      expect(scheduler).toMatchObject({ pattern: '30 2 * * *', tz: h.config.organisation.timeZone });
    } finally {
      await queue.close();
      await connection.quit();
    }
  });
});
