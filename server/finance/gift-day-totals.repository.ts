// Upkeep of the gifts' summaries (gift_day_counts, gift_day_totals: migration 0032), which triggers write.
import { sql } from 'kysely';
import type { Db } from '../database';

const giftKey = 'day, campaign_id, donation_currency, status, payment_method, donor_type';
const totalKey = `${giftKey}, currency, settlement_currency`;
const figures = ['gifts', 'given', 'returned', 'settled', 'fee', 'net'];

/**
 * Folds the slots of days before the day before `now` (UTC) into slot 0, and drops rows left at nothing (a gift that
 * moved on, as refunded): today's gifts are spread over 64 slots so that they never wait on one another,
 * which an old day no longer needs, and each slot is a row the ledger page adds up. Returns the rows folded.
 */
export async function foldGiftDaySlots(db: Db, now: Date): Promise<number> {
  const oldDay = sql`day < (${now}::timestamptz at time zone 'UTC')::date - 1`;
  const totals = await sql`
    with folded as (delete from gift_day_totals where ${oldDay} and slot <> 0 returning *)
    insert into gift_day_totals as t (${sql.raw(totalKey)}, slot, ${sql.raw(figures.join(', '))})
    select ${sql.raw(totalKey)}, 0, ${sql.raw(figures.map((f) => `sum(${f})`).join(', '))} from folded
    group by ${sql.raw(totalKey)} order by ${sql.raw(totalKey)}
    on conflict (${sql.raw(totalKey)}, slot) do update set ${sql.raw(figures.map((f) => `${f} = t.${f} + excluded.${f}`).join(', '))}`.execute(db);
  const counts = await sql`
    with folded as (delete from gift_day_counts where ${oldDay} and slot <> 0 returning *)
    insert into gift_day_counts as t (${sql.raw(giftKey)}, slot, donations)
    select ${sql.raw(giftKey)}, 0, sum(donations) from folded
    group by ${sql.raw(giftKey)} order by ${sql.raw(giftKey)}
    on conflict (${sql.raw(giftKey)}, slot) do update set donations = t.donations + excluded.donations`.execute(db);
  await sql`delete from gift_day_totals where ${oldDay} and ${sql.raw(figures.map((f) => `${f} = 0`).join(' and '))}`.execute(db);
  await sql`delete from gift_day_counts where ${oldDay} and donations = 0`.execute(db);
  return Number(totals.numAffectedRows ?? 0) + Number(counts.numAffectedRows ?? 0);
}
