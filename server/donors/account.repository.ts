// Getting into the donor account: sign-in links and sessions, each stored by the SHA-256 of its token.
import { sql } from 'kysely';
import type { Db } from '../database';

export function findDonorByEmail(db: Db, email: string) {
  return db.selectFrom('donors').select(['id', 'email']).where(sql<string>`lower(email)`, '=', email).executeTakeFirst();
}

/** The link for a request, once: a second composition of the same email finds the first link. */
export async function insertSignInLink(db: Db, link: { id: string; tokenHash: string; donorId: number; minutes: number }): Promise<void> {
  await db
    .insertInto('donor_sign_in_links')
    .values({ id: link.id, token_hash: link.tokenHash, donor_id: link.donorId, expires_at: sql<Date>`now() + make_interval(mins => ${link.minutes})` })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function findLiveSignInLink(db: Db, linkId: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('donor_sign_in_links').select('id').where('id', '=', linkId).where('used_at', 'is', null).where('expires_at', '>', sql<Date>`now()`).executeTakeFirst();
}

export async function signInLinkIsLive(db: Db, tokenHash: string): Promise<boolean> {
  const live = await db.selectFrom('donor_sign_in_links').select('id').where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('expires_at', '>', sql<Date>`now()`).executeTakeFirst();
  return live !== undefined;
}

/** Marks an unused, unexpired link used: the donor it signs in, or undefined. */
export async function markSignInLinkUsed(db: Db, tokenHash: string): Promise<number | undefined> {
  const row = await db
    .updateTable('donor_sign_in_links')
    .set({ used_at: sql`now()` })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('donor_id')
    .executeTakeFirst();
  return row?.donor_id;
}

export async function insertDonorSession(db: Db, session: { tokenHash: string; donorId: number; expiresAt: Date; userAgent: string | null }): Promise<void> {
  await db.insertInto('donor_sessions').values({ token_hash: session.tokenHash, donor_id: session.donorId, expires_at: session.expiresAt, user_agent: session.userAgent }).execute();
}

/** The donor a live session belongs to; the session is marked as seen now. */
export function touchDonorSession(db: Db, tokenHash: string) {
  return db
    .updateTable('donor_sessions')
    .set({ last_seen_at: sql`now()` })
    .from('donors')
    .whereRef('donors.id', '=', 'donor_sessions.donor_id')
    .where('donor_sessions.token_hash', '=', tokenHash)
    .where('donor_sessions.expires_at', '>', sql<Date>`now()`)
    .returning(['donors.id', 'donors.email', 'donors.name', 'donors.locale'])
    .executeTakeFirst();
}

export async function deleteDonorSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('donor_sessions').where('token_hash', '=', tokenHash).execute();
}
