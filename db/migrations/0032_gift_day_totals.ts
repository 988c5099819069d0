import { sql, type CreateTableBuilder, type Kysely } from 'kysely';

// The gifts ledger's counts and totals per currency, kept by triggers in the transaction that writes a
// donation or a ledger row, so that finance's page reads a few thousand summary rows instead of a
// million donations and their ledger rows (bench/finance.ts). Rows are keyed by what the page filters
// the gifts by: the gift's day, its campaign, currency, status, method and donor kind (the donor search
// alone cannot be kept, and reads the ledger). The day is the UTC day of the gift's time: whatever the
// organisation's time zone, a range of its days is whole UTC days read here plus at most a part-day at
// each end read from the gifts themselves (server/finance/gift.repository.ts).
// As for campaign_totals (0011), the figures of today's gifts are spread over slots by donation (64: every
// gift adds to three such rows, which stay locked until its commit), so that gifts to a campaign in the
// news do not wait on one another's commit; readers add the slots up.

/** The summary key of a donation row (`d`), in the column order of both tables' keys. */
const keyOf = (d: string) =>
  sql.raw(`(coalesce(${d}.succeeded_at, ${d}.created_at) at time zone 'UTC')::date, ${d}.campaign_id, ${d}.currency, ${d}.status, coalesce(${d}.payment_method, ''), ${d}.donor_type`);
/**
 * The slot of a donation's figures: one of 64 for a gift of today or yesterday (UTC), which others may be
 * writing beside it; 0 for an older one, where hardly anything is written at once. foldGiftDaySlots
 * (server/finance/gift-day-totals.repository.ts) folds the slots of older days into 0, so that a day
 * ends up one row per key. A gift's figures may leave a different slot from the one they came in by
 * (a refund next week): only the sum of a key's slots means anything.
 */
const slotOf = (d: string) =>
  sql.raw(`case when (coalesce(${d}.succeeded_at, ${d}.created_at) at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - 1 then hashtext(${d}.id::text) & 63 else 0 end`);
const giftKey = ['day', 'campaign_id', 'donation_currency', 'status', 'payment_method', 'donor_type'];
const countKey = sql.raw([...giftKey, 'slot'].join(', '));
const totalKey = sql.raw([...giftKey, 'currency', 'settlement_currency', 'slot'].join(', '));
const addTotals = sql.raw(['gifts', 'given', 'returned', 'settled', 'fee', 'net'].map((c) => `${c} = t.${c} + excluded.${c}`).join(', '));
/** Checkouts never paid are not gifts: the ledger counts them only when asked, from the donations. */
const unfinished = sql.raw(`('pending', 'expired')`);

