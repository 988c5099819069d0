// Reconciliation: Stripe's balance transactions of one day beside our ledger rows of that day. Missed
// webhooks are recovered first (the day's events stored and applied), so only real differences are kept.
// A "day" is a calendar day in the organisation's time zone (config.organisation.timeZone), as receipts
// and finance count them.
import type Stripe from 'stripe';
import { dayBounds, dayIn, isDay, previousDay } from '../../calendar';
import type { AppContext } from '../../context';
import type { Db, Trx } from '../../database';
import { Conflict, NotFound } from '../../http/errors';
import { translate } from '../../i18n/messages';
import type { Locale } from '../../locale';
import { recordAudit } from '../../staff/audit.repository';
import { applyStripeEvent } from '../../webhooks/events';
import { storeStripeEvent } from '../../webhooks/stripe-event.repository';
import { stripeEventHandlers } from '../../webhooks/handlers';
import { idOf } from '../../stripe/ids';
import type { DiscrepancyKind, NewReconciliationDiscrepancy } from '../../tables/reconciliation-discrepancies.table';
import {
  clearDiscrepancies,
  insertDiscrepancies,
  listLedgerRowsForReconciling,
  listOpenDiscrepanciesOfDay,
  listUnappliedEventIds,
  lockDiscrepancy,
  lockReconciliationDay,
  markDiscrepancyResolved,
  type LedgerRowForReconciling,
} from './reconciliation.repository';

/** The Stripe balance transactions our ledger records a row for: gifts, refunds and disputes. */
const ledgerCategories = new Set(['charge', 'refund', 'refund_failure', 'dispute', 'dispute_reversal']);

export const isLedgerTransaction = (txn: Pick<Stripe.BalanceTransaction, 'reporting_category'>) => ledgerCategories.has(txn.reporting_category);

export type Discrepancy = Omit<NewReconciliationDiscrepancy, 'day' | 'found_at' | 'resolved_at' | 'resolved_by' | 'note'> & { kind: DiscrepancyKind };

/**
 * The differences between Stripe's transactions of a day and our rows: `ledgerOfDay` are our rows of
 * that day, `ledgerById` our rows for Stripe's transactions whatever their day.
 */
export function findDiscrepancies(stripeOfDay: Stripe.BalanceTransaction[], ledgerOfDay: LedgerRowForReconciling[], ledgerById: LedgerRowForReconciling[]): Discrepancy[] {
  const ours = new Map([...ledgerOfDay, ...ledgerById].map((row) => [row.stripe_balance_transaction_id, row]));
  const stripeIds = new Set(stripeOfDay.map((txn) => txn.id));
  const found: Discrepancy[] = [];
  for (const txn of stripeOfDay.filter(isLedgerTransaction)) {
    const row = ours.get(txn.id);
    const stripeSide = {
      stripe_balance_transaction_id: txn.id,
      stripe_object_id: idOf(txn.source),
      reporting_category: txn.reporting_category,
      currency: txn.currency.toUpperCase(),
      stripe_amount: txn.amount,
      stripe_fee: txn.fee,
      stripe_net: txn.net,
    };
    if (!row) found.push({ kind: 'missing_in_ledger', ...stripeSide });
    else if (row.settlement_amount !== txn.amount || row.fee !== txn.fee || row.net !== txn.net || row.settlement_currency !== txn.currency.toUpperCase()) {
      found.push({ kind: 'amount_mismatch', ...stripeSide, ledger_entry_id: row.id, donation_id: row.donation_id, ledger_amount: row.settlement_amount, ledger_fee: row.fee, ledger_net: row.net });
    }
  }
  for (const row of ledgerOfDay) {
    if (stripeIds.has(row.stripe_balance_transaction_id)) continue;
    found.push({
      kind: 'unknown_in_stripe',
      stripe_balance_transaction_id: row.stripe_balance_transaction_id,
      stripe_object_id: row.stripe_object_id,
      currency: row.settlement_currency,
      ledger_entry_id: row.id,
      donation_id: row.donation_id,
      ledger_amount: row.settlement_amount,
      ledger_fee: row.fee,
      ledger_net: row.net,
    });
  }
  return found;
}

type ReconcilingContext = Pick<AppContext, 'db' | 'stripe' | 'config'> & { logger?: Pick<AppContext['logger'], 'warn'> };

const toUnix = (date: Date) => Math.floor(date.getTime() / 1000);

/** Stripe allows at most 20 types per events.list call. */
function typeBatches(): string[][] {
  const types = Object.keys(stripeEventHandlers);
  const batches: string[][] = [];
  for (let i = 0; i < types.length; i += 20) batches.push(types.slice(i, i + 20));
  return batches;
}

export interface RecoveryOutcome {
  /** Events of the period Stripe sent that we had never stored. */
  recovered: number;
  /** Stored events applied now (recovered ones and ones still waiting). */
  applied: number;
  /** Events that failed to apply; their error is on the stripe_events row and the sweeper retries them. */
  failed: string[];
}

/**
 * Stores every event of [start, end) we act on and never received, then applies every one of them still
 * unapplied, oldest first. The emails they owe are relayed by the relay-outbox chore.
 */
