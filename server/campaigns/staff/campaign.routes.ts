// The campaign managers' part of the staff area: the list of campaigns, the campaign form, each
// campaign's dashboard, and posting impact updates and moderating donors' messages from it.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../context';
import { NotFound } from '../../http/errors';
import { isUuid, serialId } from '../../http/params';
import { translate } from '../../i18n/messages';
import { findUpdateTitle, impactProgress, listImpactUpdates } from '../../impact/impact.repository';
import { type Locale } from '../../locale';
import { requireArea } from '../../staff/access';
import type { Campaign } from '../../tables/campaigns.table';
import { findCampaignBySlug, listCampaignsForStaff, listPresets } from '../campaign.repository';
import { campaignTotals } from '../totals';
import { blankCampaignValues, campaignFormValues, valuesOfCampaign } from './campaign-form';
import { createCampaign, updateCampaign } from './campaign-saving';
import { listMissionChoices } from './campaign-editing.repository';
import { readCampaignForm } from './campaign-validation';
import { campaignFormPageView, campaignListView, saveProblemErrors, type CampaignFormPage } from './campaign.view';
import { campaignDashboard } from './dashboard';
import { dashboardNotice, dashboardView, type DashboardExtras } from './dashboard.view';
import { impactFormValues } from './impact-update-form';
import { postUpdateFromForm } from './impact-posting';
import { localeOf } from '../../http/language';
import { listRecentMessages } from './message.repository';
import { moderateMessage, moderations } from './message-moderation';

type SlugRequest = Request<{ slug: string }>;

async function campaignOr404({ db }: AppContext, slug: unknown, locale: Locale): Promise<Campaign> {
  // The shape the table allows; anything else (a NUL byte would fail the query) is no campaign.
  const campaign = typeof slug === 'string' && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) && slug.length <= 80 ? await findCampaignBySlug(db, slug) : undefined;
  if (!campaign) throw new NotFound(translate(locale, 'errors.campaignNotFound'));
  return campaign;
}

async function renderCampaignForm({ db }: AppContext, res: Response, page: Omit<CampaignFormPage, 'missions'>, status = 200) {
  res.status(status).render('campaigns/staff/form', campaignFormPageView({ ...page, missions: await listMissionChoices(db) }, localeOf(res)));
}

async function renderDashboard({ db, clock, config }: AppContext, res: Response, campaign: Campaign, extras: DashboardExtras = {}, status = 200) {
  const now = clock.now();
  const timeZone = config.organisation.timeZone;
  const [dashboard, updates, messages] = await Promise.all([campaignDashboard(db, campaign, now, timeZone), listImpactUpdates(db, campaign.id, 20), listRecentMessages(db, campaign.id)]);
  const progress = await Promise.all(updates.map((update) => impactProgress(db, update.id)));
  res.status(status).render('campaigns/staff/dashboard', dashboardView({ campaign, dashboard, updates, progress, messages, now, timeZone }, extras, localeOf(res)));
}

const listCampaigns = ({ db }: AppContext) => async (_req: Request, res: Response) => {
  const campaigns = await listCampaignsForStaff(db);
  res.render('campaigns/staff/list', campaignListView(campaigns, await campaignTotals(db, campaigns), localeOf(res)));
};

const showNewCampaignForm = (ctx: AppContext) => (_req: Request, res: Response) =>
  renderCampaignForm(ctx, res, { values: blankCampaignValues(ctx.clock.now(), ctx.config.organisation.timeZone) });

const createCampaignFromForm = (ctx: AppContext) => async (req: Request, res: Response) => {
  const locale = localeOf(res);
  const result = readCampaignForm(req.body, locale, await listMissionChoices(ctx.db), ctx.config.donations.generalFundSlug);
  if (!result.ok) return renderCampaignForm(ctx, res, { values: result.values, errors: result.errors }, 422);
  const saved = await createCampaign(ctx.db, result.input, res.locals.staff!.id, ctx.config.organisation.timeZone, ctx.clock.now());
  if (!saved.ok) return renderCampaignForm(ctx, res, { values: campaignFormValues(req.body), errors: saveProblemErrors(saved.problem, locale) }, 422);
  res.redirect(303, `/staff/campaigns/${saved.campaign.slug}?saved=1`);
};

