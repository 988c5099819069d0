// The billing portal: its configurations (what a customer may do there), and sessions, each a link to the
// emulator's page where a donor replaces the card on file. As at Stripe, no session is made until a
// configuration exists: the default one, saved in the Dashboard (here /_emulator/billing_portal/default_configuration),
// or one the session names.
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Account } from './account';
import { checkoutLocales } from './checkout';
import { invalidRequest, noSuch } from './errors';
import { sample } from './fixtures';
import { requestOf } from './http';
import { newId } from './ids';
import { listParams, paginate } from './lists';
import { boolean, expand, mergeMetadata, metadata, parseParams, text } from './params';
import { respond } from './responses';

/** Stripe's own words when an account has never saved its portal settings. */
export const noPortalConfiguration =
  'You can’t create a portal session in test mode until you save your customer portal settings in test mode at https://dashboard.stripe.com/test/settings/billing/portal.';

const emptyable = (schema: z.ZodType<string>) => z.preprocess((value) => (value === '' ? null : value), schema.nullable());
const enabled = z.strictObject({ enabled: boolean });
const features = z.strictObject({
  customer_update: z.strictObject({ enabled: boolean, allowed_updates: z.union([z.array(z.enum(['address', 'email', 'name', 'phone', 'shipping', 'tax_id'])), z.literal('')]).optional() }).optional(),
  invoice_history: enabled.optional(),
  payment_method_update: z.strictObject({ enabled: boolean, payment_method_configuration: emptyable(text).optional() }).optional(),
  subscription_cancel: z
    .strictObject({
      enabled: boolean,
      mode: z.enum(['at_period_end', 'immediately']).optional(),
      proration_behavior: z.enum(['always_invoice', 'create_prorations', 'none']).optional(),
    })
    .optional(),
  subscription_pause: z.strictObject({ enabled: boolean.optional() }).optional(),
});
const businessProfile = z.strictObject({ headline: emptyable(text).optional(), privacy_policy_url: text.optional(), terms_of_service_url: text.optional() });
const createConfigurationParams = z.strictObject({
  features,
  business_profile: businessProfile.optional(),
  default_return_url: emptyable(text).optional(),
  login_page: enabled.optional(),
  metadata: metadata.optional(),
  name: emptyable(text).optional(),
  expand,
});
const updateConfigurationParams = createConfigurationParams.extend({ features: features.optional(), active: boolean.optional() });
const listConfigurationsParams = listParams({ active: boolean.optional(), is_default: boolean.optional() });
type ConfigurationParams = z.output<typeof updateConfigurationParams>;

function blankConfiguration(account: Account, isDefault: boolean): Stripe.BillingPortal.Configuration {
  const now = account.store.now();
  return {
    id: newId('bpc'),
    object: 'billing_portal.configuration',
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    created: now,
    default_return_url: null,
    features: {
      customer_update: { allowed_updates: [], enabled: false },
      invoice_history: { enabled: false },
      payment_method_update: { enabled: false, payment_method_configuration: null },
      subscription_cancel: {
        cancellation_reason: { enabled: false, options: [] },
        enabled: false,
        mode: 'at_period_end',
        proration_behavior: 'none',
      },
      subscription_pause: { enabled: false },
      subscription_update: {
        billing_cycle_anchor: null,
        default_allowed_updates: [],
        enabled: false,
        products: null,
        proration_behavior: 'none',
        schedule_at_period_end: { conditions: [] },
        trial_update_behavior: 'end_trial',
      },
    } as unknown as Stripe.BillingPortal.Configuration.Features,
    is_default: isDefault,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: {},
    name: null,
    updated: now,
  };
}

