// Offline gifts: cheques, bank transfers and cash that finance records by hand, in the same ledger as
// Stripe's money, receipted like any gift. A mistake is corrected by a reversal row and a new row.
import { isDay } from '../calendar';
import type { Db, Trx } from '../database';
import type { Campaign } from '../tables/campaigns.table';
import type { Donation } from '../tables/donations.table';
import type { LedgerEntry, NewLedgerEntry, OfflineMethod } from '../tables/ledger-entries.table';
import type { DonorType } from '../tables/donors.table';
import { findCampaignBySlug, findDonorEmail } from '../campaigns/campaign.repository';
import { findRoundReport } from '../campaigns/round.repository';
import { nameDonorFromPaidGift } from '../donations/donation.repository';
import { donorTypes, readBusinessRegistration, readContactName } from '../donor-kinds';
import { cleanText, emailShape, oneLine } from '../http/text';
import { translate, type MessageKey } from '../i18n/messages';
import { languageNames, locales, type Locale } from '../locale';
import { isCurrencyCode, isKnownCurrency, rateBetween, toMajorUnits, type Money } from '../money';
import { oweEmail } from '../outbox/outbox.repository';
import { bringReceiptInLine, issueReceipt } from '../receipts/issue';
import { findLatestReceiptOfDonation } from '../receipts/receipt.repository';
import { recordAudit } from '../staff/audit.repository';
import { readAmount } from './amount';
import {
  findCurrentOfflineEntry,
  insertLedgerEntry,
  insertOfflineDonation,
  lockOfflineDonation,
  updateOfflineDonation,
  upsertOfflineDonor,
} from './offline-gift.repository';

export const offlineMethods: OfflineMethod[] = ['cheque', 'bank_transfer', 'cash'];

/** Receipt languages, each named in itself. */
export const receiptLocales = locales.map((code) => ({ value: code, label: languageNames[code] }));

/** The form as typed, kept to show it again beside its errors. */
export type OfflineGiftForm = Record<
  'donor_type' | 'donor_name' | 'contact_name' | 'business_registration' | 'donor_email' | 'amount' | 'currency' | 'credited_amount' | 'credited_currency' | 'method' | 'reference' | 'received_on' | 'campaign' | 'locale' | 'show_name' | 'reason',
  string
>;

export interface OfflineGift {
  donorType: DonorType;
  donorName: string;
  /** An organisation's contact and business registration number, printed on its receipt; null for a person. */
  contactName: string | null;
  businessRegistration: string | null;
  donorEmail: string | null;
  amount: number;
  currency: string;
  /** What the bank credited when it converted the gift into another currency; null when it arrived as given. */
  credited: Money | null;
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
    contact_name: text('contact_name'),
    business_registration: text('business_registration'),
    donor_email: text('donor_email'),
    amount: text('amount'),
    currency: text('currency').toUpperCase(),
    credited_amount: text('credited_amount'),
    credited_currency: text('credited_currency').toUpperCase(),
    method: text('method'),
    reference: text('reference'),
    received_on: text('received_on'),
    campaign: text('campaign'),
    locale: text('locale'),
    show_name: text('show_name'),
    reason: cleanText(body?.reason),
  };
}

/** The day a gift received on `receivedOn` is dated: noon UTC, the same calendar day in every time zone we serve. */
const dayOf = (receivedOn: string) => new Date(`${receivedOn}T12:00:00Z`);

/** What is wrong with the day the money was received, if anything; `today` is the organisation's day. */
function receivedOnProblem(receivedOn: string, today: string): MessageKey | undefined {
  if (!isDay(receivedOn)) return 'finance.offline.error.receivedOn';
  if (receivedOn > today) return 'finance.offline.error.receivedInFuture';
  if (receivedOn < '2000-01-01') return 'finance.offline.error.receivedTooEarly';
  return undefined;
}

type CampaignTaking = Pick<Campaign, 'id' | 'accepted_currencies' | 'target_currency'>;

