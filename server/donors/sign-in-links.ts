// Passwordless sign-in: a link emailed to the donor's own address, good once, for 30 minutes.
//
// The link goes out through the outbox like every other email to donors, so the request never waits on
// SMTP and a busy mail server is retried. The request does the same work for every address, known or
// not (one outbox row, one relay): whether the address gave is looked up only when the worker composes
// the email, so neither the answer nor its timing says who is a donor. The link is made then, with an id
// chosen at the request; its token is an HMAC of that id under SESSION_SECRET, so neither table holds a
// usable token and the composer can still write the link.
import { createHmac, randomUUID } from 'node:crypto';
import type { Db, Trx } from '../database';
import type { AppContext } from '../context';
import { withinRateLimit } from '../http/rate-limit';
import { hashSecretToken, isSecretToken } from '../http/secret-tokens';
import type { Locale } from '../locale';
import { oweRequestedEmail } from '../outbox/outbox';
import { askedWithin, forgetRequestedAddress } from '../outbox/outbox.repository';
import { findDonorByEmail, findLiveSignInLink, insertSignInLink, markSignInLinkUsed, signInLinkIsLive } from './account.repository';

export const linkMinutes = 30;

/**
 * Links asked per window for one address from one network, and from one network in all; counted whether
 * or not the address gave. Not per address alone: anyone can type a donor's address, and the donor must
 * still get a link.
 */
export const signInLimits = { perEmailAndNetwork: 5, perNetwork: 20, windowSeconds: 15 * 60 };


/** The token of a link: unguessable without SESSION_SECRET, and the same each time the email is composed. */
export function linkToken(secret: string, linkId: string): string {
  return createHmac('sha256', secret).update(`donor-sign-in:${linkId}`).digest('base64url');
}

export const normalEmail = (email: string) => email.trim().toLowerCase();

/** True while this address from this network, and this network, may ask for another link. */
export async function withinSignInLimits(ctx: Pick<AppContext, 'redis' | 'config'>, email: string, network: string): Promise<boolean> {
  const prefix = `${ctx.config.redisPrefix}:donor-sign-in`;
  const [byEmail, byNetwork] = await Promise.all([
    withinRateLimit(ctx.redis, `${prefix}:email:${hashSecretToken(`${normalEmail(email)} ${network}`)}`, signInLimits.perEmailAndNetwork, signInLimits.windowSeconds),
    withinRateLimit(ctx.redis, `${prefix}:network:${network}`, signInLimits.perNetwork, signInLimits.windowSeconds),
  ]);
  return byEmail && byNetwork;
}

/** Owes a sign-in email to this address, the same for every address (see above). */
export async function requestSignInLink(ctx: Pick<AppContext, 'db' | 'queues' | 'config' | 'logger'>, email: string, locale: Locale): Promise<void> {
  const linkId = randomUUID();
  await oweRequestedEmail(ctx, 'sign_in_link', `sign-in-${linkId}`, { linkId, email: normalEmail(email), locale });
}

/**
 * When the email is composed: the link for a request, made now if the address belongs to a donor, or
 * undefined when there is nothing to send (nobody's address, a request older than a link lives, or a
 * link already used). A request for nobody's address forgets the address.
 */
export async function linkToSend(trx: Trx, db: Db, secret: string, request: { outboxId: number; linkId: string; email: string }) {
  const donor = await findDonorByEmail(trx, normalEmail(request.email));
  if (!donor) {
    await forgetRequestedAddress(trx, request.outboxId);
    return undefined;
  }
  if (await askedWithin(trx, request.outboxId, linkMinutes)) {
    // Committed on its own before the email leaves (the send's transaction commits only after the mail
    // server has taken it): a donor who opens the link at once must find it.
    await insertSignInLink(db, { id: request.linkId, tokenHash: hashSecretToken(linkToken(secret, request.linkId)), donorId: donor.id, minutes: linkMinutes });
  }
  const link = await findLiveSignInLink(trx, request.linkId);
  return link && { id: link.id, email: donor.email };
}

export async function signInLinkIsValid(db: Db, token: string): Promise<boolean> {
  return isSecretToken(token) && (await signInLinkIsLive(db, hashSecretToken(token)));
}

/** Uses up a link: the donor it signs in, or undefined when it is unknown, used or expired. */
export async function useSignInLink(db: Db, token: string): Promise<number | undefined> {
  if (!isSecretToken(token)) return undefined;
  return markSignInLinkUsed(db, hashSecretToken(token));
}
