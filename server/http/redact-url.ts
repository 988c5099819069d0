// What a request's address may say in a log. Sign-in, password, receipt, unsubscribe and card links
// carry their secret in the path, and the thank-you page its Checkout Session in the query: whoever
// reads the log must not be able to follow them. A path segment shaped like one of our tokens, or
// like a Stripe object's id, is replaced; so is every query value but those known to be harmless.
const redacted = '[redacted]';

// The segment after one of these is always a secret (server/http/signed-links.ts, secret-tokens.ts).
const secretAfter = new Set(['sign-in', 'password', 'receipts', 'unsubscribe', 'update-card', 'stop-gift']);
const pages = new Set(['help']);
// Elsewhere, anything shaped like a secret: slugs and ids are lower case, while our tokens (43 base64url
// characters, or an id and a signature joined by a point) and Stripe's ids (cs_…, pi_…) carry capitals or underscores.
const secretSegment = /^[A-Za-z0-9_.-]{16,}$/;
const tokenish = (segment: string) => secretSegment.test(segment) && /[A-Z_]/.test(segment);

const harmlessQueryKeys = new Set(['lang', 'status', 'posted', 'from', 'to', 'after', 'page', 'campaign', 'currency', 'kind', 'saved', 'done', 'queued', 'recorded', 'corrected', 'refund', 'payout']);

export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const segments = path.split('/');
  const safePath = segments
    .map((segment, i) => ((secretAfter.has(segments[i - 1] ?? '') && !pages.has(segment)) || tokenish(segment) || (segment.includes('%') && segment.length >= 16) ? redacted : segment))
    .join('/');
  if (queryAt === -1) return safePath;
  const query = url
    .slice(queryAt + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals === -1) return pair.length > 40 ? redacted : pair;
      const key = pair.slice(0, equals);
      return harmlessQueryKeys.has(key) ? pair : `${key.length > 40 ? redacted : key}=${redacted}`;
    })
    .join('&');
  return `${safePath}?${query}`;
}
