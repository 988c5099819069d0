// Offline gifts: cheques, bank transfers and cash that finance records by hand, in the same ledger as
// Stripe's money, receipted like any gift. A mistake is corrected by a reversal row and a new row.
import { sql } from 'kysely';
import type { Db } from '../database';
import type { Donation, LedgerEntry, OfflineMethod } from '../donations/donation.table';
import type { DonorType } from '../donations/donor.table';
import { isCurrencyCode, parseAmount, toMajorUnits, type AmountProblem } from '../money';
import { issueReceipt } from '../receipts/issue';
import { oweEmail } from '../outbox/outbox';
import { recordAudit } from '../staff/audit';
import { nameDonorFromPaidGift } from '../donations/donation.repository';
import { cleanText, oneLine } from '../http/text';

export const offlineMethods: Array<{ value: OfflineMethod; label: string }> = [
  { value: 'cheque', label: 'Cheque' },
  { value: 'bank_transfer', label: 'Bank transfer' },
  { value: 'cash', label: 'Cash' },
];

export const donorTypes: Array<{ value: DonorType; label: string }> = [
  { value: 'person', label: 'A person' },
  { value: 'enterprise', label: 'An enterprise' },
  { value: 'chamber_of_commerce', label: 'A chamber of commerce' },
  { value: 'charity_federation', label: 'A charity federation' },
];

export const receiptLocales = [
  { value: 'en', label: 'English' },
  { value: 'zh-CN', label: '简体中文' },
];

/** The form as typed, kept to show it again beside its errors. */
export type OfflineGiftForm = Record<'donor_type' | 'donor_name' | 'donor_email' | 'amount' | 'currency' | 'method' | 'reference' | 'received_on' | 'campaign' | 'locale' | 'show_name' | 'reason', string>;

export interface OfflineGift {
  donorType: DonorType;
  donorName: string;
  donorEmail: string | null;
  amount: number;
  currency: string;
  method: OfflineMethod;
  reference: string | null;
  /** YYYY-MM-DD, the day the money arrived. */
  receivedOn: string;
  campaignId: number;
  locale: string;
  showName: boolean;
}

export function offlineFormFrom(body: Record<string, unknown> | undefined): OfflineGiftForm {
  // Every field is one line (the name and reference are printed on receipts and in CSV files) but the reason for a correction.
  const text = (key: string) => oneLine(body?.[key]);
  return {
    donor_type: text('donor_type'),
    donor_name: text('donor_name'),
    donor_email: text('donor_email'),
    amount: text('amount'),
    currency: text('currency').toUpperCase(),
    method: text('method'),
    reference: text('reference'),
    received_on: text('received_on'),
    campaign: text('campaign'),
    locale: text('locale'),
    show_name: text('show_name'),
    reason: cleanText(body?.reason),
  };
}

const offlineAmountProblems: Record<AmountProblem, (currency: string) => string> = {
  format: () => 'Enter the amount, like 5000 or 5,000.50.',
  separator: () => 'Use a point for decimals: 5000.50, not 5000,50. A comma may only separate thousands, as in 5,000.50.',
  fraction: (currency) => `Too many decimal places for ${currency}.`,
  too_large: () => 'That amount is far too large.',
};

/** The day a gift received on `receivedOn` is dated: noon UTC, the same calendar day in every time zone we serve. */
const dayOf = (receivedOn: string) => new Date(`${receivedOn}T12:00:00Z`);