const showEditCampaignForm = (ctx: AppContext) => async (req: SlugRequest, res: Response) => {
  const campaign = await campaignOr404(ctx, req.params.slug, localeOf(res));
  await renderCampaignForm(ctx, res, { campaign, values: valuesOfCampaign(campaign, await listPresets(ctx.db, campaign.id), ctx.config.organisation.timeZone) });
};

const saveCampaignEdit = (ctx: AppContext) => async (req: SlugRequest, res: Response) => {
  const locale = localeOf(res);
  const campaign = await campaignOr404(ctx, req.params.slug, locale);
  const result = readCampaignForm(req.body, locale, await listMissionChoices(ctx.db), ctx.config.donations.generalFundSlug);
  if (!result.ok) return renderCampaignForm(ctx, res, { campaign, values: result.values, errors: result.errors }, 422);
  const saved = await updateCampaign(ctx.db, campaign.id, result.input, res.locals.staff!.id, ctx.config.organisation.timeZone, ctx.clock.now());
  if (!saved.ok) return renderCampaignForm(ctx, res, { campaign, values: campaignFormValues(req.body), errors: saveProblemErrors(saved.problem, locale) }, 422);
  res.redirect(303, `/staff/campaigns/${saved.campaign.slug}?saved=1`);
};

const showDashboard = (ctx: AppContext) => async (req: SlugRequest, res: Response) => {
  const locale = localeOf(res);
  const campaign = await campaignOr404(ctx, req.params.slug, locale);
  const postedId = serialId(req.query.posted);
  const posted = postedId === undefined ? undefined : await findUpdateTitle(ctx.db, campaign.id, postedId);
  await renderDashboard(ctx, res, campaign, { notice: dashboardNotice(req.query, posted, locale) });
};

const postImpactUpdateFromForm = (ctx: AppContext) => async (req: SlugRequest, res: Response) => {
  const locale = localeOf(res);
  const campaign = await campaignOr404(ctx, req.params.slug, locale);
  const values = impactFormValues(req.body);
  const posted = await postUpdateFromForm(ctx, campaign, res.locals.staff!.id, values, locale);
  if (!posted.ok) return renderDashboard(ctx, res, campaign, { impact: { values, errors: posted.errors } }, 422);
  res.redirect(303, `/staff/campaigns/${campaign.slug}?posted=${posted.updateId}&queued=${posted.queued ? 1 : 0}#impact-updates`);
};

const moderateGiftMessage = (ctx: AppContext) => async (req: Request<{ slug: string; id: string; moderation: string }>, res: Response) => {
  const locale = localeOf(res);
  const campaign = await campaignOr404(ctx, req.params.slug, locale);
  const moderation = moderations.find((m) => m === req.params.moderation);
  const done = moderation !== undefined && isUuid(req.params.id) && (await moderateMessage(ctx.db, campaign, req.params.id, moderation, res.locals.staff!.id, ctx.clock.now()));
  if (!done) throw new NotFound(translate(locale, 'campaignStaff.messages.notFound'));
  res.redirect(303, `/staff/campaigns/${campaign.slug}?moderated=${moderation}#messages`);
};

export function staffCampaignRoutes(ctx: AppContext): Router {
  const router = Router();
  const campaigns = requireArea('campaigns');
  router.get('/staff/campaigns', campaigns, listCampaigns(ctx));
  router.get('/staff/campaigns/new', campaigns, showNewCampaignForm(ctx));
  router.post('/staff/campaigns', campaigns, createCampaignFromForm(ctx));
  router.get('/staff/campaigns/:slug/edit', campaigns, showEditCampaignForm(ctx));
  router.post('/staff/campaigns/:slug/edit', campaigns, saveCampaignEdit(ctx));
  router.get('/staff/campaigns/:slug', campaigns, showDashboard(ctx));
  router.post('/staff/campaigns/:slug/impact-updates', campaigns, postImpactUpdateFromForm(ctx));
  router.post('/staff/campaigns/:slug/messages/:id/:moderation', campaigns, moderateGiftMessage(ctx));
  return router;
}
