// Everything held about one donor, read by their id: what the download gives them, and what erasure looks for.
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../database';

export async function findDonorHeld(db: Db, donorId: number) {
  return db
    .selectFrom('donors')
    .select(['id', 'email', 'name', 'name_given_at', 'donor_type', 'locale', 'stripe_customer_id', 'created_at', 'updated_at', 'erased_at'])
    .where('id', '=', donorId)
    .executeTakeFirst();
}

export type DonorHeld = NonNullable<Awaited<ReturnType<typeof findDonorHeld>>>;

/** Every yes and no to news, with the sentence shown, oldest first. */
export async function listConsentsHeld(db: Db, donorId: number) {
  return db
    .selectFrom('donor_consents')
    .select(['purpose', 'granted', 'wording', 'locale', 'source', 'donation_id', 'chosen_at', 'recorded_at'])
    .where('donor_id', '=', donorId)
    .orderBy('chosen_at')
    .orderBy('id')
    .execute();
}

/** Every gift the donor began, paid or not, with its campaign. */
export async function listGiftsHeld(db: Db, donorId: number) {
  return db
    .selectFrom('donations')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .select([
      'donations.id',
      'donations.created_at',
      'donations.succeeded_at',
      'donations.status',
      'donations.origin',
      'donations.frequency',
      'donations.amount',
      'donations.currency',
      'donations.recurring_plan_id',
      'donations.donor_name',
      'donations.donor_type',
      'donations.donor_contact_name',
      'donations.donor_business_registration',
      'donations.anonymous',
      'donations.message',
      'donations.message_hidden_at',
      'donations.dedication_kind',
      'donations.dedication_name',
      'donations.locale',
      'donations.payment_method',
      'donations.utm_source',
      'donations.client_ip_hash',
      'donations.updates_consent_wording',
      'donations.updates_consent_chosen_at',
      'campaigns.slug as campaign_slug',
      'campaigns.title as campaign_title',
    ])
    .where('donations.donor_id', '=', donorId)
    .orderBy('donations.created_at')
    .orderBy('donations.id')
    .execute();
}

/** The receipts of the donor's gifts, voided ones too, in number order. */
export async function listReceiptsHeld(db: Db, donorId: number) {
  return db
    .selectFrom('receipts')
    .innerJoin('donations', 'donations.id', 'receipts.donation_id')
    .select(['receipts.donation_id', 'receipts.number', 'receipts.amount', 'receipts.currency', 'receipts.given_at', 'receipts.issued_at', 'receipts.voided_at', 'receipts.void_reason'])
    .where('donations.donor_id', '=', donorId)
    .orderBy('receipts.year')
    .orderBy('receipts.sequence')
    .execute();
}

/** What moved for each of the donor's gifts, in the gift's currency: the gift, refunds, disputes. */
export async function listMoneyHeld(db: Db, donorId: number) {
  return db
    .selectFrom('ledger_entries')
    .innerJoin('donations', 'donations.id', 'ledger_entries.donation_id')
    .select(['ledger_entries.donation_id', 'ledger_entries.kind', 'ledger_entries.amount', 'ledger_entries.currency', 'ledger_entries.occurred_at'])
    .where('donations.donor_id', '=', donorId)
    .orderBy('ledger_entries.occurred_at')
    .orderBy('ledger_entries.id')
    .execute();
}

/** Mainland partners' receipts recorded against the donor's gifts: their numbers, not the scans. */
export async function listPartnerReceiptsHeld(db: Db, donorId: number) {
  return db
    .selectFrom('partner_receipts')
    .innerJoin('donations', 'donations.id', 'partner_receipts.donation_id')
    .select(['partner_receipts.donation_id', 'partner_receipts.partner_name', 'partner_receipts.receipt_number', 'partner_receipts.issued_on', 'partner_receipts.recorded_at'])
    .where('donations.donor_id', '=', donorId)
    .orderBy('partner_receipts.id')
    .execute();
}