/** Checks the form against the campaigns and today; each problem is named under its field. */
/** `today` is the organisation's day (YYYY-MM-DD): money cannot have been received after it. */
export async function readOfflineGift(db: Db, form: OfflineGiftForm, today: string): Promise<{ gift: OfflineGift } | { errors: Record<string, string> }> {
  const errors: Record<string, string> = {};
  const donorType = donorTypes.find((t) => t.value === form.donor_type)?.value;
  if (!donorType) errors.donor_type = 'Choose who gave.';
  if (form.donor_name === '' || form.donor_name.length > 100) errors.donor_name = 'Enter the donor’s or organisation’s name (at most 100 characters).';
  if (form.donor_email && (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.donor_email) || form.donor_email.length > 254)) errors.donor_email = 'Enter an email address like name@example.org, or leave it empty.';
  const campaign = /^[a-z0-9-]{1,100}$/.test(form.campaign)
    ? await db.selectFrom('campaigns').select(['id', 'accepted_currencies', 'target_currency']).where('slug', '=', form.campaign).executeTakeFirst()
    : undefined;
  if (!campaign) errors.campaign = 'Choose the campaign the gift is for.';
  let amount = 0;
  if (!isCurrencyCode(form.currency)) errors.currency = 'Choose the currency the gift was given in.';
  else if (campaign && form.currency !== campaign.target_currency && !campaign.accepted_currencies.includes(form.currency)) {
    errors.currency = `This campaign takes ${[...new Set([campaign.target_currency, ...campaign.accepted_currencies])].join(', ')}.`;
  } else {
    const parsed = parseAmount(form.amount, form.currency);
    if (!parsed.ok) errors.amount = offlineAmountProblems[parsed.problem](form.currency);
    else if (parsed.money.amount <= 0) errors.amount = 'Enter an amount above zero.';
    else amount = parsed.money.amount;
  }
  const method = offlineMethods.find((m) => m.value === form.method)?.value;
  if (!method) errors.method = 'Choose how the money came.';
  if (form.reference.length > 100) errors.reference = 'Keep the reference to 100 characters.';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.received_on) || Number.isNaN(dayOf(form.received_on).getTime()) || !dayOf(form.received_on).toISOString().startsWith(form.received_on)) {
    errors.received_on = 'Enter the date the money was received, like 2026-03-31.';
  } else if (form.received_on > today) errors.received_on = 'The date received cannot be in the future.';
  else if (form.received_on < '2000-01-01') errors.received_on = 'Enter a date from 2000 on.';
  const locale = receiptLocales.find((l) => l.value === form.locale)?.value ?? (form.locale === '' ? 'en' : undefined);
  if (!locale) errors.locale = 'Choose the receipt’s language.';
  if (Object.keys(errors).length > 0 || !donorType || !campaign || !method || !locale) return { errors };
  return {
    gift: {
      donorType,
      donorName: form.donor_name,
      donorEmail: form.donor_email || null,
      amount,
      currency: form.currency,
      method,
      reference: form.reference || null,
      receivedOn: form.received_on,
      campaignId: campaign.id,
      locale,
      showName: form.show_name === 'yes',
    },
  };
}

/**
 * The donor an email belongs to; an organisation's type is kept on the donor as finance records it.
 * Money finance received is a paid gift: it names the donor as a gift paid online does.
 */
