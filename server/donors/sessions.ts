// Donor sessions, kept in Postgres like staff sessions: the cookie holds a random token, the table only its SHA-256.
import type { Db } from '../database';
import { hashSecretToken, isSecretToken, newSecretToken } from '../http/secret-tokens';
import { deleteDonorSession, insertDonorSession, touchDonorSession } from './account.repository';

export const donorSessionCookie = 'sf_donor';
export const donorSessionHours = 12;

export interface SignedInDonor {
  id: number;
  email: string;
  name: string | null;
  locale: string;
}

export async function startDonorSession(db: Db, donorId: number, userAgent: string | undefined): Promise<string> {
  const token = newSecretToken();
  await insertDonorSession(db, { tokenHash: hashSecretToken(token), donorId, expiresAt: new Date(Date.now() + donorSessionHours * 3600_000), userAgent: userAgent?.slice(0, 300) ?? null });
  return token;
}

/** The donor a session token belongs to, while the session lasts. */
export async function donorForSession(db: Db, token: string): Promise<SignedInDonor | undefined> {
  if (!isSecretToken(token)) return undefined;
  return touchDonorSession(db, hashSecretToken(token));
}

export async function endDonorSession(db: Db, token: string): Promise<void> {
  if (!isSecretToken(token)) return;
  await deleteDonorSession(db, hashSecretToken(token));
}