/** Sets what the parameters name and leaves the rest, as Stripe's update does. */
function applyConfiguration(account: Account, configuration: Stripe.BillingPortal.Configuration, params: ConfigurationParams): void {
  const { features: wanted } = configuration;
  const asked = params.features;
  if (asked?.customer_update) {
    wanted.customer_update.enabled = asked.customer_update.enabled;
    if (asked.customer_update.allowed_updates !== undefined) wanted.customer_update.allowed_updates = asked.customer_update.allowed_updates || [];
  }
  if (asked?.invoice_history) wanted.invoice_history.enabled = asked.invoice_history.enabled;
  if (asked?.payment_method_update) {
    wanted.payment_method_update.enabled = asked.payment_method_update.enabled;
    if (asked.payment_method_update.payment_method_configuration !== undefined) wanted.payment_method_update.payment_method_configuration = asked.payment_method_update.payment_method_configuration;
  }
  if (asked?.subscription_cancel) {
    const { enabled: on, mode, proration_behavior } = asked.subscription_cancel;
    Object.assign(wanted.subscription_cancel, { enabled: on, ...(mode ? { mode } : {}), ...(proration_behavior ? { proration_behavior } : {}) });
  }
  if (asked?.subscription_pause?.enabled !== undefined) wanted.subscription_pause.enabled = asked.subscription_pause.enabled;
  if (params.business_profile) {
    const profile = params.business_profile;
    Object.assign(configuration.business_profile, {
      ...(profile.headline !== undefined ? { headline: profile.headline } : {}),
      ...(profile.privacy_policy_url !== undefined ? { privacy_policy_url: profile.privacy_policy_url } : {}),
      ...(profile.terms_of_service_url !== undefined ? { terms_of_service_url: profile.terms_of_service_url } : {}),
    });
  }
  if (params.default_return_url !== undefined) configuration.default_return_url = params.default_return_url;
  if (params.login_page) configuration.login_page = { enabled: params.login_page.enabled, url: params.login_page.enabled ? `${account.url}/billing/login/${configuration.id}` : null };
  if (params.metadata) configuration.metadata = mergeMetadata(configuration.metadata, params.metadata);
  if (params.name !== undefined) configuration.name = params.name;
  if (params.active !== undefined) {
    if (!params.active && configuration.is_default) throw invalidRequest('You can’t deactivate the default configuration.', { param: 'active' });
    configuration.active = params.active;
  }
  configuration.updated = account.store.now();
}

function refuseInvalid(configuration: Stripe.BillingPortal.Configuration): void {
  const { features: on } = configuration;
  const anything = on.customer_update.enabled || on.invoice_history.enabled || on.payment_method_update.enabled || on.subscription_cancel.enabled || on.subscription_pause.enabled || on.subscription_update.enabled;
  if (!anything) throw invalidRequest('At least one feature must be enabled in the portal configuration.', { param: 'features' });
}

export function createPortalConfiguration(account: Account, params: ConfigurationParams, isDefault = false): Stripe.BillingPortal.Configuration {
  const configuration = blankConfiguration(account, isDefault);
  applyConfiguration(account, configuration, params);
  refuseInvalid(configuration);
  account.store.insert(configuration);
  account.emit('billing_portal.configuration.created', configuration);
  return configuration;
}

/** The configuration a session uses: the one it names (which must be active), else the default; Stripe's error when there is neither. */
function configurationFor(account: Account, id: string | undefined): Stripe.BillingPortal.Configuration {
  if (id) {
    const named = account.store.find('billing_portal.configuration', id);
    if (!named) throw noSuch('billing portal configuration', id, 'configuration');
    if (!named.active) throw invalidRequest(`The configuration ${id} is not active.`, { param: 'configuration' });
    return named;
  }
  const fallback = account.store.all('billing_portal.configuration').find((configuration) => configuration.is_default);
  if (!fallback) throw invalidRequest(noPortalConfiguration);
  return fallback;
}

const portalLocales = [...checkoutLocales, 'en-AU', 'en-CA', 'en-IE', 'en-IN', 'en-NZ', 'en-SG'] as const;

const createParams = z.strictObject({
  customer: text,
  return_url: text.optional(),
  locale: z.enum(portalLocales).optional(),
  configuration: text.optional(),
  flow_data: z
    .strictObject({
      type: z.enum(['payment_method_update']),
      after_completion: z
        .strictObject({ type: z.enum(['hosted_confirmation', 'portal_homepage', 'redirect']), redirect: z.strictObject({ return_url: text }).optional() })
        .optional(),
    })
    .optional(),
  expand,
});
type CreateParams = z.output<typeof createParams>;

function flowOf(params: CreateParams): Stripe.BillingPortal.Session.Flow | null {
  if (!params.flow_data) return null;
  const after = params.flow_data.after_completion;
  return {
    type: params.flow_data.type,
    after_completion: {
      type: after?.type ?? 'portal_homepage',
      hosted_confirmation: after?.type === 'hosted_confirmation' ? { custom_message: null } : null,
      redirect: after?.redirect ? { return_url: after.redirect.return_url } : null,
    },
    customer_update: null,
    subscription_cancel: null,
    subscription_pause: null,
    subscription_update: null,
    subscription_update_confirm: null,
  } as Stripe.BillingPortal.Session.Flow;
}

