// Stripe's API operations as its rate limits count them: every `GET /v1/payment_intents/{id}` against one limit.

/**
 * `GET /v1/payment_intents/{id}` from `GET /v1/payment_intents/pi_3Abc?expand[]=latest_charge`. Beside the
 * version (v1), Stripe's resource and action names are lowercase words joined by underscores; its ids always
 * carry digits or capitals, so every other segment is an id (and a label never grows with the number of payments).
 */
export function stripeOperation(method: string, path: string): string {
  const segments = path.split('?')[0]!.split('/').map((segment) => (segment === '' || /^([a-z]+(_[a-z]+)*|v\d+)$/.test(segment) ? segment : '{id}'));
  return `${method.toUpperCase()} ${segments.join('/')}`;
}