export async function recoverMissedEvents(ctx: ReconcilingContext, start: Date, end: Date): Promise<RecoveryOutcome> {
  const events: Stripe.Event[] = [];
  for (const types of typeBatches()) {
    for await (const event of ctx.stripe.events.list({ created: { gte: toUnix(start), lt: toUnix(end) }, types, limit: 100 })) events.push(event);
  }
  events.sort((a, b) => a.created - b.created);
  const outcome: RecoveryOutcome = { recovered: 0, applied: 0, failed: [] };
  for (const event of events) {
    if (await storeStripeEvent(ctx.db, event)) outcome.recovered += 1;
  }
  const unapplied = new Set(await listUnappliedEventIds(ctx.db, events.map((event) => event.id)));
  for (const event of events) {
    if (!unapplied.has(event.id)) continue;
    try {
      if ((await applyStripeEvent(ctx, event.id)) !== 'already applied') outcome.applied += 1;
    } catch (error) {
      outcome.failed.push(event.id);
      ctx.logger?.warn({ err: error, eventId: event.id }, 'reconciliation: a recovered event failed to apply');
    }
  }
  return outcome;
}

export interface ReconciliationOutcome {
  day: string;
  timeZone: string;
  events?: RecoveryOutcome;
  stripeTransactions: number;
  ledgerRows: number;
  /** Every discrepancy this run found, new or already recorded. */
  found: number;
  /** Of those, recorded for the first time by this run. */
  recorded: number;
  /** Open ones of the day this run no longer found, now marked resolved. */
  cleared: number;
}

type Comparison = Omit<ReconciliationOutcome, 'day' | 'timeZone' | 'events'>;

/**
 * Under the day's lock: compares Stripe's transactions of the day with our rows of [start, end), records
 * what differs and clears the open discrepancies of the day no longer found.
 */
async function compareDay(trx: Trx, day: string, start: Date, end: Date, stripeOfDay: Stripe.BalanceTransaction[]): Promise<Comparison> {
  await lockReconciliationDay(trx, day);
  const ofDay = await listLedgerRowsForReconciling(trx, { between: [start, end] });
  const byId = await listLedgerRowsForReconciling(trx, { ids: stripeOfDay.filter(isLedgerTransaction).map((txn) => txn.id) });
  const found = findDiscrepancies(stripeOfDay, ofDay, byId);
  const recorded = await insertDiscrepancies(trx, day, found);
  const stillFound = new Set(found.map((d) => `${d.kind} ${d.stripe_balance_transaction_id}`));
  const open = await listOpenDiscrepanciesOfDay(trx, day);
  const gone = open.filter((d) => !stillFound.has(`${d.kind} ${d.stripe_balance_transaction_id}`)).map((d) => d.id);
  await clearDiscrepancies(trx, gone);
  return {
    stripeTransactions: stripeOfDay.filter(isLedgerTransaction).length,
    ledgerRows: ofDay.length,
    found: found.length,
    recorded: recorded.length,
    cleared: gone.length,
  };
}

/**
 * Reconciles one day: recovers missed events (unless told not to), compares, and records each
 * discrepancy once per (day, kind, balance transaction). An open discrepancy of the day that this run no
 * longer finds is marked resolved by the run. Safe to run again, and at the same time as another run.
 */
export async function reconcileDay(ctx: ReconcilingContext, day: string, options: { recoverEvents?: boolean } = {}): Promise<ReconciliationOutcome> {
  if (!isDay(day)) throw new RangeError(`not a day: ${day}`);
  const timeZone = ctx.config.organisation.timeZone;
  const { start, end } = dayBounds(day, timeZone);
  const events = options.recoverEvents === false ? undefined : await recoverMissedEvents(ctx, start, end);

  const stripeOfDay: Stripe.BalanceTransaction[] = [];
  for await (const txn of ctx.stripe.balanceTransactions.list({ created: { gte: toUnix(start), lt: toUnix(end) }, limit: 100 })) stripeOfDay.push(txn);

  const compared = await ctx.db.transaction().execute((trx) => compareDay(trx, day, start, end, stripeOfDay));
  return { day, timeZone, ...(events ? { events } : {}), ...compared };
}

/** The nightly run: yesterday, in the organisation's time zone. */
export function reconcileYesterday(ctx: ReconcilingContext & Pick<AppContext, 'clock'>): Promise<ReconciliationOutcome> {
  return reconcileDay(ctx, previousDay(dayIn(ctx.clock.now(), ctx.config.organisation.timeZone)));
}

/** A staff member's run of a chosen day, in the audit log with what it found. */
export async function reconcileDayAsStaff(ctx: ReconcilingContext, day: string, staffId: number): Promise<ReconciliationOutcome> {
  const outcome = await reconcileDay(ctx, day);
  await recordAudit(ctx.db, { staffId, action: 'reconciliation.run', subjectType: 'reconciliation_day', subjectId: day, after: outcome });
  return outcome;
}

export const noteLimit = 2000;

/** Marks a discrepancy resolved by `staffId` with their note, and audits it in the same transaction; refusals are said in `locale`. */
export async function resolveDiscrepancy(db: Db, id: number, staffId: number, note: string, locale: Locale): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const current = await lockDiscrepancy(trx, id);
    if (!current) throw new NotFound(translate(locale, 'finance.reconciliation.error.noSuchDiscrepancy'));
    if (current.resolved_at) throw new Conflict(translate(locale, 'finance.reconciliation.error.alreadyResolved'));
    const resolved = await markDiscrepancyResolved(trx, id, staffId, note);
    await recordAudit(trx, {
      staffId,
      action: 'reconciliation.resolved',
      subjectType: 'reconciliation_discrepancy',
      subjectId: id,
      before: { kind: current.kind, stripe_balance_transaction_id: current.stripe_balance_transaction_id, resolved_at: null },
      after: resolved,
    });
  });
}
