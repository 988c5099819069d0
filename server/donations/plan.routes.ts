// The "update your card" link in a failed-payment email: signed for one recurring plan, it opens Stripe's billing portal.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { publicUrl } from '../config';
import { NotFound, ServiceUnavailable } from '../http/errors';
import { verifyToken } from '../http/signed-links';
import { translate } from '../i18n/messages';
import { cardUpdatePortalUrl } from './billing-portal';
import { findPlan } from './plan.repository';
import { localeOf } from '../http/language';

const openCardUpdate = ({ db, stripe, config, logger }: AppContext) => async (req: Request<{ token: string }>, res: Response): Promise<void> => {
  const locale = localeOf(res);
  const planId = verifyToken(config.sessionSecret, 'update-card', req.params.token);
  const plan = planId ? await findPlan(db, planId) : undefined;
  if (!plan?.stripe_subscription_id || plan.status === 'canceled') throw new NotFound(translate(locale, 'donate.error.cardLinkInvalid'));
  let url;
  try {
    url = await cardUpdatePortalUrl(stripe, plan.stripe_subscription_id, publicUrl(config));
  } catch (error) {
    logger.error({ err: error }, 'billing portal: Stripe refused or did not answer');
    throw new ServiceUnavailable(translate(locale, 'donate.error.portalDown'));
  }
  res.redirect(303, url);
};

export function planRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/donations/update-card/:token', openCardUpdate(ctx));
  return router;
}
