// CSRF for an area's forms (the staff area, the donor account): a random value in a SameSite=Strict
// cookie scoped to the area, and in every form an HMAC of it and of the area's session cookie that only
// our pages can know. A POST without the matching token changes nothing. Signing in or out renews the
// value, and a token is good only beside the session it was shown to: one planted before sign-in, or
// read from another session, is refused.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from './errors';
import { say } from './language';

export interface FormProtection {
  secret: string;
  secure: boolean;
  /** The cookie's name and path, one pair per area: `sf_account_csrf` on `/account`. */
  cookieName: string;
  path: string;
  /** The area's session cookie, to which every token is bound. */
  sessionCookie: string;
}

function tokenFor(secret: string, value: string, session: string): string {
  return createHmac('sha256', secret).update(`csrf:${value}:${session}`).digest('base64url');
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(req: Request, name: string): string {
  const value = req.cookies?.[name];
  return typeof value === 'string' ? value : '';
}

/** A fresh random value for the area's cookie, at sign-in and sign-out; returns it for the same response. */
export function renewFormProtection(res: Response, { secure, cookieName, path }: FormProtection): string {
  const value = randomBytes(24).toString('base64url');
  res.cookie(cookieName, value, { httpOnly: true, sameSite: 'strict', secure, path });
  return value;
}

/** Needs cookie-parser and a form body parser before it; sets res.locals.csrfToken for the page's forms. */
export function formProtection(options: FormProtection): RequestHandler {
  const { secret, cookieName, sessionCookie } = options;
  return (req, res, next) => {
    let value = cookieValue(req, cookieName);
    if (!/^[A-Za-z0-9_-]{32}$/.test(value)) value = renewFormProtection(res, options);
    const expected = tokenFor(secret, value, cookieValue(req, sessionCookie));
    res.locals.csrfToken = expected;
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const field = req.body?._csrf;
    const given = typeof field === 'string' ? field : (req.get('x-csrf-token') ?? '');
    if (!sameToken(given, expected)) return next(new AppError(403, 'csrf_failed', say(res, 'errors.csrfFailed')));
    next();
  };
}
