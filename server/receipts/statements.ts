// The annual giving statement: every receipted gift of a calendar year, totalled per currency.
import { sql } from 'kysely';
import type { Db } from '../database';
import type { AppContext } from '../context';
import { localize } from '../locale';
import { addMoney, formatMoney, type Money } from '../money';
import { receiptYear } from './issue';
import { relayOutbox } from '../outbox/outbox';
import { wordingFor } from './wording';

/** Gifts that still count: not refunded in full, not lost to a dispute. */
const standingStatuses = ['succeeded', 'partially_refunded'] as const;

/** Owes a statement to every donor with a standing receipted gift in `year`; a second run owes nothing new. */
export async function oweAnnualStatements(ctx: Pick<AppContext, 'db' | 'queues'>, year: number): Promise<number> {
  const inserted = await sql<{ id: number }>`
    insert into outbox (topic, dedupe_key, payload)
    select distinct 'annual_statement', 'statement-' || ${year} || '-' || d.donor_id, jsonb_build_object('donorId', d.donor_id, 'year', ${year}::int)
    from receipts r join donations d on d.id = r.donation_id
    where r.year = ${year} and d.donor_id is not null and d.status in ('succeeded', 'partially_refunded')
    on conflict (dedupe_key) do nothing
    returning id`.execute(ctx.db);
  await relayOutbox(ctx).catch(() => undefined);
  return inserted.rows.length;
}

/** The January chore: last year's statements, the year by the organisation's calendar. */
export function oweLastYearsStatements(ctx: Pick<AppContext, 'db' | 'queues' | 'clock' | 'config'>): Promise<number> {
  return oweAnnualStatements(ctx, receiptYear(ctx.clock.now(), ctx.config.organisation.timeZone) - 1);
}

export async function statementGifts(db: Db, donorId: number, year: number) {
  return db
    .selectFrom('receipts')
    .innerJoin('donations', 'donations.id', 'receipts.donation_id')
    .innerJoin('campaigns', 'campaigns.id', 'donations.campaign_id')
    .select(['receipts.number', 'receipts.issued_at', 'donations.amount', 'donations.currency', 'campaigns.title'])
    .select((eb) =>
      eb
        .selectFrom('ledger_entries')
        .select((l) => l.fn.coalesce(l.fn.sum<string>('ledger_entries.amount'), sql<string>`0`).as('kept'))
        .whereRef('ledger_entries.donation_id', '=', 'donations.id')
        .as('kept'),
    )
    .where('donations.donor_id', '=', donorId)
    .where('receipts.year', '=', year)
    .where('donations.status', 'in', standingStatuses)
    .orderBy('receipts.sequence')
    .execute();
}

export function statementView(gifts: Awaited<ReturnType<typeof statementGifts>>, locale: string, timeZone: string) {
  const { locale: l } = wordingFor(locale);
  const totals: Money[] = [];
  const lines = gifts.map((gift) => {
    const kept = { amount: Number(gift.kept ?? gift.amount), currency: gift.currency };
    const index = totals.findIndex((t) => t.currency === kept.currency);
    if (index === -1) totals.push(kept);
    else totals[index] = addMoney(totals[index]!, kept);
    return {
      number: gift.number,
      givenOn: new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeZone }).format(gift.issued_at),
      campaign: localize(gift.title, l),
      amount: formatMoney(kept, l),
    };
  });
  return { lines, totals: totals.map((t) => formatMoney(t, l)) };
}