/** Where the portal page sends the donor when they are done. */
export function returnUrlOf(session: Stripe.BillingPortal.Session): string | null {
  return session.flow?.after_completion.redirect?.return_url ?? session.return_url;
}

export function billingPortalRoutes(account: Account): Router {
  const routes = Router();
  routes.post('/v1/billing_portal/sessions', (req, res) => {
    const params = parseParams(createParams, req.body);
    const customer = account.store.get('customer', params.customer, 'customer');
    const configuration = configurationFor(account, params.configuration);
    if (params.flow_data?.type === 'payment_method_update' && !configuration.features.payment_method_update.enabled) {
      throw invalidRequest('This flow cannot be used: the `payment_method_update` feature is disabled in the portal configuration.', { param: 'flow_data[type]' });
    }
    if (!params.return_url && !configuration.default_return_url) {
      throw invalidRequest('You must provide a `return_url` or set a `default_return_url` on the portal configuration.', { param: 'return_url' });
    }
    const id = newId('bps');
    const session: Stripe.BillingPortal.Session = {
      ...sample('billing_portal.session'),
      id,
      configuration: configuration.id,
      created: account.store.now(),
      customer: customer.id,
      customer_account: null,
      flow: flowOf(params),
      livemode: false,
      locale: params.locale ?? null,
      on_behalf_of: null,
      return_url: params.return_url ?? configuration.default_return_url,
      url: `${account.url}/billing/${id}`,
    };
    account.store.insert(session);
    account.onBehalfOf(requestOf(res, req), () => account.emit('billing_portal.session.created', session));
    respond(res, account, session, params.expand);
  });

  routes.post('/v1/billing_portal/configurations', (req, res) => {
    const params = parseParams(createConfigurationParams, req.body);
    const configuration = account.onBehalfOf(requestOf(res, req), () => createPortalConfiguration(account, params));
    respond(res, account, configuration, params.expand);
  });
  routes.get('/v1/billing_portal/configurations', (req, res) => {
    const params = parseParams(listConfigurationsParams, req.query);
    const configurations = account.store
      .all('billing_portal.configuration')
      .filter((configuration) => (params.active === undefined ? true : configuration.active === params.active))
      .filter((configuration) => (params.is_default === undefined ? true : configuration.is_default === params.is_default));
    respond(res, account, paginate(configurations, params, '/v1/billing_portal/configurations'), params.expand);
  });
  routes.get('/v1/billing_portal/configurations/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand }), req.query);
    respond(res, account, account.store.get('billing_portal.configuration', req.params.id), params.expand);
  });
  routes.post('/v1/billing_portal/configurations/:id', (req, res) => {
    const params = parseParams(updateConfigurationParams, req.body);
    const configuration = account.store.get('billing_portal.configuration', req.params.id);
    const before = structuredClone(configuration);
    const draft = structuredClone(configuration);
    applyConfiguration(account, draft, params);
    refuseInvalid(draft);
    Object.assign(configuration, draft);
    account.onBehalfOf(requestOf(res, req), () => account.emitChange('billing_portal.configuration.updated', configuration, before));
    respond(res, account, configuration, params.expand);
  });
  // What saving the customer portal settings in the Dashboard does: the default configuration, made once, with
  // card updates on (and, by the parameters, cancellation), which sessions naming no configuration use.
  routes.post('/_emulator/billing_portal/default_configuration', (req, res) => {
    const params = parseParams(z.strictObject({ subscription_cancel: boolean.optional(), default_return_url: text.optional() }), req.body);
    const existing = account.store.all('billing_portal.configuration').find((configuration) => configuration.is_default);
    const configuration =
      existing ??
      account.onBehalfOf({ id: null, idempotency_key: null }, () =>
        createPortalConfiguration(
          account,
          {
            features: { payment_method_update: { enabled: true }, invoice_history: { enabled: true }, subscription_cancel: { enabled: params.subscription_cancel ?? false } },
            default_return_url: params.default_return_url,
          },
          true,
        ),
      );
    respond(res, account, configuration);
  });
  return routes;
}