export async function listPlansHeld(db: Db, donorId: number) {
  return db
    .selectFrom('recurring_plans')
    .innerJoin('campaigns', 'campaigns.id', 'recurring_plans.campaign_id')
    .select(['recurring_plans.id', 'recurring_plans.amount', 'recurring_plans.currency', 'recurring_plans.interval', 'recurring_plans.status', 'recurring_plans.created_at', 'recurring_plans.canceled_at'])
    .select(['campaigns.slug as campaign_slug', 'campaigns.title as campaign_title'])
    .where('recurring_plans.donor_id', '=', donorId)
    .orderBy('recurring_plans.created_at')
    .execute();
}

export async function listPlanMovesHeld(db: Db, donorId: number) {
  return db
    .selectFrom('recurring_plan_moves as m')
    .innerJoin('recurring_plans as p', 'p.id', 'm.plan_id')
    .innerJoin('campaigns as left_round', 'left_round.id', 'm.from_campaign_id')
    .innerJoin('campaigns as new_round', 'new_round.id', 'm.to_campaign_id')
    .select(['m.plan_id', 'm.moved_at', 'left_round.slug as from_slug', 'new_round.slug as to_slug'])
    .where('p.donor_id', '=', donorId)
    .orderBy('m.moved_at')
    .orderBy('m.id')
    .execute();
}

/** Where the donor is signed in, without the tokens' hashes: those are keys, not data about them. */
export async function listSessionsHeld(db: Db, donorId: number) {
  return db.selectFrom('donor_sessions').select(['created_at', 'last_seen_at', 'expires_at', 'user_agent']).where('donor_id', '=', donorId).orderBy('created_at').execute();
}

export async function listSignInLinksHeld(db: Db, donorId: number) {
  return db.selectFrom('donor_sign_in_links').select(['created_at', 'expires_at', 'used_at']).where('donor_id', '=', donorId).orderBy('created_at').execute();
}

export async function listReportSharesHeld(db: Db, donorId: number) {
  return db
    .selectFrom('round_report_shares as s')
    .innerJoin('campaigns as c', 'c.id', 's.campaign_id')
    .select(['c.slug as campaign_slug', 'c.title as campaign_title', 's.currency', 's.given', 's.counted', 's.first_given_at'])
    .where('s.donor_id', '=', donorId)
    .orderBy('s.first_given_at')
    .orderBy('s.campaign_id')
    .execute();
}

export async function listImpactUpdatesHeld(db: Db, donorId: number) {
  return db
    .selectFrom('impact_deliveries as d')
    .innerJoin('impact_updates as u', 'u.id', 'd.update_id')
    .select(['u.title', 'u.created_at', 'd.sent_at', 'd.skipped_at'])
    .where('d.donor_id', '=', donorId)
    .orderBy('u.created_at')
    .orderBy('u.id')
    .execute();
}

/**
 * SQL: whether an outbox row is an email to this donor. Each topic names its donor its own way (outbox
 * callers): by donor, by gift, by receipt, by a plan's move; a sign-in link by the address it was asked for.
 */
export function emailToDonor(donor: { id: number; email: string }): RawBuilder<boolean> {
  return sql<boolean>`(
    outbox.payload->>'donorId' = ${String(donor.id)}
    or outbox.payload->>'donationId' in (select d.id::text from donations d where d.donor_id = ${donor.id})
    or outbox.payload->>'receiptId' in (select r.id::text from receipts r join donations d on d.id = r.donation_id where d.donor_id = ${donor.id})
    or outbox.payload->>'moveId' in (select m.id::text from recurring_plan_moves m join recurring_plans p on p.id = m.plan_id where p.donor_id = ${donor.id})
    or (outbox.topic = 'sign_in_link' and lower(outbox.payload->>'email') = ${donor.email.toLowerCase()})
  )`;
}

/** The emails owed or sent to the donor: which, and when. */
export async function listEmailsHeld(db: Db, donor: { id: number; email: string }) {
  return db
    .selectFrom('outbox')
    .select(['topic', 'created_at', 'sent_at'])
    // Done with a word of why (last_error) was not sent: nobody to send it to, or no consent any more.
    .select(sql<boolean>`sent_at is not null and last_error is null`.as('sent'))
    .where(emailToDonor(donor))
    .orderBy('id')
    .execute();
}
