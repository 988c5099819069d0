// Passwordless sign-in: a link emailed to the donor's own address, good once, for 30 minutes.
//
// The link goes out through the outbox like every other email to donors, so the request never waits on
// SMTP (a known address would answer slower than an unknown one) and a busy mail server is retried.
// The outbox row carries only the link's id; its token is an HMAC of that id under SESSION_SECRET, so
// neither table holds a usable token and the composer can still write the link.
import { createHmac, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/index';
import type { AppContext } from '../context';
import { withinRateLimit } from '../http/rate-limit';
import { hashSecretToken, isSecretToken } from '../http/secret-tokens';
import type { Locale } from '../locale';
import { oweEmail } from '../receipts/issue';
import { relayOutbox } from '../receipts/outbox';

export const linkMinutes = 30;

/** Links asked for one address, and from one network, per window; counted whether or not the address gave. */
export const signInLimits = { perEmail: 5, perIp: 20, windowSeconds: 15 * 60 };


/** The token of a link: unguessable without SESSION_SECRET, and the same each time the email is composed. */
export function linkToken(secret: string, linkId: string): string {
  return createHmac('sha256', secret).update(`donor-sign-in:${linkId}`).digest('base64url');
}

export const normalEmail = (email: string) => email.trim().toLowerCase();

/** True while this address and this network may ask for another link. */
export async function withinSignInLimits(ctx: Pick<AppContext, 'redis' | 'config'>, email: string, ip: string): Promise<boolean> {
  const prefix = `${ctx.config.redisPrefix}:donor-sign-in`;
  const [byEmail, byIp] = await Promise.all([
    withinRateLimit(ctx.redis, `${prefix}:email:${hashSecretToken(normalEmail(email))}`, signInLimits.perEmail, signInLimits.windowSeconds),
    withinRateLimit(ctx.redis, `${prefix}:ip:${ip}`, signInLimits.perIp, signInLimits.windowSeconds),
  ]);
  return byEmail && byIp;
}

/**
 * Owes a sign-in email when the address belongs to a donor; does nothing otherwise. The caller answers
 * the same either way, so the page never tells who gave.
 */
export async function requestSignInLink(ctx: Pick<AppContext, 'db' | 'queues' | 'config' | 'logger'>, email: string, locale: Locale): Promise<void> {
  const owed = await ctx.db.transaction().execute(async (trx) => {
    const donor = await trx.selectFrom('donors').select('id').where(sql`lower(email)`, '=', normalEmail(email)).executeTakeFirst();
    if (!donor) return false;
    const linkId = randomUUID();
    await trx
      .insertInto('donor_sign_in_links')
      .values({ id: linkId, token_hash: hashSecretToken(linkToken(ctx.config.sessionSecret, linkId)), donor_id: donor.id, expires_at: sql<Date>`now() + make_interval(mins => ${linkMinutes})` })
      .execute();
    await oweEmail(trx, 'sign_in_link', `sign-in-${linkId}`, { linkId, locale });
    return true;
  });
  // Not awaited: the answer must not wait on Redis for a known address only. The relay chore catches up if this fails.
  if (owed) void relayOutbox(ctx).catch((error: unknown) => ctx.logger.warn({ err: error }, 'outbox: relay deferred'));
}

/** A link still worth emailing: unused and unexpired, with the donor's address. */
export async function linkToSend(db: Db, linkId: string) {
  return db
    .selectFrom('donor_sign_in_links')
    .innerJoin('donors', 'donors.id', 'donor_sign_in_links.donor_id')
    .select(['donor_sign_in_links.id', 'donor_sign_in_links.expires_at', 'donors.email'])
    .where('donor_sign_in_links.id', '=', linkId)
    .where('donor_sign_in_links.used_at', 'is', null)
    .where('donor_sign_in_links.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

export async function signInLinkIsValid(db: Db, token: string): Promise<boolean> {
  if (!isSecretToken(token)) return false;
  const row = await db
    .selectFrom('donor_sign_in_links')
    .select('id')
    .where('token_hash', '=', hashSecretToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row !== undefined;
}

/** Uses up a link: the donor it signs in, or undefined when it is unknown, used or expired. */
export async function useSignInLink(db: Db, token: string): Promise<number | undefined> {
  if (!isSecretToken(token)) return undefined;
  const row = await db
    .updateTable('donor_sign_in_links')
    .set({ used_at: sql`now()` })
    .where('token_hash', '=', hashSecretToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('donor_id')
    .executeTakeFirst();
  return row?.donor_id;
}
