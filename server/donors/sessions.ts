// Donor sessions, kept in Postgres like staff sessions: the cookie holds a random token, the table only its SHA-256.
import { sql } from 'kysely';
import type { Db } from '../database';
import { hashSecretToken, isSecretToken, newSecretToken } from '../http/secret-tokens';

export const donorSessionCookie = 'sf_donor';
export const donorSessionHours = 12;

export interface SignedInDonor {
  id: number;
  email: string;
  name: string | null;
  locale: string;
  impact_opt_out_at: Date | null;
}

export async function startDonorSession(db: Db, donorId: number, userAgent: string | undefined): Promise<string> {
  const token = newSecretToken();
  await db
    .insertInto('donor_sessions')
    .values({ token_hash: hashSecretToken(token), donor_id: donorId, expires_at: new Date(Date.now() + donorSessionHours * 3600_000), user_agent: userAgent?.slice(0, 300) ?? null })
    .execute();
  return token;
}

/** The donor a session token belongs to, while the session lasts. */
export async function donorForSession(db: Db, token: string): Promise<SignedInDonor | undefined> {
  if (!isSecretToken(token)) return undefined;
  return db
    .updateTable('donor_sessions')
    .set({ last_seen_at: sql`now()` })
    .from('donors')
    .whereRef('donors.id', '=', 'donor_sessions.donor_id')
    .where('donor_sessions.token_hash', '=', hashSecretToken(token))
    .where('donor_sessions.expires_at', '>', sql<Date>`now()`)
    .returning(['donors.id', 'donors.email', 'donors.name', 'donors.locale', 'donors.impact_opt_out_at'])
    .executeTakeFirst();
}

export async function endDonorSession(db: Db, token: string): Promise<void> {
  if (!isSecretToken(token)) return;
  await db.deleteFrom('donor_sessions').where('token_hash', '=', hashSecretToken(token)).execute();
}
