// The writes of a donor's erasure, each by the donor's id: what is blanked, deleted or stopped. Locks are
// taken in the order the Stripe events' processing takes them (event, gift, donor), so the two never deadlock.
import { sql } from 'kysely';
import type { Db, Trx } from '../../database';
import { campaignChangedChannel } from '../../campaign-cache';
import { emailToDonor } from './held.repository';

/** Why an owed email to an erased donor never left: read by staff beside the outbox row. */
export const notSentErased = 'not sent: the donor asked to be forgotten';

/** The donor's plans Stripe may still take money for: each is stopped there before anything is erased. */
export async function listPlansToStop(db: Db, donorId: number) {
  return db
    .selectFrom('recurring_plans')
    .select(['id', 'stripe_subscription_id'])
    .where('donor_id', '=', donorId)
    .where('status', '<>', 'canceled')
    .where('stripe_subscription_id', 'is not', null)
    .orderBy('created_at')
    .execute();
}

export async function findDonorToErase(db: Db, donorId: number) {
  return db.selectFrom('donors').select(['id', 'email', 'name', 'locale', 'stripe_customer_id', 'erased_at']).where('id', '=', donorId).executeTakeFirst();
}

/** Held until the transaction ends; FOR NO KEY UPDATE, as the donor's id stays and other rows keep referring to it. */
export async function lockDonorToErase(trx: Trx, donorId: number) {
  return trx.selectFrom('donors').select(['id', 'email', 'name', 'locale', 'stripe_customer_id', 'erased_at']).where('id', '=', donorId).forNoKeyUpdate().executeTakeFirst();
}

/** The donor's gifts with what they typed on them and Stripe's ids for them, locked. */
export async function lockGiftsToErase(trx: Trx, donorId: number) {
  return trx
    .selectFrom('donations')
    .select(['id', 'campaign_id', 'donor_name', 'message', 'dedication_name', 'donor_contact_name', 'donor_business_registration'])
    .select(['stripe_checkout_session_id', 'stripe_payment_intent_id', 'stripe_charge_id', 'stripe_invoice_id', 'recurring_plan_id'])
    .where('donor_id', '=', donorId)
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
}

/** The ids Stripe knows the donor's gifts and plans by, for finding the events about them. */
export async function listStripeIdsOfDonor(db: Db, donorId: number): Promise<string[]> {
  const [gifts, plans] = await Promise.all([
    db.selectFrom('donations').select(['id', 'stripe_checkout_session_id', 'stripe_payment_intent_id', 'stripe_charge_id', 'stripe_invoice_id']).where('donor_id', '=', donorId).execute(),
    db.selectFrom('recurring_plans').select(['id', 'stripe_subscription_id']).where('donor_id', '=', donorId).execute(),
  ]);
  return [
    ...gifts.flatMap((g) => [g.id, g.stripe_checkout_session_id, g.stripe_payment_intent_id, g.stripe_charge_id, g.stripe_invoice_id]),
    ...plans.flatMap((p) => [p.id, p.stripe_subscription_id]),
  ].filter((id): id is string => typeof id === 'string' && id.length > 0);
}

/**
 * Stored Stripe events whose text holds any of `needles` (ids, an address; compared in lower case), locked.
 * Read whole, as an erasure is rare: the table has no index into its payloads.
 */
