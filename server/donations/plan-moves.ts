// Recurring gifts follow the mission: a monthly or yearly gift to a round that no longer takes gifts moves
// to where a donor would give now (closing.ts whereToGiveNow, the one successor rule) before it renews,
// once, recorded, audited and told to the donor; and a payment that still reaches a closed round is
// credited where its gift points now, keeping where it was meant to go.
import type { AppContext } from '../context';
import type { Trx } from '../database';
import { listLiveCampaigns } from '../campaigns/campaign.repository';
import { takesGifts, whereToGiveNow } from '../campaigns/closing';
import type { Logger } from '../logger';
import { relayOutbox } from '../outbox/outbox';
import { oweEmail } from '../outbox/outbox.repository';
import { recordAudit } from '../staff/audit.repository';
import type { Campaign } from '../tables/campaigns.table';
import type { RecurringPlan } from '../tables/recurring-plans.table';
import { nextGiftDate } from './next-gift';
import { lockPlan } from './plan.repository';
import { campaignIdOfPlanAt, findCampaignsById, insertPlanMove, listPlansOffOpenCampaigns, movablePlanStatuses, pointPlanAt } from './plan-moves.repository';
import type { RecordingContext } from './sync/recording-context';

const movable = (plan: Pick<RecurringPlan, 'status'>) => (movablePlanStatuses as readonly string[]).includes(plan.status);

/** Opened once and no longer takes gifts. A live round yet to open has not closed: its gifts wait for it. */
export function hasClosed(campaign: Campaign, at: Date): boolean {
  return !takesGifts(campaign, at) && !(campaign.status === 'live' && campaign.starts_at.getTime() > at.getTime());
}

export interface PlanMove {
  from: Campaign;
  to: Campaign;
  movedAt: Date;
  /** The first payment that goes to `to`, when known: the donor's email names it. */
  firstPaymentAt: Date | null;
}

/**
 * Moves a plan (locked by the caller) off `from` to `to`: the move row, the plan's campaign, the audit log
 * and the donor's email, all in the caller's transaction. A plan that no longer points at `from`, or has
 * left it once already (a second run, a racing payment), is left alone. No Stripe call: it may run inside
 * a Stripe event's transaction. Whether this call moved it.
 */
export async function movePlan(trx: Trx, plan: RecurringPlan, move: PlanMove): Promise<boolean> {
  if (plan.campaign_id !== move.from.id) return false;
  const moveId = await insertPlanMove(trx, { plan_id: plan.id, from_campaign_id: move.from.id, to_campaign_id: move.to.id, moved_at: move.movedAt });
  if (!moveId) return false;
  await pointPlanAt(trx, plan.id, move.to.id);
  // Nobody on the staff did this: the round's end did. staff_id stays null, as for any change no colleague made.
  await recordAudit(trx, {
    staffId: null,
    action: 'plan.moved',
    subjectType: 'recurring_plan',
    subjectId: plan.id,
    before: { campaign: move.from.slug },
    after: { campaign: move.to.slug, from: move.from.slug, to: move.to.slug, move: moveId, because: 'the round closed', first_payment_at: move.firstPaymentAt },
  });
  // A donor must be told where their money goes, whatever they chose about appeals.
  if (plan.donor_id !== null) await oweEmail(trx, 'plan_moved', `plan-moved-${moveId}`, { moveId, firstPaymentAt: move.firstPaymentAt?.toISOString() ?? null });
  return true;
}

/** Plans already warned about in this process: one left with nowhere to go is logged once, not on every sweep. */
const warnedStuck = new Set<string>();

function warnNowhereToGo(logger: Pick<Logger, 'warn'> | undefined, what: string, fields: Record<string, unknown>, onceKey?: string): void {
  if (onceKey !== undefined) {
    if (warnedStuck.has(onceKey)) return;
    warnedStuck.add(onceKey);
  }
  logger?.warn(fields, what);
}

export interface SweepOutcome {
  moved: number;
  /** Plans on a closed round with no open round of its mission and no general fund to go to: left where they are. */
  stuck: number;
  failed: number;
}

/**
 * Moves every running plan (active, past due or paused) off the rounds that no longer take gifts at `now`.
 * Safe to run again and alongside itself or a Stripe event: each plan is moved in its own transaction,
 * under its row lock, and a move is recorded once per plan and round. Stripe is read first, outside any
 * transaction, for the date of the payment that goes to the new round.
 */