/** The amount in minor units, or why the currency or the amount cannot be taken for this campaign. */
function readMoney(form: OfflineGiftForm, campaign: CampaignTaking | undefined, locale: Locale): { amount: number } | { field: 'currency' | 'amount'; message: string } {
  if (!isCurrencyCode(form.currency)) return { field: 'currency', message: translate(locale, 'finance.offline.error.currency') };
  if (campaign && form.currency !== campaign.target_currency && !campaign.accepted_currencies.includes(form.currency)) {
    const currencies = [...new Set([campaign.target_currency, ...campaign.accepted_currencies])].join(', ');
    return { field: 'currency', message: translate(locale, 'finance.offline.error.currencyNotTaken', { currencies }) };
  }
  const amount = readAmount(locale, 'offline', form.amount, form.currency);
  return amount.ok ? { amount: amount.amount } : { field: 'amount', message: amount.message };
}

/** What the bank credited, when the form says it converted the gift: both fields or neither, another currency than the gift's. */
function readCredited(form: OfflineGiftForm, locale: Locale): { credited: Money | null } | { field: 'credited_currency' | 'credited_amount'; message: string } {
  if (form.credited_amount === '' && form.credited_currency === '') return { credited: null };
  if (!isKnownCurrency(form.credited_currency) || form.credited_currency === form.currency) return { field: 'credited_currency', message: translate(locale, 'finance.offline.error.creditedCurrency') };
  const amount = readAmount(locale, 'offline', form.credited_amount, form.credited_currency);
  return amount.ok ? { credited: { amount: amount.amount, currency: form.credited_currency } } : { field: 'credited_amount', message: amount.message };
}

/**
 * Checks the form against the campaigns and today (the organisation's day, YYYY-MM-DD: money cannot have
 * been received after it); each problem is named under its field, in `locale`. A new gift cannot go to a
 * round that has reported to its donors (correctOfflineGift judges a correction).
 */
export async function readOfflineGift(db: Db, form: OfflineGiftForm, today: string, locale: Locale, purpose: 'new' | 'correction' = 'new'): Promise<{ gift: OfflineGift } | { errors: Record<string, string> }> {
  const errors: Record<string, string> = {};
  const say = (field: string, key: MessageKey) => (errors[field] = translate(locale, key));
  const donorType = donorTypes.find((t) => t === form.donor_type);
  if (!donorType) say('donor_type', 'finance.offline.error.donorType');
  if (form.donor_name === '' || form.donor_name.length > 100) say('donor_name', 'finance.offline.error.donorName');
  const contactName = readContactName(form.contact_name);
  if (contactName === undefined) say('contact_name', 'organisation.error.contactTooLong');
  else if (contactName && donorType === 'person') say('contact_name', 'organisation.error.personDetails');
  const businessRegistration = readBusinessRegistration(form.business_registration);
  if (businessRegistration === undefined) say('business_registration', 'organisation.error.businessRegistration');
  else if (businessRegistration && donorType === 'person') say('business_registration', 'organisation.error.personDetails');
  if (form.donor_email && (!emailShape.test(form.donor_email) || form.donor_email.length > 254)) say('donor_email', 'finance.offline.error.donorEmail');
  const campaign = /^[a-z0-9-]{1,100}$/.test(form.campaign) ? await findCampaignBySlug(db, form.campaign) : undefined;
  if (!campaign) say('campaign', 'finance.offline.error.campaign');
  else if (purpose === 'new' && (await findRoundReport(db, campaign.id))) say('campaign', 'finance.offline.error.reported');
  const money = readMoney(form, campaign, locale);
  if ('field' in money) errors[money.field] = money.message;
  const credited = readCredited(form, locale);
  if ('field' in credited) errors[credited.field] = credited.message;
  const method = offlineMethods.find((m) => m === form.method);
  if (!method) say('method', 'finance.offline.error.method');
  if (form.reference.length > 100) say('reference', 'finance.offline.error.reference');
  const dayProblem = receivedOnProblem(form.received_on, today);
  if (dayProblem) say('received_on', dayProblem);
  const receiptLocale = receiptLocales.find((l) => l.value === form.locale)?.value ?? (form.locale === '' ? 'en' : undefined);
  if (!receiptLocale) say('locale', 'finance.offline.error.locale');
  if (Object.keys(errors).length > 0 || !donorType || !campaign || !method || !receiptLocale || 'field' in money || 'field' in credited || contactName === undefined || businessRegistration === undefined) return { errors };
  return {
    gift: {
      donorType,
      donorName: form.donor_name,
      contactName,
      businessRegistration,
      donorEmail: form.donor_email || null,
      amount: money.amount,
      currency: form.currency,
      credited: credited.credited,
      method,
      reference: form.reference || null,
      receivedOn: form.received_on,
      campaignId: campaign.id,
      locale: receiptLocale,
      showName: form.show_name === 'yes',
    },
  };
}

