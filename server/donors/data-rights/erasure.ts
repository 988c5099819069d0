// A donor asks to be forgotten. Their regular gifts are stopped at Stripe first (no money may come in for a
// person we no longer know) and their customers there deleted (Stripe keeps a customer's email and name until
// then), then one transaction makes the donor a pseudonym: name, address, messages,
// dedications, consents, sessions and sign-in links go, and so do the copies of them in the stored Stripe
// events, the audit log and refund reasons. The gifts, receipts and ledger rows stay, with their numbers
// and amounts, for the seven years Hong Kong's law keeps financial records: finance's totals do not move.
import { randomInt, randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import type { AppContext } from '../../context';
import { localeFrom } from '../../http/language';
import { translate } from '../../i18n/messages';
import { recordAudit } from '../../staff/audit.repository';
import { cancel } from '../plan-changes';
import {
  countKeptRecords,
  deleteCardDeclines,
  deleteConsents,
  findDonorToErase,
  forgetSignIns,
  listPlansToStop,
  listRefundReasons,
  listStripeIdsOfDonor,
  lockAuditEntriesAbout,
  lockDonorToErase,
  lockGiftsToErase,
  lockStripeEventsMentioning,
  pseudonymiseDonor,
  pseudonymiseGifts,
  replaceStripeEventPayload,
  rewriteAuditRecord,
  rewriteRefundReason,
  skipImpactDeliveries,
  stopEmailsTo,
  tellCampaignsChanged,
} from './erasure.repository';
import { redactAuditRecord, redactStripeEvent, redactTypedText, type PersonalTexts } from './redaction';

/**
 * Stripe did not do its part first (stop one of the donor's regular gifts, or delete one of their customers):
 * nothing was erased, and the donor may try again.
 */
export class PlansNotStopped extends Error {
  constructor(cause: unknown, message = 'a regular gift could not be stopped at Stripe') {
    super(message, { cause });
    this.name = 'PlansNotStopped';
  }
}

export type ErasureOutcome = { kind: 'erased' | 'already erased'; pseudonym: string; plansStopped: number; customersDeleted?: number };

/**
 * The donor's customers at Stripe: the one we linked, and every other Checkout made with their address (a
 * monthly gift's, a one-off gift's). Listed by the exact address, as Stripe compares it.
 */
async function stripeCustomersOf(stripe: Stripe, donor: { email: string; stripe_customer_id: string | null }): Promise<string[]> {
  const ids = new Set<string>(donor.stripe_customer_id ? [donor.stripe_customer_id] : []);
  for await (const customer of stripe.customers.list({ email: donor.email, limit: 100 })) ids.add(customer.id);
  return [...ids];
}

/** Deletes each customer; one already deleted (an earlier attempt got this far) counts as done. */
async function deleteStripeCustomers(stripe: Stripe, customerIds: string[]): Promise<number> {
  let deleted = 0;
  for (const id of customerIds) {
    try {
      await stripe.customers.del(id);
      deleted += 1;
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing')) throw error;
    }
  }
  return deleted;
}

/** Letters and digits nobody misreads (no 0/O, 1/I/L). */
const codeAlphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const pseudonymCode = () => Array.from({ length: 4 }, () => codeAlphabet[randomInt(codeAlphabet.length)]).join('');
/** An address of the .invalid domain (RFC 2606) reaches nobody; the outbox never writes to one. */
const erasedAddress = () => `erased-${randomUUID()}@erased.invalid`;
/** What stands where a message, a dedication or an address was. */
const erasedText = '[erased]';
const reasonLimit = 500;

const present = (values: Array<string | null | undefined>) => values.filter((value): value is string => typeof value === 'string' && value.trim() !== '');
const changed = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);

/**
 * Forgets the donor; undefined for no such donor. A second call finds them erased and changes nothing.
 * Throws, having erased nothing, when Stripe does not stop a regular gift.
 */
