// CSRF for an area's forms (the staff area, the donor account): a random value in a SameSite=Strict
// cookie scoped to the area, and in every form an HMAC of it that only our pages can know. A POST
// without the matching token changes nothing.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from './errors';

export interface FormProtection {
  secret: string;
  secure: boolean;
  /** The cookie's name and path, one pair per area: `sf_account_csrf` on `/account`. */
  cookieName: string;
  path: string;
}

// Areas stay apart by their cookies, each holding its own random value.
function tokenFor(secret: string, value: string): string {
  return createHmac('sha256', secret).update(`csrf:${value}`).digest('base64url');
}

/** Needs cookie-parser and a form body parser before it; sets res.locals.csrfToken for the page's forms. */
export function formProtection({ secret, secure, cookieName, path }: FormProtection): RequestHandler {
  return (req, res, next) => {
    let value = req.cookies?.[cookieName];
    if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{32}$/.test(value)) {
      value = randomBytes(24).toString('base64url');
      res.cookie(cookieName, value, { httpOnly: true, sameSite: 'strict', secure, path });
    }
    const expected = tokenFor(secret, value);
    res.locals.csrfToken = expected;
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const given = typeof req.body?._csrf === 'string' ? req.body._csrf : (req.get('x-csrf-token') ?? '');
    const ok = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    if (!ok) return next(new AppError(403, 'csrf_failed', 'This form has expired or did not come from our site. Please go back, reload the page and try again.'));
    next();
  };
}