export async function movePlansOffClosedRounds(ctx: Pick<AppContext, 'db' | 'stripe' | 'config' | 'logger' | 'queues'>, now: Date): Promise<SweepOutcome> {
  const outcome: SweepOutcome = { moved: 0, stuck: 0, failed: 0 };
  const candidates = await listPlansOffOpenCampaigns(ctx.db, now);
  if (candidates.length === 0) return outcome;
  const [live, campaigns] = await Promise.all([listLiveCampaigns(ctx.db), findCampaignsById(ctx.db, [...new Set(candidates.map((plan) => plan.campaign_id))])]);
  const byId = new Map(campaigns.map((campaign) => [campaign.id, campaign]));
  for (const candidate of candidates) {
    const from = byId.get(candidate.campaign_id);
    if (!from || !hasClosed(from, now)) continue;
    const to = whereToGiveNow(from, live, ctx.config.donations.generalFundSlug, now);
    if (!to) {
      outcome.stuck += 1;
      warnNowhereToGo(
        ctx.logger,
        'recurring gift left on a closed round: its mission has no open round and there is no open general fund',
        { planId: candidate.id, campaign: from.slug },
        `${candidate.id}:${from.id}`,
      );
      continue;
    }
    const firstPaymentAt = candidate.stripe_subscription_id ? await nextGiftDate(ctx.stripe, candidate.stripe_subscription_id) : null;
    try {
      const moved = await ctx.db.transaction().execute(async (trx) => {
        const plan = await lockPlan(trx, candidate.id);
        return plan !== undefined && movable(plan) && movePlan(trx, plan, { from, to, movedAt: now, firstPaymentAt });
      });
      if (moved) outcome.moved += 1;
    } catch (error) {
      // One plan that cannot be moved now does not hold up the others; the next sweep tries it again.
      outcome.failed += 1;
      ctx.logger.error({ err: error, planId: candidate.id }, 'recurring gift: could not move it off a closed round');
    }
  }
  if (outcome.moved > 0) await relayOutbox(ctx).catch((error: unknown) => ctx.logger.warn({ err: error }, 'outbox: relay deferred'));
  return outcome;
}

export interface Credit {
  campaign_id: number;
  /** The closed round the payment was meant for, when it is credited elsewhere. */
  intended_campaign_id: number | null;
}

/**
 * Where a recurring gift's payment made at `paidAt` (when Stripe made its invoice) is credited: the round its
 * plan pointed at then, if it still took gifts at that moment (a renewal paid before the close stays with it,
 * however late its webhook); else where the plan points now, moving the plan first if no sweep has yet.
 * With nowhere open to go, the closed round keeps it, and the log says so.
 */
export async function creditForRenewal(c: RecordingContext, plan: RecurringPlan, paidAt: Date): Promise<Credit> {
  const meantFor = await campaignIdOfPlanAt(c.trx, plan, paidAt);
  const [campaign] = await findCampaignsById(c.trx, [meantFor]);
  if (!campaign || !hasClosed(campaign, paidAt)) return { campaign_id: meantFor, intended_campaign_id: null };
  // Moved since: the payment follows the plan.
  if (meantFor !== plan.campaign_id) return { campaign_id: plan.campaign_id, intended_campaign_id: meantFor };
  const to = whereToGiveNow(campaign, await listLiveCampaigns(c.trx), c.generalFundSlug, paidAt);
  if (!to) {
    warnNowhereToGo(c.logger, 'recurring gift paid to a closed round: there is no open round of its mission and no open general fund, so the round keeps it', { planId: plan.id, campaign: campaign.slug });
    return { campaign_id: meantFor, intended_campaign_id: null };
  }
  if (movable(plan)) await movePlan(c.trx, plan, { from: campaign, to, movedAt: paidAt, firstPaymentAt: paidAt });
  return { campaign_id: to.id, intended_campaign_id: meantFor };
}

/** Where a one-off gift begun on our form for campaign `campaignId` and paid at `paidAt` is credited: a round may close between the two. */
export async function creditForOurPayment(c: RecordingContext, campaignId: number, paidAt: Date): Promise<Credit> {
  const [campaign] = await findCampaignsById(c.trx, [campaignId]);
  return campaign ? creditForPayment(c, campaign, paidAt) : { campaign_id: campaignId, intended_campaign_id: null };
}

/** Where a one-off payment begun elsewhere (a Payment Link) for `campaign`, made at `paidAt`, is credited. */
export async function creditForPayment(c: RecordingContext, campaign: Campaign, paidAt: Date): Promise<Credit> {
  if (!hasClosed(campaign, paidAt)) return { campaign_id: campaign.id, intended_campaign_id: null };
  const to = whereToGiveNow(campaign, await listLiveCampaigns(c.trx), c.generalFundSlug, paidAt);
  if (!to) {
    warnNowhereToGo(c.logger, 'payment for a closed round: there is no open round of its mission and no open general fund, so the round keeps it', { campaign: campaign.slug });
    return { campaign_id: campaign.id, intended_campaign_id: null };
  }
  return { campaign_id: to.id, intended_campaign_id: campaign.id };
}