export async function up(db: Kysely<unknown>): Promise<void> {
  const keyColumns = (table: CreateTableBuilder<string, never>) =>
    table
      .addColumn('day', 'date', (col) => col.notNull())
      .addColumn('campaign_id', 'integer', (col) => col.notNull().references('campaigns.id'))
      .addColumn('donation_currency', 'char(3)', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      // '' for a gift without one: a key column cannot be null.
      .addColumn('payment_method', 'text', (col) => col.notNull())
      .addColumn('donor_type', 'text', (col) => col.notNull());
  // Gifts (donations not pending or expired) per key.
  await keyColumns(db.schema.createTable('gift_day_counts'))
    .addColumn('slot', 'smallint', (col) => col.notNull())
    .addColumn('donations', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('gift_day_counts_pkey', ['day', 'campaign_id', 'donation_currency', 'status', 'payment_method', 'donor_type', 'slot'])
    .execute();
  // Every ledger row of the key's gifts, summed per pair of ledger and settlement currencies as the page
  // shows them. `gifts` counts the gifts with at least one row in the pair: a gift is in one key and one
  // slot at a time, so the counts of several rows add up to the distinct count.
  await keyColumns(db.schema.createTable('gift_day_totals'))
    .addColumn('currency', 'char(3)', (col) => col.notNull())
    .addColumn('settlement_currency', 'char(3)', (col) => col.notNull())
    .addColumn('slot', 'smallint', (col) => col.notNull())
    .addColumn('gifts', 'integer', (col) => col.notNull())
    .addColumn('given', 'bigint', (col) => col.notNull())
    .addColumn('returned', 'bigint', (col) => col.notNull())
    .addColumn('settled', 'bigint', (col) => col.notNull())
    .addColumn('fee', 'bigint', (col) => col.notNull())
    .addColumn('net', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('gift_day_totals_pkey', ['day', 'campaign_id', 'donation_currency', 'status', 'payment_method', 'donor_type', 'currency', 'settlement_currency', 'slot'])
    .execute();

  // A statement's ledger rows, per gift and pair: whether they are the gift's first in that pair (every
  // row of it in the ledger is one of them), and their sums. The gifts are locked (for share) first, so
  // that a transaction changing a gift's status meanwhile either sees these rows when it moves the gift's
  // figures (below) or is seen by them: without it, rows added under the old status would stay there.
  await sql`
    create function gift_day_totals_add() returns trigger language plpgsql as $$
    begin
      perform 1 from donations where id in (select donation_id from added) order by id for share;
      insert into gift_day_totals as t (${totalKey}, gifts, given, returned, settled, fee, net)
        select ${keyOf('d')}, a.currency, a.settlement_currency, ${slotOf('d')},
               sum(a.first), sum(a.given), sum(a.returned), sum(a.settled), sum(a.fee), sum(a.net)
        from (
          select n.donation_id, n.currency, n.settlement_currency,
                 case when count(*) = (select count(*) from ledger_entries l where l.donation_id = n.donation_id and l.currency = n.currency and l.settlement_currency = n.settlement_currency) then 1 else 0 end as first,
                 coalesce(sum(n.amount) filter (where n.kind in ('gift', 'reversal')), 0) as given,
                 coalesce(sum(n.amount) filter (where n.kind not in ('gift', 'reversal')), 0) as returned,
                 sum(n.settlement_amount) as settled, sum(n.fee) as fee, sum(n.net) as net
          from added n group by 1, 2, 3
        ) a join donations d on d.id = a.donation_id
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9 order by 1, 2, 3, 4, 5, 6, 7, 8, 9
      on conflict (${totalKey}) do update set ${addTotals};
      return null;
    end $$
  `.execute(db);
  await sql`
    create trigger ledger_entries_gift_day_totals after insert on ledger_entries
    referencing new table as added for each statement execute function gift_day_totals_add()
  `.execute(db);

  await sql`
    create function gift_day_counts_add() returns trigger language plpgsql as $$
    begin
      insert into gift_day_counts as t (${countKey}, donations)
        select ${keyOf('d')}, ${slotOf('d')}, count(*) from added d where d.status not in ${unfinished}
        group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7
      on conflict (${countKey}) do update set donations = t.donations + excluded.donations;
      return null;
    end $$
  `.execute(db);
  await sql`
    create trigger donations_gift_day_counts_add after insert on donations
    referencing new table as added for each statement execute function gift_day_counts_add()
  `.execute(db);
  await sql`
    create function gift_day_counts_remove() returns trigger language plpgsql as $$
    begin
      insert into gift_day_counts as t (${countKey}, donations)
        select ${keyOf('d')}, ${slotOf('d')}, -count(*) from removed d where d.status not in ${unfinished}
        group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7
      on conflict (${countKey}) do update set donations = t.donations + excluded.donations;
      return null;
    end $$
  `.execute(db);
  await sql`
    create trigger donations_gift_day_counts_remove after delete on donations
    referencing old table as removed for each statement execute function gift_day_counts_remove()
  `.execute(db);

  // A gift whose key changes (paid, refunded, disputed, corrected, its day set by its payment) moves its
  // count and its ledger figures from the old key to the new, in one statement each and in key order.
  // Old and new may be the same key (a payment later the same day): deltas are added up per key first.
  await sql`
    create function gift_day_move() returns trigger language plpgsql as $$
    begin
      insert into gift_day_counts as t (${countKey}, donations)
        select ${countKey}, sum(delta) from (
          select ${keyOf('old')}, ${slotOf('old')}, -1 where old.status not in ${unfinished}
          union all
          select ${keyOf('new')}, ${slotOf('new')}, 1 where new.status not in ${unfinished}
        ) as moved (${countKey}, delta)
        group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7
      on conflict (${countKey}) do update set donations = t.donations + excluded.donations;

      with l as (
        select currency, settlement_currency,
               coalesce(sum(amount) filter (where kind in ('gift', 'reversal')), 0) as given,
               coalesce(sum(amount) filter (where kind not in ('gift', 'reversal')), 0) as returned,
               sum(settlement_amount) as settled, sum(fee) as fee, sum(net) as net
        from ledger_entries where donation_id = new.id group by 1, 2
      )
      insert into gift_day_totals as t (${totalKey}, gifts, given, returned, settled, fee, net)
        select ${totalKey}, sum(sign), sum(sign * given), sum(sign * returned), sum(sign * settled), sum(sign * fee), sum(sign * net) from (
          select ${keyOf('old')}, l.currency, l.settlement_currency, ${slotOf('old')}, -1, l.given, l.returned, l.settled, l.fee, l.net from l
          union all
          select ${keyOf('new')}, l.currency, l.settlement_currency, ${slotOf('new')}, 1, l.given, l.returned, l.settled, l.fee, l.net from l
        ) as moved (${totalKey}, sign, given, returned, settled, fee, net)
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9 order by 1, 2, 3, 4, 5, 6, 7, 8, 9
      on conflict (${totalKey}) do update set ${addTotals};
      return null;
    end $$
  `.execute(db);
  await sql`
    create trigger donations_gift_day_move after update of campaign_id, currency, status, payment_method, donor_type, succeeded_at, created_at on donations
    for each row when (
      (old.campaign_id, old.currency, old.status, old.payment_method, old.donor_type, (coalesce(old.succeeded_at, old.created_at) at time zone 'UTC')::date)
      is distinct from
      (new.campaign_id, new.currency, new.status, new.payment_method, new.donor_type, (coalesce(new.succeeded_at, new.created_at) at time zone 'UTC')::date)
    ) execute function gift_day_move()
  `.execute(db);

  await sql`
    create function gift_day_totals_clear() returns trigger language plpgsql as $$
    begin
      delete from gift_day_totals;
      return null;
    end $$
  `.execute(db);
  await sql`create trigger ledger_entries_truncate_gift_day_totals after truncate on ledger_entries for each statement execute function gift_day_totals_clear()`.execute(db);
  await sql`
    create function gift_day_counts_clear() returns trigger language plpgsql as $$
    begin
      delete from gift_day_counts;
      return null;
    end $$
  `.execute(db);
  await sql`create trigger donations_truncate_gift_day_counts after truncate on donations for each statement execute function gift_day_counts_clear()`.execute(db);

  // How many people give to each campaign (campaign_givers with money still in it), kept as those rows
  // change: the campaign pages and the home page counted every giver, a third of a million rows at a
  // million gifts. Spread over slots by person, as the totals are.
  await db.schema
    .createTable('campaign_donor_counts')
    .addColumn('campaign_id', 'integer', (col) => col.notNull().references('campaigns.id'))
    .addColumn('slot', 'smallint', (col) => col.notNull())
    .addColumn('donors', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('campaign_donor_counts_pkey', ['campaign_id', 'slot'])
    .execute();
  // One function for inserts, updates and deletes of givers: each row counts +1 while it holds money,
  // what a statement took away (old) against what it left (new), by transition tables.
  for (const [event, tables, changes] of [
    ['insert', 'new table as after_rows', 'select campaign_id, who, donations > 0 as gives, 1 as sign from after_rows'],
    ['update', 'old table as before_rows new table as after_rows', 'select campaign_id, who, donations > 0, -1 from before_rows union all select campaign_id, who, donations > 0, 1 from after_rows'],
    ['delete', 'old table as before_rows', 'select campaign_id, who, donations > 0, -1 from before_rows'],
  ] as const) {
    await sql`
      create function ${sql.raw(`campaign_donor_counts_${event}`)}() returns trigger language plpgsql as $$
      begin
        insert into campaign_donor_counts as c (campaign_id, slot, donors)
          select campaign_id, hashtext(who) & 63, sum(sign) from (${sql.raw(changes)}) as changed (campaign_id, who, gives, sign)
          where gives group by 1, 2 having sum(sign) <> 0 order by 1, 2
        on conflict (campaign_id, slot) do update set donors = c.donors + excluded.donors;
        return null;
      end $$
    `.execute(db);
    await sql`
      create trigger ${sql.raw(`campaign_givers_donor_counts_${event}`)} after ${sql.raw(event)} on campaign_givers
      referencing ${sql.raw(tables)} for each statement execute function ${sql.raw(`campaign_donor_counts_${event}`)}()
    `.execute(db);
  }
  await sql`
    insert into campaign_donor_counts (campaign_id, slot, donors)
    select campaign_id, hashtext(who) & 63, count(*) from campaign_givers where donations > 0 group by 1, 2
  `.execute(db);

  // The gifts and the ledger already written, counted once.
  await sql`
    insert into gift_day_counts (${countKey}, donations)
    select ${keyOf('d')}, ${slotOf('d')}, count(*) from donations d where d.status not in ${unfinished}
    group by 1, 2, 3, 4, 5, 6, 7
  `.execute(db);
  await sql`
    insert into gift_day_totals (${totalKey}, gifts, given, returned, settled, fee, net)
    select ${keyOf('d')}, l.currency, l.settlement_currency, ${slotOf('d')},
           count(distinct l.donation_id),
           coalesce(sum(l.amount) filter (where l.kind in ('gift', 'reversal')), 0),
           coalesce(sum(l.amount) filter (where l.kind not in ('gift', 'reversal')), 0),
           sum(l.settlement_amount), sum(l.fee), sum(l.net)
    from ledger_entries l join donations d on d.id = l.donation_id
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const event of ['insert', 'update', 'delete']) {
    await sql`drop trigger ${sql.raw(`campaign_givers_donor_counts_${event}`)} on campaign_givers`.execute(db);
    await sql`drop function ${sql.raw(`campaign_donor_counts_${event}`)}()`.execute(db);
  }
  await db.schema.dropTable('campaign_donor_counts').execute();
  await sql`drop trigger donations_truncate_gift_day_counts on donations`.execute(db);
  await sql`drop function gift_day_counts_clear()`.execute(db);
  await sql`drop trigger ledger_entries_truncate_gift_day_totals on ledger_entries`.execute(db);
  await sql`drop function gift_day_totals_clear()`.execute(db);
  await sql`drop trigger donations_gift_day_move on donations`.execute(db);
  await sql`drop function gift_day_move()`.execute(db);
  await sql`drop trigger donations_gift_day_counts_remove on donations`.execute(db);
  await sql`drop function gift_day_counts_remove()`.execute(db);
  await sql`drop trigger donations_gift_day_counts_add on donations`.execute(db);
  await sql`drop function gift_day_counts_add()`.execute(db);
  await sql`drop trigger ledger_entries_gift_day_totals on ledger_entries`.execute(db);
  await sql`drop function gift_day_totals_add()`.execute(db);
  await db.schema.dropTable('gift_day_totals').execute();
  await db.schema.dropTable('gift_day_counts').execute();
}
