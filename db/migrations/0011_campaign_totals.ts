import { sql, type Kysely } from 'kysely';

// Campaign totals kept current in the transaction that writes the ledger, by triggers, so that no
// path that records money (Stripe, offline gifts, corrections, a loader) can leave them behind, and a
// campaign page reads a handful of rows instead of summing every gift. Each change also tells the web
// processes (NOTIFY campaign_changed, delivered at commit) which campaign to stop serving from memory.
// Each table whose rows a campaign page shows, and the column naming the campaign.
const notifiedTables = [
  ['campaigns', 'id'],
  ['campaign_presets', 'campaign_id'],
  ['impact_updates', 'campaign_id'],
  ['recurring_plans', 'campaign_id'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('campaign_totals')
    .addColumn('campaign_id', 'integer', (col) => col.notNull().references('campaigns.id'))
    .addColumn('currency', 'char(3)', (col) => col.notNull())
    .addColumn('settlement_currency', 'char(3)', (col) => col.notNull())
    .addColumn('amount', 'bigint', (col) => col.notNull())
    .addColumn('settlement_amount', 'bigint', (col) => col.notNull())
    // Gifts to one campaign land on one of 16 rows per currency pair, by donation, so that a campaign in
    // the news does not make every gift wait for the one before it to commit. Readers add the rows up.
    .addColumn('slot', 'smallint', (col) => col.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('campaign_totals_pkey', ['campaign_id', 'currency', 'settlement_currency', 'slot'])
    .execute();
  // A person counts as a donor to a campaign while at least one of their donations still holds money
  // in it; `who` is the donor, or the donation itself for a gift given without an email. A row that
  // falls to zero stays (a donor whose gift was refunded), so no gift has to look for rows to delete.
  await db.schema
    .createTable('campaign_givers')
    .addColumn('campaign_id', 'integer', (col) => col.notNull().references('campaigns.id'))
    .addColumn('who', 'text', (col) => col.notNull())
    .addColumn('donations', 'integer', (col) => col.notNull().check(sql`donations >= 0`))
    .addPrimaryKeyConstraint('campaign_givers_pkey', ['campaign_id', 'who'])
    .execute();

  // One statement's rows at once, through its transition table: a charge synced with its refund in one
  // insert must be judged on the donation's net before and after the whole statement. Rows are taken in
  // key order so that two transactions never lock the same totals in opposite orders. A donation's rows
  // are found by donation alone: with the campaign in the condition too, the planner may intersect it
  // with the campaign index and read every gift to a large campaign, once per new row.
  await sql`
    create function campaign_totals_add() returns trigger language plpgsql as $$
    begin
      insert into campaign_totals as t (campaign_id, currency, settlement_currency, slot, amount, settlement_amount)
        select campaign_id, currency, settlement_currency, hashtext(donation_id::text) & 15, sum(amount), sum(settlement_amount)
        from added group by 1, 2, 3, 4 order by 1, 2, 3, 4
      on conflict (campaign_id, currency, settlement_currency, slot)
        do update set amount = t.amount + excluded.amount, settlement_amount = t.settlement_amount + excluded.settlement_amount;

      with changed as (
        select a.campaign_id, a.donation_id, sum(a.amount) as added,
          (select sum(l.amount) filter (where l.campaign_id = a.campaign_id) from ledger_entries l where l.donation_id = a.donation_id) as after
        from added a group by 1, 2
      ), crossings as (
        select c.campaign_id, coalesce(d.donor_id::text, d.id::text) as who,
          sum(case when c.after > 0 and c.after - c.added <= 0 then 1 when c.after <= 0 and c.after - c.added > 0 then -1 else 0 end) as delta
        from changed c join donations d on d.id = c.donation_id
        group by 1, 2
      ), fewer as (
        update campaign_givers g set donations = g.donations + c.delta from crossings c
        where c.delta < 0 and g.campaign_id = c.campaign_id and g.who = c.who
      )
      insert into campaign_givers as g (campaign_id, who, donations)
        select campaign_id, who, delta from crossings where delta > 0 order by 1, 2
      on conflict (campaign_id, who) do update set donations = g.donations + excluded.donations;

      perform pg_notify('campaign_changed', campaign_id::text) from (select distinct campaign_id from added order by 1) a;
      return null;
    end $$
  `.execute(db);
  await sql`
    create trigger ledger_entries_campaign_totals after insert on ledger_entries
    referencing new table as added for each statement execute function campaign_totals_add()
  `.execute(db);

  // A gift whose donor changes (an offline gift corrected) moves from one person's count to the other's.
  await sql`
    create function campaign_givers_move() returns trigger language plpgsql as $$
    declare
      before_who text := coalesce(old.donor_id::text, old.id::text);
      after_who text := coalesce(new.donor_id::text, new.id::text);
      giving record;
    begin
      if before_who = after_who then return null; end if;
      for giving in
        select campaign_id from ledger_entries where donation_id = new.id group by campaign_id having sum(amount) > 0 order by 1
      loop
        update campaign_givers set donations = donations - 1 where campaign_id = giving.campaign_id and who = before_who;
        insert into campaign_givers as g (campaign_id, who, donations) values (giving.campaign_id, after_who, 1)
          on conflict (campaign_id, who) do update set donations = g.donations + 1;
        perform pg_notify('campaign_changed', giving.campaign_id::text);
      end loop;
      return null;
    end $$
  `.execute(db);
  await sql`create trigger donations_campaign_givers after update of donor_id on donations for each row execute function campaign_givers_move()`.execute(db);

  // What else a campaign page shows: the campaign itself, its preset amounts, its impact updates and
  // its recurring donors. Their changes only need telling, not counting.
  await sql`
    create function notify_campaign_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('campaign_changed', to_jsonb(case when tg_op = 'DELETE' then old else new end) ->> tg_argv[0]);
      return null;
    end $$
  `.execute(db);
  for (const [table, column] of notifiedTables) {
    await sql`create trigger ${sql.id(`${table}_notify_change`)} after insert or update or delete on ${sql.table(table)} for each row execute function notify_campaign_changed(${sql.lit(column)})`.execute(db);
  }

  await sql`
    create function campaign_totals_clear() returns trigger language plpgsql as $$
    begin
      delete from campaign_totals;
      delete from campaign_givers;
      return null;
    end $$
  `.execute(db);
  await sql`create trigger ledger_entries_truncate_totals after truncate on ledger_entries for each statement execute function campaign_totals_clear()`.execute(db);

  // The ledger already written, counted once.
  await sql`
    insert into campaign_totals (campaign_id, currency, settlement_currency, amount, settlement_amount)
    select campaign_id, currency, settlement_currency, sum(amount), sum(settlement_amount) from ledger_entries group by 1, 2, 3
  `.execute(db);
  await sql`
    insert into campaign_givers (campaign_id, who, donations)
    select l.campaign_id, coalesce(d.donor_id::text, d.id::text), count(*)
    from (select campaign_id, donation_id from ledger_entries group by 1, 2 having sum(amount) > 0) l
    join donations d on d.id = l.donation_id
    group by 1, 2
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger ledger_entries_truncate_totals on ledger_entries`.execute(db);
  await sql`drop function campaign_totals_clear()`.execute(db);
  for (const [table] of notifiedTables) {
    await sql`drop trigger ${sql.id(`${table}_notify_change`)} on ${sql.table(table)}`.execute(db);
  }
  await sql`drop function notify_campaign_changed()`.execute(db);
  await sql`drop trigger donations_campaign_givers on donations`.execute(db);
  await sql`drop function campaign_givers_move()`.execute(db);
  await sql`drop trigger ledger_entries_campaign_totals on ledger_entries`.execute(db);
  await sql`drop function campaign_totals_add()`.execute(db);
  await db.schema.dropTable('campaign_givers').execute();
  await db.schema.dropTable('campaign_totals').execute();
}