/** The donor an email belongs to. Money finance received is a paid gift: it names the donor as a gift paid online does. */
async function donorFor(trx: Trx, gift: OfflineGift): Promise<number | null> {
  if (!gift.donorEmail) return null;
  const donorId = await upsertOfflineDonor(trx, { email: gift.donorEmail, locale: gift.locale });
  await nameDonorFromPaidGift(trx, { donor_id: donorId, donor_name: gift.donorName, donor_type: gift.donorType, origin: 'offline' }, dayOf(gift.receivedOn));
  return donorId;
}

const auditView = (gift: OfflineGift) => ({
  donor_type: gift.donorType,
  donor_name: gift.donorName,
  contact_name: gift.contactName,
  business_registration: gift.businessRegistration,
  donor_email: gift.donorEmail,
  amount: toMajorUnits(gift),
  currency: gift.currency,
  credited: gift.credited ? `${toMajorUnits(gift.credited)} ${gift.credited.currency}` : null,
  method: gift.method,
  reference: gift.reference,
  received_on: gift.receivedOn,
  campaign_id: gift.campaignId,
});

function offlineEntry(donation: Pick<Donation, 'id'>, gift: OfflineGift, staffId: number, correcting?: number): NewLedgerEntry {
  return {
    donation_id: donation.id,
    campaign_id: gift.campaignId,
    kind: 'gift',
    amount: gift.amount,
    currency: gift.currency,
    // As itself, or as what the bank credited (see LedgerEntryTable).
    settlement_amount: gift.credited?.amount ?? gift.amount,
    settlement_currency: gift.credited?.currency ?? gift.currency,
    fee: 0,
    net: gift.credited?.amount ?? gift.amount,
    exchange_rate: gift.credited ? rateBetween(gift, gift.credited) : null,
    source: 'offline',
    method: gift.method,
    reference: gift.reference,
    recorded_by: staffId,
    corrects_entry_id: correcting ?? null,
    occurred_at: dayOf(gift.receivedOn),
  };
}

/** The row that takes `current` back in full: its campaign, its currencies and rate, its method. */
function reversalEntry(current: LedgerEntry, staffId: number, now: Date): NewLedgerEntry {
  return {
    donation_id: current.donation_id,
    campaign_id: current.campaign_id,
    kind: 'reversal',
    amount: -current.amount,
    currency: current.currency,
    settlement_amount: -current.settlement_amount,
    settlement_currency: current.settlement_currency,
    fee: 0,
    net: -current.settlement_amount,
    exchange_rate: current.exchange_rate,
    source: 'offline',
    method: current.method,
    reference: current.reference,
    recorded_by: staffId,
    corrects_entry_id: current.id,
    occurred_at: now,
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
    donor_contact_name: gift.contactName,
    donor_business_registration: gift.businessRegistration,
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
    const donation = await insertOfflineDonation(trx, { ...donationColumns(gift, donorId), frequency: 'once', status: 'succeeded', origin: 'offline' });
    const entryId = await insertLedgerEntry(trx, offlineEntry(donation, gift, staffId));
    const receipt = await issueReceipt(trx, donation, dayOf(gift.receivedOn), timeZone);
    await recordAudit(trx, { staffId, action: 'gift.offline_recorded', subjectType: 'donation', subjectId: donation.id, after: { ...auditView(gift), ledger_entry_id: entryId, receipt: receipt.number } });
    return donation;
  });
}

