// The queries behind the gifts and donors CSV exports, compiled for PostgreSQL's COPY (see csv.ts): each row
// comes out with every field already written as the CSV shows it.
import { isLatestReceipt } from '../receipts/receipt.repository';
import { sql, type CompiledQuery, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { Database, Db } from '../database';
import { csvAmountIn, csvInstant, csvText, currencyUnit, zonedColumn } from './csv';
import { filteredDonations } from './gift.repository';
import { newsConsentInWords } from '../impact/consent.repository';
import { hasFilters, type GiftFilters } from './gifts';

/** A donation's ledger rows in its own currency, summed: what giftsExport reads as `l`. */
interface LedgerSums {
  donation_id: string;
  currency: string;
  kept: string;
  refunded: string;
  disputed: string;
  settlement_currency: string;
  settled: string;
  fee: string;
  net: string;
}

/** The gifts export's query, one row per gift with every field as the CSV shows it, in the order of gifts. */
export function giftsExport(db: Db, filters: GiftFilters, timeZone: string): CompiledQuery {
  // The ledger per donation, in the donation's own currency: a corrected offline gift may have rows in a
  // currency it no longer has, and those net to zero. Summed in a hash table over one pass of the ledger
  // (a materialized CTE, which the planner cannot instead read in donation order through the index, a
  // random read of every row), for the filtered gifts only when there is a filter.
  const ledgerOf = <O>(query: SelectQueryBuilder<Database, 'ledger_entries', O>) =>
    hasFilters(filters) ? query.where('donation_id', 'in', filteredDonations(db, filters, timeZone).select('donations.id')) : query;
  const sums = ledgerOf(
    db
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
      ])
      .groupBy(['donation_id', 'currency']),
  );
  // Offline references, apart: an aggregate over distinct values cannot be hashed, and only offline rows have one.
  const references = ledgerOf(
    db
      .selectFrom('ledger_entries')
      .select(['donation_id', 'currency', sql<string>`string_agg(distinct reference, ' ')`.as('reference')])
      .where('reference', 'is not', null)
      .groupBy(['donation_id', 'currency']),
  );
  const l = sql<LedgerSums>`l`.as('l');
  const r = sql<{ donation_id: string; currency: string; reference: string }>`r`.as('r');
  // The gifts in order, with what each column needs; formatted after the sort, so that each row's two
  // currency units are worked out once and the sort carries integers rather than text.
  const gifts = filteredDonations(db, filters, timeZone)
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .leftJoin('campaigns as intended', 'intended.id', 'donations.intended_campaign_id')
    .leftJoin('donors', 'donors.id', 'donations.donor_id')
    .leftJoin('receipts', (join) => join.onRef('receipts.donation_id', '=', 'donations.id').on(isLatestReceipt))
    .leftJoin(l, (join) => join.onRef('l.donation_id', '=', 'donations.id').onRef('l.currency', '=', 'donations.currency'))
    .leftJoin(r, (join) => join.onRef('r.donation_id', '=', 'donations.id').onRef('r.currency', '=', 'donations.currency'))
    .select([
      'donations.id',
      sql<Date>`coalesce(donations.succeeded_at, donations.created_at)`.as('at'),
      'donations.status',
      'donations.origin',
      'donations.payment_method',
      'donations.frequency',
      'campaigns.slug as campaign',
      'intended.slug as intended_campaign',
      'donations.donor_name',
      'donations.donor_type',
      'donations.donor_contact_name',
      'donations.donor_business_registration',
      'donors.email as donor_email',
      'donations.currency',
      currencyUnit(sql.ref('donations.currency')).as('unit'),
      'donations.amount',
      'l.kept',
      'l.refunded',
      'l.disputed',
      'l.settlement_currency',
      currencyUnit(sql`coalesce(l.settlement_currency, donations.currency)`).as('settlement_unit'),
      'l.settled',
      'l.fee',
      'l.net',
      'r.reference',
      'donations.message',
      'receipts.number as receipt_number',
      'donations.stripe_payment_intent_id',
      'donations.stripe_charge_id',
      'donations.stripe_invoice_id',
    ])
    .orderBy('at')
    .orderBy('donations.id');
  const g = (column: string) => sql.ref(`g.${column}`);
  // Columns a CHECK constraint holds to a fixed set (status, origin, frequency, the slug, donor type,
  // currencies) cannot start like a formula or be empty, and go out as they are; the rest through csvText.
  const columns: Array<[string, RawBuilder<unknown>]> = [
    ['gift_id', sql`${g('id')}`],
    [zonedColumn('date', timeZone), csvInstant(g('at'), timeZone)],
    ['status', sql`${g('status')}`],
    ['origin', sql`${g('origin')}`],
    ['payment_method', csvText(g('payment_method'))],
    ['frequency', sql`${g('frequency')}`],
    ['campaign', sql`${g('campaign')}`],
    ['donor_name', csvText(g('donor_name'))],
    ['donor_type', sql`${g('donor_type')}`],
    ['donor_email', csvText(g('donor_email'))],
    ['currency', sql`${g('currency')}`],
    ['amount', csvAmountIn(g('amount'), g('unit'))],
    // What went back, positive: the ledger's negative rows, negated.
    ['refunded', csvAmountIn(sql`-coalesce(${g('refunded')}, 0)`, g('unit'))],
    ['disputed', csvAmountIn(sql`-coalesce(${g('disputed')}, 0)`, g('unit'))],
    ['kept', csvAmountIn(sql`coalesce(${g('kept')}, 0)`, g('unit'))],
    ['settlement_currency', sql`${g('settlement_currency')}`],
    ['settled', csvAmountIn(g('settled'), g('settlement_unit'))],
    ['fee', csvAmountIn(g('fee'), g('settlement_unit'))],
    ['net', csvAmountIn(g('net'), g('settlement_unit'))],
    ['reference', csvText(g('reference'))],
    ['message', csvText(g('message'))],
    ['receipt_number', csvText(g('receipt_number'))],
    ['payment_intent', csvText(g('stripe_payment_intent_id'))],
    ['charge', csvText(g('stripe_charge_id'))],
    ['invoice', csvText(g('stripe_invoice_id'))],
    // The closed round a payment was meant for, when it was credited to `campaign` instead; else empty. New
    // columns come last, so that spreadsheets built on the columns before them keep working.
    ['intended_campaign', sql`${g('intended_campaign')}`],
    // An organisation's contact and business registration number, as its gift gave them (and its receipt shows).
    ['contact_name', csvText(g('donor_contact_name'))],
    ['business_registration', csvText(g('donor_business_registration'))],
  ];
  const query = sql`
    with l as materialized (${sums}), r as (${references})
    select ${sql.join(columns.map(([name, value]) => sql`${value} as ${sql.id(name)}`))}
    from (${gifts}) as g
    order by g.at, g.id`;
  return query.compile(db);
}

