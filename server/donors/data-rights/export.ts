// Everything held about a donor, as they download it (Hong Kong's PDPO, data access): one JSON document, and
// the same facts as CSV lines of section, record, field and value, for a spreadsheet.
import type { Db } from '../../database';
import type { CsvValue } from '../../finance/csv';
import { csvTime } from '../../finance/csv';
import { localize, type Locale, type LocalizedText } from '../../locale';
import { toMajorUnits } from '../../money';
import { recordAudit } from '../../staff/audit.repository';
import {
  findDonorHeld,
  listConsentsHeld,
  listEmailsHeld,
  listGiftsHeld,
  listImpactUpdatesHeld,
  listMoneyHeld,
  listPartnerReceiptsHeld,
  listPlanMovesHeld,
  listPlansHeld,
  listReceiptsHeld,
  listReportSharesHeld,
  listSessionsHeld,
  listSignInLinksHeld,
} from './held.repository';

type Json = string | number | boolean | Date | null | Json[] | { [field: string]: Json };

const amountOf = (amount: number, currency: string) => toMajorUnits({ amount, currency });
const campaignOf = (slug: string, title: LocalizedText, locale: Locale) => ({ slug, title: localize(title, locale) });

/** What we hold about the donor, campaign titles in `locale`; undefined for no such donor. */
export async function exportDonorData(db: Db, donorId: number, options: { locale: Locale; now: Date; organisation: string; timeZone: string }) {
  const donor = await findDonorHeld(db, donorId);
  if (!donor) return undefined;
  const { locale } = options;
  const [consents, gifts, receipts, money, partnerReceipts, plans, moves, sessions, links, shares, updates, emails] = await Promise.all([
    listConsentsHeld(db, donorId),
    listGiftsHeld(db, donorId),
    listReceiptsHeld(db, donorId),
    listMoneyHeld(db, donorId),
    listPartnerReceiptsHeld(db, donorId),
    listPlansHeld(db, donorId),
    listPlanMovesHeld(db, donorId),
    listSessionsHeld(db, donorId),
    listSignInLinksHeld(db, donorId),
    listReportSharesHeld(db, donorId),
    listImpactUpdatesHeld(db, donorId),
    listEmailsHeld(db, donor),
  ]);
  return {
    organisation: options.organisation,
    exportedAt: options.now,
    /** Dates below are instants (ISO 8601, UTC); the CSV shows them on this zone's clock. */
    timeZone: options.timeZone,
    profile: {
      email: donor.email,
      name: donor.name,
      nameGivenAt: donor.name_given_at,
      givesAs: donor.donor_type,
      emailLanguage: donor.locale,
      stripeCustomer: donor.stripe_customer_id,
      since: donor.created_at,
      updatedAt: donor.updated_at,
      erasedAt: donor.erased_at,
    },
    newsConsents: consents.map((c) => ({ purpose: c.purpose, granted: c.granted, wording: c.wording, language: c.locale, where: c.source, gift: c.donation_id, chosenAt: c.chosen_at, recordedAt: c.recorded_at })),
    gifts: gifts.map((g) => ({
      id: g.id,
      campaign: campaignOf(g.campaign_slug, g.campaign_title, locale),
      begunAt: g.created_at,
      paidAt: g.succeeded_at,
      status: g.status,
      origin: g.origin,
      frequency: g.frequency,
      amount: amountOf(g.amount, g.currency),
      currency: g.currency,
      regularGift: g.recurring_plan_id,
      nameOnGift: g.donor_name,
      givenAs: g.donor_type,
      contactName: g.donor_contact_name,
      businessRegistration: g.donor_business_registration,
      anonymous: g.anonymous,
      message: g.message,
      messageHiddenAt: g.message_hidden_at,
      dedication: g.dedication_kind ? { kind: g.dedication_kind, name: g.dedication_name } : null,
      language: g.locale,
      paymentMethod: g.payment_method,
      cameFrom: g.utm_source,
      // The HMAC of the network the form was sent from, for the card-testing brake: not the address itself.
      networkFingerprint: g.client_ip_hash,
      newsBoxTicked: g.updates_consent_wording ? { wording: g.updates_consent_wording, at: g.updates_consent_chosen_at } : null,
      receipts: receipts
        .filter((r) => r.donation_id === g.id)
        .map((r) => ({ number: r.number, amount: amountOf(r.amount, r.currency), currency: r.currency, givenAt: r.given_at, issuedAt: r.issued_at, voidedAt: r.voided_at, voidReason: r.void_reason })),
      money: money.filter((m) => m.donation_id === g.id).map((m) => ({ kind: m.kind, amount: amountOf(m.amount, m.currency), currency: m.currency, at: m.occurred_at })),
      partnerReceipts: partnerReceipts
        .filter((p) => p.donation_id === g.id)
        .map((p) => ({ partner: p.partner_name, number: p.receipt_number, issuedOn: p.issued_on, recordedAt: p.recorded_at })),
    })),
    regularGifts: plans.map((p) => ({
      id: p.id,
      campaign: campaignOf(p.campaign_slug, p.campaign_title, locale),
      amount: amountOf(p.amount, p.currency),
      currency: p.currency,
      every: p.interval,
      status: p.status,
      since: p.created_at,
      stoppedAt: p.canceled_at,
      moves: moves.filter((m) => m.plan_id === p.id).map((m) => ({ from: m.from_slug, to: m.to_slug, at: m.moved_at })),
    })),
    roundReportShares: shares.map((s) => ({ campaign: campaignOf(s.campaign_slug, s.campaign_title, locale), currency: s.currency, given: amountOf(s.given, s.currency), counted: amountOf(s.counted, s.currency), firstGivenAt: s.first_given_at })),
    impactUpdates: updates.map((u) => ({ title: localize(u.title, locale), postedAt: u.created_at, sentAt: u.sent_at, notSentAt: u.skipped_at })),
    emails: emails.map((e) => ({ topic: e.topic, owedAt: e.created_at, doneAt: e.sent_at, sent: e.sent })),
    sessions: sessions.map((s) => ({ signedInAt: s.created_at, lastSeenAt: s.last_seen_at, expiresAt: s.expires_at, browser: s.user_agent })),
    signInLinks: links.map((l) => ({ createdAt: l.created_at, expiresAt: l.expires_at, usedAt: l.used_at })),
  };
}

