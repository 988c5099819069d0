// The card-testing brake's memory: declined attempts, and the hashed networks gifts were started from.
import { sql, type Insertable } from 'kysely';
import type { Db } from '../database';
import type { CardDeclineTable } from '../tables/card-declines.table';

/** Stores one decline unless its attempt is stored already; true when it was new. */
export async function insertCardDecline(db: Db, decline: Insertable<CardDeclineTable>): Promise<boolean> {
  const stored = await db.insertInto('card_declines').values(decline).onConflict((oc) => oc.column('attempt_id').doNothing()).returning('attempt_id').executeTakeFirst();
  return stored !== undefined;
}

const daysAgo = (days: number) => sql<Date>`now() - make_interval(days => ${days})`;

/** Forgets declines older than `days`; returns how many. */
export async function deleteDeclinesOlderThan(db: Db, days: number): Promise<number> {
  const deleted = await db.deleteFrom('card_declines').where('declined_at', '<', daysAgo(days)).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

/** Forgets the hashed network of gifts started more than `days` ago; returns how many gifts. */
export async function forgetNetworksOlderThan(db: Db, days: number): Promise<number> {
  const updated = await db.updateTable('donations').set({ client_ip_hash: null }).where('client_ip_hash', 'is not', null).where('created_at', '<', daysAgo(days)).executeTakeFirst();
  return Number(updated.numUpdatedRows);
}

export interface RecentDeclines {
  /** Small declines from this network, for this address, and across the site; and declines of any amount from this network. */
  smallIp: number;
  smallEmail: number;
  smallSite: number;
  anyIp: number;
}

/** Declines in the last `windowSeconds`, counted the ways the brake asks about; `email` is already trimmed and lower-cased. */
export async function countRecentDeclines(db: Db, attempt: { ipHash: string; email: string }, windowSeconds: number): Promise<RecentDeclines> {
  return db
    .selectFrom('card_declines as c')
    .innerJoin('donations as d', 'd.id', 'c.donation_id')
    .leftJoin('donors as p', 'p.id', 'd.donor_id')
    .where('c.declined_at', '>', sql<Date>`now() - make_interval(secs => ${windowSeconds})`)
    .select([
      sql<number>`(count(*) filter (where c.small and d.client_ip_hash = ${attempt.ipHash}))::int`.as('smallIp'),
      sql<number>`(count(*) filter (where c.small and lower(p.email) = ${attempt.email}))::int`.as('smallEmail'),
      sql<number>`(count(*) filter (where c.small))::int`.as('smallSite'),
      sql<number>`(count(*) filter (where d.client_ip_hash = ${attempt.ipHash}))::int`.as('anyIp'),
    ])
    .executeTakeFirstOrThrow();
}
