// The one-click way out that the email about a moved regular gift carries: its signed link opens a page
// with a single button, and pressing it stops the gift at Stripe, as the account's own "stop" does. The
// link is the donor's key, so nobody has to sign in; the button is a CSRF-protected form like the
// account's, since a GET never stops anything (mail scanners open every link they see).
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { asLocale, localeFrom, say } from '../http/language';
import { verifyToken } from '../http/signed-links';
import { cancel } from './plan-changes';
import { findPlanToStop, type PlanToStop } from './donor.repository';
import { stopGiftView, type StopGiftState } from './account.view';

type StopRequest = Request<{ token: string }>;

async function planOf({ db, config }: AppContext, req: StopRequest, res: Response): Promise<PlanToStop> {
  const planId = verifyToken(config.sessionSecret, 'stop-plan', req.params.token);
  const plan = planId ? await findPlanToStop(db, planId) : undefined;
  if (!plan?.stripe_subscription_id) throw new NotFound(say(res, 'account.stop.invalid'));
  // The page speaks the donor's language, as the email did, unless the reader chose another here.
  res.locals.locale = asLocale(req.query.lang) ?? localeFrom(plan.donor_locale);
  return plan;
}

function renderStopPage(res: Response, plan: PlanToStop, token: string, state: StopGiftState, status = 200): void {
  res.status(status).render('donors/stop-gift', stopGiftView(res, plan, `/account/stop-gift/${token}`, state));
}

const askToStop = (ctx: AppContext) => async (req: StopRequest, res: Response) => {
  const plan = await planOf(ctx, req, res);
  renderStopPage(res, plan, req.params.token, plan.status === 'canceled' ? 'already stopped' : 'asking');
};

// Stripe is asked outside any transaction; our plan reads canceled when Stripe's webhook says so (syncPlan).
const stop = (ctx: AppContext) => async (req: StopRequest, res: Response) => {
  const plan = await planOf(ctx, req, res);
  if (plan.status === 'canceled') return renderStopPage(res, plan, req.params.token, 'already stopped');
  try {
    await cancel(ctx.stripe, plan.stripe_subscription_id!, 'Stopped by the donor from the email saying their gift had moved');
  } catch (error) {
    ctx.logger.error({ err: error, planId: plan.id }, 'stop link: Stripe refused or did not answer');
    return renderStopPage(res, plan, req.params.token, 'provider down', 503);
  }
  renderStopPage(res, plan, req.params.token, 'stopped');
};

export function stopGiftRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/account/stop-gift/:token', askToStop(ctx));
  router.post('/account/stop-gift/:token', stop(ctx));
  return router;
}
