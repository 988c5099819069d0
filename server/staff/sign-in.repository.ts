// The sign-in brakes (staff/sign-in.ts says why): per account and network in staff_sign_in_networks, and
// the account's own count of failures from unknown networks in staff_members.
import { sql } from 'kysely';
import type { Db } from '../database';

export interface Brake {
  failures: number;
  minutes: number;
}

// An attempt counted against a brake that allows `failures` before locking for `minutes`: the count, and the lock it may set.
const nextCount = (counter: string, { failures }: Brake) => sql<number>`case when ${sql.ref(counter)} + 1 >= ${failures} then 0 else ${sql.ref(counter)} + 1 end`;
const lockAfter = (counter: string, { failures, minutes }: Brake) =>
  sql<Date | null>`case when ${sql.ref(counter)} + 1 >= ${failures} then now() + make_interval(mins => ${minutes}) else null end`;
const isOpen = sql<boolean>`(locked_until is null or locked_until <= now())`;

/**
 * Counts an attempt from this network while its brake is open, atomically: undefined when it is locked,
 * else whether the person has signed in from it before.
 */
export async function countNetworkAttempt(db: Db, staffId: number, network: string, brake: Brake): Promise<{ known: boolean } | undefined> {
  await db.insertInto('staff_sign_in_networks').values({ staff_id: staffId, network }).onConflict((oc) => oc.doNothing()).execute();
  const claimed = await db
    .updateTable('staff_sign_in_networks')
    .set({ failures: nextCount('failures', brake), locked_until: lockAfter('failures', brake), updated_at: sql`now()` })
    .where('staff_id', '=', staffId)
    .where('network', '=', network)
    .where(isOpen)
    .returning('signed_in_at')
    .executeTakeFirst();
  return claimed && { known: claimed.signed_in_at !== null };
}

export async function isKnownNetwork(db: Db, staffId: number, network: string): Promise<boolean> {
  const row = await db.selectFrom('staff_sign_in_networks').select('signed_in_at').where('staff_id', '=', staffId).where('network', '=', network).executeTakeFirst();
  return row?.signed_in_at != null;
}

/** Counts an attempt from a network the person has never used while the account's brake is open; false when locked. */
export async function countUnknownNetworkAttempt(db: Db, staffId: number, brake: Brake): Promise<boolean> {
  const claimed = await db
    .updateTable('staff_members')
    .set({ failed_sign_ins: nextCount('failed_sign_ins', brake), locked_until: lockAfter('failed_sign_ins', brake) })
    .where('id', '=', staffId)
    .where(isOpen)
    .returning('id')
    .executeTakeFirst();
  return claimed !== undefined;
}

/** The right password was given from this network: its brake and the account's are released, and the network is known. */
export async function markNetworkSignedIn(db: Db, staffId: number, network: string): Promise<void> {
  await db
    .insertInto('staff_sign_in_networks')
    .values({ staff_id: staffId, network, signed_in_at: sql`now()` })
    .onConflict((oc) => oc.columns(['staff_id', 'network']).doUpdateSet({ failures: 0, locked_until: null, signed_in_at: sql`now()`, updated_at: sql`now()` }))
    .execute();
  await db.updateTable('staff_members').set({ failed_sign_ins: 0, locked_until: null }).where('id', '=', staffId).execute();
}
