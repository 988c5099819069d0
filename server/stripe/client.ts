// The one place a Stripe client is made: real Stripe, or any host STRIPE_API_URL names (the local emulator).
import Stripe from 'stripe';
import type { ReadyConfig } from '../config';

export function createStripeClient({ secretKey, apiUrl }: ReadyConfig['stripe']): Stripe {
  const options: Stripe.StripeConfig = { maxNetworkRetries: 2, timeout: 20_000, appInfo: { name: 'Smilefund' } };
  if (apiUrl) {
    const url = new URL(apiUrl);
    const protocol = url.protocol === 'https:' ? 'https' : 'http';
    Object.assign(options, { host: url.hostname, port: Number(url.port || (protocol === 'https' ? 443 : 80)), protocol });
  }
  return new Stripe(secretKey, options);
}
