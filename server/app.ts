// Assembles the Express app from the features; nothing else happens here.
import path from 'node:path';
import express, { type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { brandRoutes } from './brand/brand.routes';
import { campaignApiRoutes } from './campaigns/api.routes';
import { embedRoutes } from './campaigns/embed.routes';
import { campaignRoutes } from './campaigns/campaign.routes';
import { staffCampaignRoutes } from './campaigns/staff/campaign.routes';
import { secureCookies } from './config';
import type { AppContext } from './context';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { languageNegotiation } from './http/language';
import { redactUrl } from './http/redact-url';
import { useViews, viewsDir } from './http/views';
import { planRoutes } from './donations/plan.routes';
import { donorRoutes } from './donors/account.routes';
import { donationRoutes } from './donations/donate.routes';
import { payoutRoutes } from './finance/payouts/payout.routes';
import { financeRoutes } from './finance/finance.routes';
import { reconciliationRoutes } from './finance/reconciliation/reconciliation.routes';
import { roundRoutes } from './finance/rounds/round.routes';
import { partnerReceiptStaffRoutes } from './finance/partner-receipts/staff.routes';
import { healthRoutes } from './health/health.routes';
import { impactRoutes } from './impact/impact.routes';
import { missionRoutes } from './missions/mission.routes';
import { outcomeRoutes } from './missions/rounds/outcomes.routes';
import { staffMissionRoutes } from './missions/staff-mission.routes';
import { receiptRoutes } from './receipts/receipt.routes';
import { statementRoutes } from './receipts/statement.routes';
import { queueDashboardRoutes } from './staff/queue-dashboard.routes';
import { staffShell } from './staff/shell';
import { staffHomeRoutes } from './staff/home.routes';
import { signInRoutes } from './staff/sign-in.routes';
import { teamRoutes } from './staff/team.routes';
import { stripeWebhookRoutes } from './webhooks/webhook.routes';

export interface AppOptions {
  /** Routes mounted before the 404 handler: the development mail viewer, test probes. */
  extraRoutes?: Router[];
  /**
   * Each request first waits until the campaign cache has heard every change committed before it came:
   * for tests, whose requests follow their own writes sooner than Postgres delivers the notice.
   */
  hearChangesFirst?: boolean;
}

export function createApp(ctx: AppContext, options: AppOptions = {}): express.Express {
  const app = express();
  app.set('env', ctx.config.env);
  app.set('trust proxy', ctx.config.trustProxy);
  app.disable('x-powered-by');
  useViews(app, { cache: ctx.config.env === 'production' });

  // Each request is logged at info; below that level pino-http would still cost a child logger and two
  // listeners per request, a tenth of what a cached campaign page takes to serve.
  if (ctx.logger.isLevelEnabled('info')) {
    app.use(
      pinoHttp({
        logger: ctx.logger,
        autoLogging: { ignore: (req) => req.url === '/healthz' },
        serializers: {
          req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
          res: (res: { statusCode: number }) => ({ status: res.statusCode }),
        },
      }),
    );
  }
  // Stripe's webhooks come first and in bursts: they need none of what pages need (headers for browsers, a language).
  app.use(stripeWebhookRoutes(ctx));
  // The donate form's answer is a redirect to Stripe Checkout, which form-action must allow.
  const checkoutOrigin = ctx.config.stripe.apiUrl ? new URL(ctx.config.stripe.apiUrl).origin : 'https://checkout.stripe.com';
  // Styles come from site.css alone: no style attribute, <style> or other site's stylesheet is applied,
  // so injected markup can neither restyle a page nor read it through CSS selectors.
  const directives = { 'img-src': ["'self'", 'data:', 'https:'], 'form-action': ["'self'", checkoutOrigin], 'style-src': ["'self'"] };
  app.use(helmet({ contentSecurityPolicy: { directives } }));
  // Markup that is not ours keeps its inline styles: bull-board's queue dashboard (with a web font's
  // stylesheet), and the emails the development mail viewer shows in a sandboxed frame.
  app.use('/staff/queues', helmet.contentSecurityPolicy({ directives: { ...directives, 'style-src': ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'] } }));
  app.use('/dev/mail', helmet.contentSecurityPolicy({ directives: { ...directives, 'style-src': ["'self'", "'unsafe-inline'"] } }));
  app.use(languageNegotiation({ secure: secureCookies(ctx.config) }));
  app.use('/assets', express.static(path.join(viewsDir, 'assets'), { maxAge: ctx.config.env === 'production' ? '1d' : 0 }));
  app.use(brandRoutes(ctx));

  if (options.hearChangesFirst) app.use((_req, _res, next) => void ctx.campaignCache.heard().then(() => next(), next));
  app.use(healthRoutes(ctx));
  app.use(campaignRoutes(ctx));
  app.use(missionRoutes(ctx));
  app.use(campaignApiRoutes(ctx));
  app.use(embedRoutes(ctx));
  app.use(donationRoutes(ctx));
  app.use(planRoutes(ctx));
  app.use(receiptRoutes(ctx));
  app.use(statementRoutes(ctx));
  app.use(donorRoutes(ctx));
  app.use('/staff', staffShell(ctx));
  app.use(signInRoutes(ctx), staffHomeRoutes(ctx), teamRoutes(ctx));
  app.use(financeRoutes(ctx), roundRoutes(ctx), partnerReceiptStaffRoutes(ctx));
  app.use(staffCampaignRoutes(ctx), staffMissionRoutes(ctx), outcomeRoutes(ctx));
  app.use(payoutRoutes(ctx), reconciliationRoutes(ctx));
  app.use(queueDashboardRoutes(ctx));
  app.use(impactRoutes(ctx));
  for (const router of options.extraRoutes ?? []) app.use(router);

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger));
  return app;
}