async function donorFor(trx: Db, gift: OfflineGift): Promise<number | null> {
  if (!gift.donorEmail) return null;
  const donor = await trx
    .insertInto('donors')
    .values({ email: gift.donorEmail, locale: gift.locale, donor_type: gift.donorType })
    .onConflict((oc) =>
      oc.expression(sql`lower(email)`).doUpdateSet({
        donor_type: sql`case when excluded.donor_type <> 'person' then excluded.donor_type else donors.donor_type end`,
        updated_at: sql`now()`,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  await nameDonorFromPaidGift(trx, { donor_id: donor.id, donor_name: gift.donorName, origin: 'offline' }, dayOf(gift.receivedOn));
  return donor.id;
}

const auditView = (gift: OfflineGift) => ({
  donor_type: gift.donorType,
  donor_name: gift.donorName,
  donor_email: gift.donorEmail,
  amount: toMajorUnits(gift),
  currency: gift.currency,
  method: gift.method,
  reference: gift.reference,
  received_on: gift.receivedOn,
  campaign_id: gift.campaignId,
});

function offlineEntry(donation: Pick<Donation, 'id'>, gift: OfflineGift, staffId: number, correcting?: number) {
  return {
    donation_id: donation.id,
    campaign_id: gift.campaignId,
    kind: 'gift' as const,
    amount: gift.amount,
    currency: gift.currency,
    // An offline gift settles as itself (see LedgerEntryTable).
    settlement_amount: gift.amount,
    settlement_currency: gift.currency,
    fee: 0,
    net: gift.amount,
    exchange_rate: null,
    source: 'offline' as const,
    method: gift.method,
    reference: gift.reference,
    recorded_by: staffId,
    corrects_entry_id: correcting ?? null,
    occurred_at: dayOf(gift.receivedOn),
  };
}

/** What an offline gift says about its donation, when it is recorded and when it is corrected. */
function donationColumns(gift: OfflineGift, donorId: number | null) {
  return {
    campaign_id: gift.campaignId,
    donor_id: donorId,
    amount: gift.amount,
    currency: gift.currency,
    donor_name: gift.donorName,
    donor_type: gift.donorType,
    anonymous: !gift.showName,
    locale: gift.locale,
    payment_method: gift.method,
    succeeded_at: dayOf(gift.receivedOn),
  };
}

/** Records the gift, its ledger row, its receipt (owing the email) and the audit entry, in one transaction. */
export async function recordOfflineGift(db: Db, gift: OfflineGift, staffId: number, timeZone: string): Promise<Donation> {
  return db.transaction().execute(async (trx) => {
    const donorId = await donorFor(trx, gift);
    const donation = await trx
      .insertInto('donations')
      .values({ ...donationColumns(gift, donorId), frequency: 'once', status: 'succeeded', origin: 'offline' })
      .returningAll()
      .executeTakeFirstOrThrow();
    const entry = await trx.insertInto('ledger_entries').values(offlineEntry(donation, gift, staffId)).returning('id').executeTakeFirstOrThrow();
    const receipt = await issueReceipt(trx, donation, dayOf(gift.receivedOn), timeZone);
    await recordAudit(trx, { staffId, action: 'gift.offline_recorded', subjectType: 'donation', subjectId: donation.id, after: { ...auditView(gift), ledger_entry_id: entry.id, receipt: receipt.number } });
    return donation;
  });
}

/** The offline gift row of a donation that no reversal has taken back yet. */
export async function currentOfflineEntry(db: Db, donationId: string): Promise<LedgerEntry | undefined> {
  return db
    .selectFrom('ledger_entries as e')
    .selectAll('e')
    .where('e.donation_id', '=', donationId)
    .where('e.source', '=', 'offline')
    .where('e.kind', '=', 'gift')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('ledger_entries as r').select('r.id').whereRef('r.corrects_entry_id', '=', 'e.id').where('r.kind', '=', 'reversal'))))
    .orderBy('e.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export type CorrectionOutcome = { kind: 'corrected'; donation: Donation } | { kind: 'invalid'; errors: Record<string, string> };

/**
 * Corrects an offline gift: a reversal row takes the recorded row back in full (its campaign, its
 * currency), a new row records what was right, and the donation is brought in line. The receipt keeps
 * its number and a corrected copy is owed to the donor.
 */
export async function correctOfflineGift(db: Db, donationId: string, gift: OfflineGift, reason: string, staffId: number, now: Date): Promise<CorrectionOutcome> {
  if (reason === '' || reason.length > 500) return { kind: 'invalid', errors: { reason: 'Say what was wrong (at most 500 characters).' } };
  return db.transaction().execute(async (trx) => {
    const donation = await trx.selectFrom('donations').selectAll().where('id', '=', donationId).where('origin', '=', 'offline').forUpdate().executeTakeFirst();
    const current = donation ? await currentOfflineEntry(trx, donationId) : undefined;
    if (!donation || !current) return { kind: 'invalid' as const, errors: { reason: 'Only a recorded offline gift can be corrected.' } };
    const donorEmail = donation.donor_id ? (await trx.selectFrom('donors').select('email').where('id', '=', donation.donor_id).executeTakeFirstOrThrow()).email : null;
    const before: OfflineGift = {
      donorType: donation.donor_type,
      donorName: donation.donor_name ?? '',
      donorEmail,
      amount: current.amount,
      currency: current.currency,
      method: current.method!,
      reference: current.reference,
      receivedOn: current.occurred_at.toISOString().slice(0, 10),
      campaignId: current.campaign_id,
      locale: donation.locale,
      showName: !donation.anonymous,
    };
    if (JSON.stringify(auditView(before)) === JSON.stringify(auditView(gift)) && before.locale === gift.locale && before.showName === gift.showName) {
      return { kind: 'invalid' as const, errors: { reason: 'Nothing has changed: correct at least one field.' } };
    }
    // The donor's row before the ledger's: the campaign's totals are locked last, as when a gift is recorded.
    const donorId = await donorFor(trx, gift);
    const reversal = await trx
      .insertInto('ledger_entries')
      .values({
        donation_id: donation.id,
        campaign_id: current.campaign_id,
        kind: 'reversal',
        amount: -current.amount,
        currency: current.currency,
        settlement_amount: -current.amount,
        settlement_currency: current.currency,
        fee: 0,
        net: -current.amount,
        exchange_rate: null,
        source: 'offline',
        method: current.method,
        reference: current.reference,
        recorded_by: staffId,
        corrects_entry_id: current.id,
        occurred_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const replacement = await trx.insertInto('ledger_entries').values(offlineEntry(donation, gift, staffId, current.id)).returning('id').executeTakeFirstOrThrow();
    const updated = await trx
      .updateTable('donations')
      .set({ ...donationColumns(gift, donorId), updated_at: sql`now()` })
      .where('id', '=', donation.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const receipt = await trx.selectFrom('receipts').select(['id', 'number']).where('donation_id', '=', donation.id).executeTakeFirst();
    if (receipt) await oweEmail(trx, 'receipt', `receipt-${donation.id}-corrected-${replacement.id}`, { receiptId: receipt.id });
    await recordAudit(trx, {
      staffId,
      action: 'gift.offline_corrected',
      subjectType: 'donation',
      subjectId: donation.id,
      before: auditView(before),
      after: { ...auditView(gift), reason, reversal_entry_id: reversal.id, new_entry_id: replacement.id },
    });
    return { kind: 'corrected' as const, donation: updated };
  });
}