/** The offline gift of a donation as it stands, rebuilt from the donation and its current ledger row. */
async function recordedGift(trx: Trx, donation: Donation, current: LedgerEntry): Promise<OfflineGift> {
  return {
    donorType: donation.donor_type,
    donorName: donation.donor_name ?? '',
    contactName: donation.donor_contact_name,
    businessRegistration: donation.donor_business_registration,
    donorEmail: donation.donor_id ? ((await findDonorEmail(trx, donation.donor_id)) ?? null) : null,
    amount: current.amount,
    currency: current.currency,
    credited: current.settlement_currency === current.currency ? null : { amount: current.settlement_amount, currency: current.settlement_currency },
    method: current.method!,
    reference: current.reference,
    receivedOn: current.occurred_at.toISOString().slice(0, 10),
    campaignId: current.campaign_id,
    locale: donation.locale,
    showName: !donation.anonymous,
  };
}

export type CorrectionOutcome = { kind: 'corrected'; donation: Donation } | { kind: 'invalid'; errors: Record<string, string> };

/** Under the donation's lock: reverses the current row, records the corrected one, and brings the donation in line. */
async function correctUnderLock(trx: Trx, donationId: string, gift: OfflineGift, reason: string, staffId: number, now: Date, timeZone: string, locale: Locale): Promise<CorrectionOutcome> {
  const donation = await lockOfflineDonation(trx, donationId);
  const current = donation ? await findCurrentOfflineEntry(trx, donationId) : undefined;
  if (!donation || !current) return { kind: 'invalid', errors: { reason: translate(locale, 'finance.offline.error.notOffline') } };
  const before = await recordedGift(trx, donation, current);
  if (JSON.stringify(auditView(before)) === JSON.stringify(auditView(gift)) && before.locale === gift.locale && before.showName === gift.showName) {
    return { kind: 'invalid', errors: { reason: translate(locale, 'finance.offline.error.unchanged') } };
  }
  // A reported round's donors were told their shares of its money: a correction may fix a name, never move money in or out.
  const moved = before.campaignId !== gift.campaignId || before.amount !== gift.amount || before.currency !== gift.currency || JSON.stringify(before.credited) !== JSON.stringify(gift.credited);
  if (moved && ((await findRoundReport(trx, before.campaignId)) || (await findRoundReport(trx, gift.campaignId)))) {
    return { kind: 'invalid', errors: { campaign: translate(locale, 'finance.offline.error.reported') } };
  }
  // The donor's row before the ledger's: the campaign's totals are locked last, as when a gift is recorded.
  const donorId = await donorFor(trx, gift);
  const reversalId = await insertLedgerEntry(trx, reversalEntry(current, staffId, now));
  const replacementId = await insertLedgerEntry(trx, offlineEntry(donation, gift, staffId, current.id));
  const updated = await updateOfflineDonation(trx, donation.id, donationColumns(gift, donorId));
  // A receipt certifies an amount on a day: when either changed, it is voided and replaced; otherwise a corrected copy goes out.
  const change = await bringReceiptInLine(trx, donation.id, { amount: gift.amount, currency: gift.currency }, now, 'correction', timeZone, dayOf(gift.receivedOn));
  const receipt = change?.replacement ?? (await findLatestReceiptOfDonation(trx, donation.id));
  if (receipt) await oweEmail(trx, 'receipt', `receipt-${donation.id}-corrected-${replacementId}`, { receiptId: receipt.id });
  await recordAudit(trx, {
    staffId,
    action: 'gift.offline_corrected',
    subjectType: 'donation',
    subjectId: donation.id,
    before: auditView(before),
    after: { ...auditView(gift), reason, reversal_entry_id: reversalId, new_entry_id: replacementId },
  });
  return { kind: 'corrected', donation: updated };
}

/**
 * Corrects an offline gift: a reversal row takes the recorded row back in full (its campaign, its
 * currency), a new row records what was right, and the donation is brought in line. A receipt whose
 * amount no longer holds is voided and replaced; either way the donor is owed the receipt as it now
 * stands. Problems are said in `locale`.
 */
export async function correctOfflineGift(db: Db, donationId: string, gift: OfflineGift, reason: string, staffId: number, now: Date, timeZone: string, locale: Locale): Promise<CorrectionOutcome> {
  if (reason === '' || reason.length > 500) return { kind: 'invalid', errors: { reason: translate(locale, 'finance.offline.error.reason') } };
  return db.transaction().execute((trx) => correctUnderLock(trx, donationId, gift, reason, staffId, now, timeZone, locale));
}