export async function lockStripeEventsMentioning(trx: Trx, needles: string[]) {
  if (needles.length === 0) return [];
  const lower = [...new Set(needles.map((needle) => needle.toLowerCase()))];
  return trx
    .selectFrom('stripe_events')
    .select(['id', 'payload'])
    .where(sql<boolean>`exists (select 1 from unnest(${lower}::text[]) as needle where strpos(lower(stripe_events.payload::text), needle) > 0)`)
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function replaceStripeEventPayload(trx: Trx, eventId: string, payload: unknown): Promise<void> {
  await trx.updateTable('stripe_events').set({ payload }).where('id', '=', eventId).execute();
}

export async function pseudonymiseDonor(trx: Trx, donorId: number, pseudonym: { email: string; name: string; at: Date }): Promise<void> {
  await trx
    .updateTable('donors')
    .set({ email: pseudonym.email, name: pseudonym.name, stripe_customer_id: null, erased_at: pseudonym.at, updated_at: sql`now()` })
    .where('id', '=', donorId)
    .execute();
}

/**
 * The gifts stay, with their amounts, statuses, Stripe ids and receipts, for the law's seven years; what the
 * donor wrote on them goes, and each is made out to the pseudonym and shown on no page as theirs.
 */
export async function pseudonymiseGifts(trx: Trx, donorId: number, name: string): Promise<void> {
  await trx
    .updateTable('donations')
    .set({
      donor_name: name,
      anonymous: true,
      message: null,
      message_hidden_at: null,
      message_approved_at: null,
      dedication_kind: null,
      dedication_name: null,
      donor_contact_name: null,
      donor_business_registration: null,
      client_ip_hash: null,
      updates_consent_wording: null,
      updates_consent_chosen_at: null,
      updated_at: sql`now()`,
    })
    .where('donor_id', '=', donorId)
    .execute();
}

/** Ends every session and sign-in link of the donor; how many sessions there were. */
export async function forgetSignIns(trx: Trx, donorId: number): Promise<number> {
  await trx.deleteFrom('donor_sign_in_links').where('donor_id', '=', donorId).execute();
  const sessions = await trx.deleteFrom('donor_sessions').where('donor_id', '=', donorId).executeTakeFirst();
  return Number(sessions.numDeletedRows);
}

/** Allowed once the donor is erased (migration 0030); how many choices there were. */
export async function deleteConsents(trx: Trx, donorId: number): Promise<number> {
  const result = await trx.deleteFrom('donor_consents').where('donor_id', '=', donorId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The card-testing brake's record of declined cards on the donor's gifts: no record the law asks for. */
export async function deleteCardDeclines(trx: Trx, donorId: number): Promise<void> {
  await trx
    .deleteFrom('card_declines')
    .where('donation_id', 'in', (eb) => eb.selectFrom('donations').select('donations.id').where('donations.donor_id', '=', donorId))
    .execute();
}

export async function skipImpactDeliveries(trx: Trx, donorId: number, at: Date): Promise<void> {
  await trx.updateTable('impact_deliveries').set({ skipped_at: at }).where('donor_id', '=', donorId).where('sent_at', 'is', null).where('skipped_at', 'is', null).execute();
}

/**
 * Emails still owed to the donor are done without being sent (as a composer with nobody to write to does),
 * and sign-in requests forget the address they were asked for. Run before the donor's address changes.
 * Returns how many emails were stopped.
 */
export async function stopEmailsTo(trx: Trx, donor: { id: number; email: string }): Promise<number> {
  const stopped = await trx
    .updateTable('outbox')
    .set((eb) => ({ sent_at: sql`now()`, attempts: eb('attempts', '+', 1), last_error: notSentErased }))
    .where('sent_at', 'is', null)
    .where(emailToDonor(donor))
    .executeTakeFirst();
  await trx
    .updateTable('outbox')
    .set({ payload: sql`jsonb_set(payload, '{email}', 'null')` })
    .where('topic', '=', 'sign_in_link')
    .where(sql<boolean>`lower(payload->>'email') = ${donor.email.toLowerCase()}`)
    .execute();
  return Number(stopped.numUpdatedRows);
}

/** Audit entries about the donor, their gifts or plans, locked; their records may be rewritten in this transaction only (migration 0030). */
export async function lockAuditEntriesAbout(trx: Trx, donorId: number) {
  await sql`select set_config('smilefund.erasing_donor', ${String(donorId)}, true)`.execute(trx);
  return trx
    .selectFrom('audit_log')
    .select(['id', 'before', 'after'])
    .where((eb) =>
      eb.or([
        eb.and([eb('subject_type', '=', 'donor'), eb('subject_id', '=', String(donorId))]),
        eb.and([eb('subject_type', '=', 'donation'), eb('subject_id', 'in', eb.selectFrom('donations').select(sql<string>`id::text`.as('id')).where('donor_id', '=', donorId))]),
        eb.and([eb('subject_type', '=', 'recurring_plan'), eb('subject_id', 'in', eb.selectFrom('recurring_plans').select(sql<string>`id::text`.as('id')).where('donor_id', '=', donorId))]),
      ]),
    )
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function rewriteAuditRecord(trx: Trx, entryId: number, record: { before: unknown; after: unknown }): Promise<void> {
  await trx.updateTable('audit_log').set({ before: record.before, after: record.after }).where('id', '=', entryId).execute();
}

/** Why finance refunded the donor's gifts, as typed: it may name them. */
export async function listRefundReasons(trx: Trx, donorId: number) {
  return trx
    .selectFrom('refund_requests')
    .select(['id', 'reason'])
    .where('donation_id', 'in', (eb) => eb.selectFrom('donations').select('donations.id').where('donations.donor_id', '=', donorId))
    .execute();
}

export async function rewriteRefundReason(trx: Trx, requestId: number, reason: string): Promise<void> {
  await trx.updateTable('refund_requests').set({ reason, updated_at: sql`now()` }).where('id', '=', requestId).execute();
}

export async function countKeptRecords(trx: Trx, donorId: number): Promise<{ gifts: number; receipts: number }> {
  const row = await trx
    .selectFrom('donations')
    .leftJoin('receipts', 'receipts.donation_id', 'donations.id')
    .select([sql<string>`count(distinct donations.id)`.as('gifts'), sql<string>`count(receipts.id)`.as('receipts')])
    .where('donations.donor_id', '=', donorId)
    .where('donations.status', 'in', ['succeeded', 'partially_refunded', 'refunded', 'disputed'])
    .executeTakeFirstOrThrow();
  return { gifts: Number(row.gifts), receipts: Number(row.receipts) };
}

/** The campaign pages kept in memory forget the names and messages they showed, at commit. */
export async function tellCampaignsChanged(trx: Trx, campaignIds: number[]): Promise<void> {
  for (const campaignId of [...new Set(campaignIds)]) await sql`select pg_notify(${campaignChangedChannel}, ${String(campaignId)})`.execute(trx);
}
