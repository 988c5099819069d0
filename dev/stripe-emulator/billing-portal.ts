// Billing portal sessions: a link to the emulator's page where a donor replaces the card on file.
import { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Account } from './account';
import { checkoutLocales } from './checkout';
import { sample } from './fixtures';
import { requestOf } from './http';
import { newId } from './ids';
import { expand, parseParams, text } from './params';
import { respond } from './responses';

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
    const id = newId('bps');
    const session: Stripe.BillingPortal.Session = {
      ...sample('billing_portal.session'),
      id,
      configuration: params.configuration ?? 'bpc_1EmulatorDefaultConfig',
      created: account.store.now(),
      customer: customer.id,
      customer_account: null,
      flow: flowOf(params),
      livemode: false,
      locale: params.locale ?? null,
      on_behalf_of: null,
      return_url: params.return_url ?? null,
      url: `${account.url}/billing/${id}`,
    };
    account.store.insert(session);
    account.onBehalfOf(requestOf(res, req), () => account.emit('billing_portal.session.created', session));
    respond(res, account, session, params.expand);
  });
  return routes;
}