/** The donors export's query: one row per donor and currency they gave in (net of refunds); a donor with nothing kept has one row without money. Times in `timeZone`. */
export function donorsExport(db: Db, timeZone: string): CompiledQuery {
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
  const query = db
    .selectFrom('donors')
    .leftJoin(given, 'g.donor_id', 'donors.id')
    .select([
      sql`donors.id`.as('donor_id'),
      csvText(sql.ref('donors.email')).as('email'),
      csvText(sql.ref('donors.name')).as('name'),
      csvText(sql.ref('donors.donor_type')).as('donor_type'),
      csvText(sql.ref('donors.locale')).as('locale'),
      csvInstant(sql.ref('donors.created_at'), timeZone).as(zonedColumn('since', timeZone)),
      // Whether impact updates may be sent, and when and where the donor said so: "yes (given 2026-06-10 on the donate form)".
      newsConsentInWords(sql.ref('donors.id'), timeZone).as('news_by_email'),
      csvText(sql.ref('g.currency')).as('currency'),
      sql`g.gifts`.as('gifts'),
      csvAmountIn(sql.ref('g.kept'), currencyUnit(sql.ref('g.currency'))).as('kept'),
      csvInstant(sql.ref('g.first_gift'), timeZone).as(zonedColumn('first_gift', timeZone)),
      csvInstant(sql.ref('g.last_gift'), timeZone).as(zonedColumn('last_gift', timeZone)),
    ])
    .orderBy('donors.id')
    .orderBy('g.currency');
  return query.compile();
}
