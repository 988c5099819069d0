// How many Stripe calls a second the platform allows itself (STRIPE_RATE_LIMITS, STRIPE_RATE_SHARE): Stripe's
// limits as the account has them, at the share the operator leaves us, with a part of the global limit kept for donors.

/** Stripe's limits for the account, in requests a second (docs.stripe.com/rate-limits). */
export interface StripeRateLimits {
  global: number;
  /** For each operation not named in `operations`. */
  perOperation: number;
  /** Limits Stripe raised for single operations, e.g. { 'POST /v1/checkout/sessions': 100 }. */
  operations: Record<string, number>;
  /** Of the global limit, what background work never takes; unset, as much as Checkout's own limit (at most half). */
  donorReserve?: number;
}

/** What every process together draws from, a second: Stripe's limits scaled down by the share. */
export interface StripeBudgetLimits {
  global: number;
  perOperation: number;
  operations: Record<string, number>;
  /**
   * Background calls among them take at most `global - donorReserve` a second, and whatever donors leave of
   * `global` up to that; donors' sessions may take all of `global`, so at least `donorReserve` is always theirs.
   */
  donorReserve: number;
}

export const stripeDefaultLimits: Record<'live' | 'sandbox', StripeRateLimits> = {
  live: { global: 100, perOperation: 25, operations: {} },
  sandbox: { global: 25, perOperation: 25, operations: {} },
};

/** The calls a donor waits on: their Checkout Session and their Billing Portal session. */
export const donorOperations: ReadonlySet<string> = new Set(['POST /v1/checkout/sessions', 'POST /v1/billing_portal/sessions']);

/**
 * `live`, `sandbox`, or `global:100,op:25,POST /v1/checkout/sessions:100,reserve:30` (live's values for what
 * is left out): the format of the emulator's STRIPE_EMULATOR_LIMITS, plus the donors' reserve. Throws a
 * sentence saying what is wrong.
 */
export function parseStripeRateLimits(text: string): StripeRateLimits {
  const trimmed = text.trim();
  if (trimmed === 'live' || trimmed === 'sandbox') return { ...stripeDefaultLimits[trimmed], operations: {} };
  const limits: StripeRateLimits = { ...stripeDefaultLimits.live, operations: {} };
  for (const part of trimmed.split(',')) {
    const colon = part.lastIndexOf(':');
    const key = part.slice(0, colon).trim();
    const valueText = part.slice(colon + 1).trim();
    const value = Number(valueText);
    if (colon < 0 || valueText === '' || !Number.isInteger(value) || value < 1 || value > 100_000) {
      throw new Error(`"${part.trim()}" needs a whole number of requests a second after the colon, 1 to 100000`);
    }
    if (key === 'global') limits.global = value;
    else if (key === 'op') limits.perOperation = value;
    else if (key === 'reserve') limits.donorReserve = value;
    else if (/^(GET|POST|DELETE) \/v1\/[a-z_/{}]+$/.test(key)) limits.operations[key] = value;
    else throw new Error(`"${part.trim()}" is none of live, sandbox, global:N, op:N, reserve:N, "POST /v1/…:N"`);
  }
  return limits;
}

/** The budget for `limits` when the platform uses `sharePercent` of each, so that clocks a little apart never tip Stripe over. */
export function stripeBudgetFor(limits: StripeRateLimits, sharePercent: number): StripeBudgetLimits {
  const share = (limit: number) => Math.max(1, Math.floor((limit * sharePercent) / 100));
  const global = share(limits.global);
  const checkout = share(limits.operations['POST /v1/checkout/sessions'] ?? limits.perOperation);
  // Background work must keep at least one call a second, or no gift would ever be recorded.
  const reserve = Math.min(limits.donorReserve === undefined ? Math.min(checkout, Math.floor(global / 2)) : share(limits.donorReserve), global - 1);
  return {
    global,
    perOperation: share(limits.perOperation),
    operations: Object.fromEntries(Object.entries(limits.operations).map(([operation, limit]) => [operation, share(limit)])),
    donorReserve: Math.max(0, reserve),
  };
}

/**
 * Live mode's limits at the default share (STRIPE_RATE_SHARE's 100 %): the budget's window of 1.1 s, against
 * Stripe's second, is the headroom (25 Checkout Sessions per 1.1 s is 22.7 a second, where 90 % made it 20).
 */
export const defaultStripeBudget: StripeBudgetLimits = stripeBudgetFor(stripeDefaultLimits.live, 100);
