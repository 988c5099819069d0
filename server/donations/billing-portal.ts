// Stripe's billing portal, where a donor with a regular gift puts in a new card.
import type Stripe from 'stripe';
import type { Locale } from '../locale';
import type { Logger } from '../logger';
import { idOf } from '../stripe/ids';
import { stripeLocale } from '../stripe/locale';

/** How we know our own portal configuration among the account's others. */
export const portalConfigurationMetadata = { smilefund: 'card-update' } as const;

export interface PortalSettings {
  /** Where the portal sends a donor back when a session names no return URL: their account. */
  defaultReturnUrl: string;
  /** The organisation's privacy policy, shown in the portal when we have one. */
  privacyPolicyUrl?: string;
}

const ours = (configuration: Stripe.BillingPortal.Configuration) => configuration.active && configuration.metadata?.smilefund === portalConfigurationMetadata.smilefund;

/**
 * The configuration our portal sessions use: ours (found by its metadata), else the account's default when it
 * lets a card be updated, else ours made now. Card updates on; cancelling on too, at once and without
 * proration, since donors may already stop a regular gift themselves in their account and by the link in
 * our emails (server/donors/plan.routes.ts, stop-gift.routes.ts): the portal offers nothing they cannot do here.
 */
export async function findOrCreatePortalConfiguration(stripe: Stripe, settings: PortalSettings): Promise<Stripe.BillingPortal.Configuration> {
  const active = await stripe.billingPortal.configurations.list({ active: true, limit: 100 });
  const own = active.data.find(ours);
  if (own) return own;
  const fallback = active.data.find((configuration) => configuration.is_default && configuration.features.payment_method_update.enabled);
  if (fallback) return fallback;
  return stripe.billingPortal.configurations.create(
    {
      features: {
        payment_method_update: { enabled: true },
        subscription_cancel: { enabled: true, mode: 'immediately', proration_behavior: 'none' },
      },
      business_profile: settings.privacyPolicyUrl ? { privacy_policy_url: settings.privacyPolicyUrl } : {},
      default_return_url: settings.defaultReturnUrl,
      // No idempotency key: two web processes starting at once may make two, which is harmless (the first is
      // used from then on), whereas a key replayed within Stripe's day would hand back one since deactivated.
      metadata: { ...portalConfigurationMetadata },
    },
  );
}

/** Per Stripe client (one per process): what the start asked for, and the configuration's id once known. */
const prepared = new WeakMap<Stripe, { settings: PortalSettings; id: Promise<string | undefined> }>();

/**
 * Called once as the web process starts: makes sure the portal has a configuration, and remembers it for the
 * sessions. Stripe refuses portal sessions until one exists. When Stripe cannot be asked (unreachable, a
 * key without permission), it says so and goes on; the first donor to need the portal has it tried again.
 */
export function preparePortalConfiguration(stripe: Stripe, settings: PortalSettings, logger: Pick<Logger, 'info' | 'warn'>): Promise<string | undefined> {
  const id = findOrCreatePortalConfiguration(stripe, settings).then(
    (configuration) => {
      logger.info({ configuration: configuration.id, isDefault: configuration.is_default }, 'billing portal: configuration ready');
      return configuration.id;
    },
    (error: unknown) => {
      logger.warn(
        { err: error },
        'billing portal: could not find or create its configuration at Stripe (unreachable, or the key may not manage billing portal configurations); Stripe refuses card-update sessions until one exists. Tried again when a donor asks.',
      );
      return undefined;
    },
  );
  prepared.set(stripe, { settings, id });
  return id;
}

async function configurationFor(stripe: Stripe): Promise<string | undefined> {
  const start = prepared.get(stripe);
  if (!start) return undefined;
  const known = await start.id;
  if (known) return known;
  // Not ready at start: asked once more now. If Stripe still cannot say, the session names none and Stripe
  // uses its default configuration, or refuses as before.
  const found = (await findOrCreatePortalConfiguration(stripe, start.settings).catch(() => undefined))?.id;
  if (found) prepared.set(stripe, { settings: start.settings, id: Promise.resolve(found) });
  return found;
}

/**
 * A fresh portal session on the card-update page for one subscription, returning to `returnUrl`; made on
 * each click, since portal links expire within minutes and an email may be opened days later. Without a
 * locale, Stripe follows the browser's language.
 */
export async function cardUpdatePortalUrl(stripe: Stripe, subscriptionId: string, returnUrl: string, locale?: Locale): Promise<string> {
  // The subscription's own customer: a donor who also gave once may have another customer at Stripe.
  const [subscription, configuration] = await Promise.all([stripe.subscriptions.retrieve(subscriptionId), configurationFor(stripe)]);
  const session = await stripe.billingPortal.sessions.create({
    customer: idOf(subscription.customer),
    return_url: returnUrl,
    ...(configuration ? { configuration } : {}),
    ...(locale ? { locale: stripeLocale(locale) } : {}),
    flow_data: { type: 'payment_method_update', after_completion: { type: 'redirect', redirect: { return_url: returnUrl } } },
  });
  return session.url;
}