export type DonorDataExport = NonNullable<Awaited<ReturnType<typeof exportDonorData>>>;

/**
 * The export as CSV lines: [section, record, field, value]. A list's items are numbered from 1 and a nested
 * field is named by its path ("campaign.slug", "receipts.1.number"); instants are on `timeZone`'s clock.
 */
export function exportCsvLines(data: DonorDataExport): CsvValue[][] {
  const lines: CsvValue[][] = [];
  const value = (leaf: Json): CsvValue => (leaf instanceof Date ? csvTime(leaf, data.timeZone) : (leaf as CsvValue));
  const walk = (section: string, record: string, path: string, node: Json): void => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(section, record, path ? `${path}.${i + 1}` : String(i + 1), item));
    else if (node !== null && typeof node === 'object' && !(node instanceof Date)) for (const [field, child] of Object.entries(node)) walk(section, record, path ? `${path}.${field}` : field, child);
    else lines.push([section, record, path, value(node)]);
  };
  for (const [section, content] of Object.entries(data as unknown as Record<string, Json>)) {
    if (Array.isArray(content)) content.forEach((item, i) => walk(section, String(i + 1), '', item));
    else if (content !== null && typeof content === 'object' && !(content instanceof Date)) walk(section, '', '', content);
    else lines.push(['export', '', section, value(content)]);
  }
  return lines;
}

/** Each download is in the audit log for staff: by the donor's id only, so that it names nobody once they are forgotten. */
export async function recordDataDownload(db: Db, donorId: number, format: 'json' | 'csv'): Promise<void> {
  await recordAudit(db, { staffId: null, action: `donor.data_downloaded_${format}`, subjectType: 'donor', subjectId: donorId, after: { format } });
}