export async function eraseDonor(ctx: Pick<AppContext, 'db' | 'stripe'>, donorId: number, now: Date): Promise<ErasureOutcome | undefined> {
  const { db } = ctx;
  const donor = await findDonorToErase(db, donorId);
  if (!donor) return undefined;
  if (donor.erased_at) return { kind: 'already erased', pseudonym: donor.name ?? '', plansStopped: 0 };

  // At Stripe, outside any transaction; our plans follow when Stripe's webhooks say they stopped.
  const plans = await listPlansToStop(db, donorId);
  try {
    for (const plan of plans) await cancel(ctx.stripe, plan.stripe_subscription_id!, 'Stopped because the donor asked to be forgotten');
  } catch (error) {
    throw new PlansNotStopped(error);
  }
  // Also outside any transaction, once no plan can take money any more. Its customer.deleted event carries the
  // customer's email as it was: the webhook intake stores that event without it (server/webhooks/webhook.routes.ts).
  let customersDeleted: number;
  try {
    customersDeleted = await deleteStripeCustomers(ctx.stripe, await stripeCustomersOf(ctx.stripe, donor));
  } catch (error) {
    throw new PlansNotStopped(error, "the donor's customer could not be deleted at Stripe");
  }

  const needles = present([...(await listStripeIdsOfDonor(db, donorId)), donor.email, donor.stripe_customer_id]);
  return db.transaction().execute(async (trx): Promise<ErasureOutcome | undefined> => {
    const events = await lockStripeEventsMentioning(trx, needles);
    const gifts = await lockGiftsToErase(trx, donorId);
    const locked = await lockDonorToErase(trx, donorId);
    if (!locked) return undefined;
    if (locked.erased_at) return { kind: 'already erased', pseudonym: locked.name ?? '', plansStopped: plans.length };

    const pseudonym = translate(localeFrom(locked.locale), 'dataRights.pseudonym', { code: pseudonymCode() });
    const texts: PersonalTexts = {
      addresses: [locked.email],
      names: present([locked.name, ...gifts.flatMap((gift) => [gift.donor_name, gift.donor_contact_name])]),
      words: present(gifts.flatMap((gift) => [gift.message, gift.dedication_name, gift.donor_business_registration])),
      pseudonym,
      erased: erasedText,
    };

    let eventsRedacted = 0;
    for (const event of events) {
      const redacted = redactStripeEvent(event.payload, texts);
      if (!changed(redacted, event.payload)) continue;
      await replaceStripeEventPayload(trx, event.id, redacted);
      eventsRedacted += 1;
    }

    const emailsStopped = await stopEmailsTo(trx, locked);
    const sessionsEnded = await forgetSignIns(trx, donorId);
    await pseudonymiseDonor(trx, donorId, { email: erasedAddress(), name: pseudonym, at: now });
    const consentsRemoved = await deleteConsents(trx, donorId);
    await pseudonymiseGifts(trx, donorId, pseudonym);
    await deleteCardDeclines(trx, donorId);
    await skipImpactDeliveries(trx, donorId, now);

    let auditEntriesRedacted = 0;
    for (const entry of await lockAuditEntriesAbout(trx, donorId)) {
      const record = { before: redactAuditRecord(entry.before, texts), after: redactAuditRecord(entry.after, texts) };
      if (!changed(record, { before: entry.before, after: entry.after })) continue;
      await rewriteAuditRecord(trx, entry.id, record);
      auditEntriesRedacted += 1;
    }
    for (const request of await listRefundReasons(trx, donorId)) {
      const reason = redactTypedText(request.reason, texts).slice(0, reasonLimit);
      if (reason !== request.reason) await rewriteRefundReason(trx, request.id, reason);
    }

    const kept = await countKeptRecords(trx, donorId);
    await tellCampaignsChanged(trx, gifts.map((gift) => gift.campaign_id));
    await recordAudit(trx, {
      staffId: null,
      action: 'donor.erased',
      subjectType: 'donor',
      subjectId: donorId,
      after: {
        name: pseudonym,
        plans_stopped: plans.length,
        stripe_customers_deleted: customersDeleted,
        gifts_kept: kept.gifts,
        receipts_kept: kept.receipts,
        consents_removed: consentsRemoved,
        sessions_ended: sessionsEnded,
        emails_stopped: emailsStopped,
        stripe_events_redacted: eventsRedacted,
        audit_entries_redacted: auditEntriesRedacted,
        erased_at: now.toISOString(),
      },
    });
    return { kind: 'erased', pseudonym, plansStopped: plans.length, customersDeleted };
  });
}
