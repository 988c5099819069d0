// CSV exports for finance, streamed from a database cursor: gifts (with the ledger's filters) and donors.
import type { Response } from 'express';
import { sql } from 'kysely';
import type { Db } from '../../db/index';
import { csvAmount, sendCsv } from './csv';
import { filteredDonations, type GiftFilters } from './gifts';

/** Rows the cursor fetches at a time: enough to keep the socket busy, few enough to keep memory flat. */
const chunkSize = 1_000;

export async function exportGifts(db: Db, res: Response, filters: GiftFilters, timeZone: string): Promise<void> {
  // The ledger per donation, in the donation's own currency: a corrected offline gift may have rows
  // in a currency it no longer has, and those net to zero.
  const ledger = db
    .selectFrom('ledger_entries')
    .select(['donation_id', 'currency'])
    .select((eb) => [
      eb.fn.sum<string>('amount').as('kept'),
      // Refunds and disputes net of their reversals; an offline correction's reversal row is neither.
      sql<string>`coalesce(sum(amount) filter (where kind in ('refund', 'refund_reversal')), 0)`.as('refunded'),
      sql<string>`coalesce(sum(amount) filter (where kind in ('dispute', 'dispute_won')), 0)`.as('disputed'),
      eb.fn.max('settlement_currency').as('settlement_currency'),
      eb.fn.sum<string>('settlement_amount').as('settled'),
      eb.fn.sum<string>('fee').as('fee'),
      eb.fn.sum<string>('net').as('net'),
      sql<string | null>`string_agg(distinct reference, ' ')`.as('reference'),
    ])
    .groupBy(['donation_id', 'currency'])
    .as('l');
  const rows = filteredDonations(db, filters, timeZone)
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .leftJoin('donors', 'donors.id', 'donations.donor_id')
    .leftJoin('receipts', 'receipts.donation_id', 'donations.id')
    .leftJoin(ledger, (join) => join.onRef('l.donation_id', '=', 'donations.id').onRef('l.currency', '=', 'donations.currency'))
    .select([
      'donations.id',
      'donations.succeeded_at',
      'donations.created_at',
      'donations.status',
      'donations.origin',
      'donations.payment_method',
      'donations.frequency',
      'campaigns.slug as campaign',
      'donations.donor_name',
      'donations.donor_type',
      'donors.email as donor_email',
      'donations.amount',
      'donations.currency',
      'l.kept',
      'l.refunded',
      'l.disputed',
      'l.settlement_currency',
      'l.settled',
      'l.fee',
      'l.net',
      'l.reference',
      'donations.message',
      'receipts.number as receipt_number',
      'donations.stripe_payment_intent_id',
      'donations.stripe_charge_id',
      'donations.stripe_invoice_id',
    ])
    .orderBy(sql`coalesce(donations.succeeded_at, donations.created_at)`)
    .orderBy('donations.id')
    .stream(chunkSize);
  const day = new Date().toISOString().slice(0, 10);
  await sendCsv(
    res,
    `smilefund-gifts-${day}.csv`,
    ['gift_id', 'date', 'status', 'origin', 'payment_method', 'frequency', 'campaign', 'donor_name', 'donor_type', 'donor_email', 'currency', 'amount', 'refunded', 'disputed', 'kept', 'settlement_currency', 'settled', 'fee', 'net', 'reference', 'message', 'receipt_number', 'payment_intent', 'charge', 'invoice'],
    rows,
    (r) => {
      const settlement = r.settlement_currency ?? r.currency;
      return [
        r.id,
        r.succeeded_at ?? r.created_at,
        r.status,
        r.origin,
        r.payment_method,
        r.frequency,
        r.campaign,
        r.donor_name,
        r.donor_type,
        r.donor_email,
        r.currency,
        csvAmount(r.amount, r.currency),
        csvAmount(r.refunded === null ? 0 : -Number(r.refunded), r.currency),
        csvAmount(r.disputed === null ? 0 : -Number(r.disputed), r.currency),
        csvAmount(r.kept === null ? 0 : Number(r.kept), r.currency),
        r.settlement_currency,
        r.settled === null ? '' : csvAmount(Number(r.settled), settlement),
        r.fee === null ? '' : csvAmount(Number(r.fee), settlement),
        r.net === null ? '' : csvAmount(Number(r.net), settlement),
        r.reference,
        r.message,
        r.receipt_number,
        r.stripe_payment_intent_id,
        r.stripe_charge_id,
        r.stripe_invoice_id,
      ];
    },
  );
}

/** One row per donor and currency they gave in (net of refunds); a donor with nothing kept has one row without money. */
export async function exportDonors(db: Db, res: Response): Promise<void> {
  const given = db
    .selectFrom('ledger_entries')
    .innerJoin('donations', 'donations.id', 'ledger_entries.donation_id')
    .select(['donations.donor_id', 'ledger_entries.currency'])
    .select((eb) => [
      eb.fn.sum<string>('ledger_entries.amount').as('kept'),
      sql<string>`count(distinct donations.id) filter (where ledger_entries.kind = 'gift')`.as('gifts'),
      eb.fn.min('ledger_entries.occurred_at').as('first_gift'),
      eb.fn.max('ledger_entries.occurred_at').as('last_gift'),
    ])
    .where('donations.donor_id', 'is not', null)
    .groupBy(['donations.donor_id', 'ledger_entries.currency'])
    .as('g');
  const rows = db
    .selectFrom('donors')
    .leftJoin(given, 'g.donor_id', 'donors.id')
    .select([
      'donors.id',
      'donors.email',
      'donors.name',
      'donors.donor_type',
      'donors.locale',
      'donors.created_at',
      'donors.impact_opt_out_at',
      'g.currency',
      'g.kept',
      'g.gifts',
      'g.first_gift',
      'g.last_gift',
    ])
    .orderBy('donors.id')
    .orderBy('g.currency')
    .stream(chunkSize);
  const day = new Date().toISOString().slice(0, 10);
  await sendCsv(
    res,
    `smilefund-donors-${day}.csv`,
    ['donor_id', 'email', 'name', 'donor_type', 'locale', 'since', 'impact_updates', 'currency', 'gifts', 'kept', 'first_gift', 'last_gift'],
    rows,
    (r) => [
      r.id,
      r.email,
      r.name,
      r.donor_type,
      r.locale,
      r.created_at,
      r.impact_opt_out_at ? 'opted out' : 'yes',
      r.currency,
      r.gifts === null ? '' : Number(r.gifts),
      r.kept === null || r.currency === null ? '' : csvAmount(Number(r.kept), r.currency),
      r.first_gift as Date | null,
      r.last_gift as Date | null,
    ],
  );
}
