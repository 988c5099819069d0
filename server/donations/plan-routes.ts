// The "update your card" link in a failed-payment email: a fresh Stripe billing portal session each
// time, since portal links expire within minutes and an email may be opened days later.
import { Router } from 'express';
import type { AppContext } from '../context';
import { NotFound, ServiceUnavailable } from '../http/errors';
import { publicUrl } from '../config';
import { verifyToken } from '../http/signed-links';
import { idOf } from '../stripe/ids';

export function planRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/donations/update-card/:token', async (req, res) => {
    const planId = verifyToken(ctx.config.sessionSecret, 'update-card', req.params.token);
    const plan = planId
      ? await ctx.db.selectFrom('recurring_plans').select(['stripe_subscription_id', 'status']).where('id', '=', planId).executeTakeFirst()
      : undefined;
    if (!plan?.stripe_subscription_id || plan.status === 'canceled') throw new NotFound('This link is no longer valid. Please contact us to update your regular gift.');
    let session;
    try {
      // The subscription's own customer: a donor who also gave once may have another customer at Stripe.
      const subscription = await ctx.stripe.subscriptions.retrieve(plan.stripe_subscription_id);
      const customer = idOf(subscription.customer);
      session = await ctx.stripe.billingPortal.sessions.create({
        customer,
        return_url: publicUrl(ctx.config),
        flow_data: { type: 'payment_method_update', after_completion: { type: 'redirect', redirect: { return_url: publicUrl(ctx.config) } } },
      });
    } catch (error) {
      ctx.logger.error({ err: error }, 'billing portal: Stripe refused or did not answer');
      throw new ServiceUnavailable('We could not reach our payment provider just now. Please try the link again in a minute.');
    }
    res.redirect(303, session.url);
  });
  return router;
}
