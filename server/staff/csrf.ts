// CSRF: a random value in a SameSite=Strict cookie, and in every staff form an HMAC of it that only
// our pages can know. A POST without the matching token changes nothing.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../http/errors';

const cookieName = 'sf_csrf';

function tokenFor(secret: string, value: string): string {
  return createHmac('sha256', secret).update(`csrf:${value}`).digest('base64url');
}

export function csrfProtection(secret: string, secure: boolean): RequestHandler {
  return (req, res, next) => {
    let value = req.cookies?.[cookieName];
    if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{32}$/.test(value)) {
      value = randomBytes(24).toString('base64url');
      res.cookie(cookieName, value, { httpOnly: true, sameSite: 'strict', secure, path: '/staff' });
    }
    const expected = tokenFor(secret, value);
    res.locals.csrfToken = expected;
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const given = typeof req.body?._csrf === 'string' ? req.body._csrf : req.get('x-csrf-token') ?? '';
    const ok = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    if (!ok) return next(new AppError(403, 'csrf_failed', 'This form has expired or did not come from our site. Please go back, reload the page and try again.'));
    next();
  };
}
