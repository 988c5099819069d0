// Posting an impact update from the dashboard: stored with an audit row in one transaction, then
// handed to the queue that emails the campaign's donors.
import type { AppContext } from '../../context';
import { ValidationError } from '../../http/errors';
import { queueImpactFanOut } from '../../impact/fanout';
import { postImpactUpdate } from '../../impact/post';
import { recordAudit } from '../../staff/audit.repository';
import type { Campaign } from '../../tables/campaigns.table';
import { impactFormErrors, impactInput, type ImpactFormValues } from './impact-update-form';
import type { Locale } from '../../locale';

export type PostingOutcome = { ok: true; updateId: number; queued: boolean } | { ok: false; errors: Record<string, string> };

export async function postUpdateFromForm(
  ctx: Pick<AppContext, 'db' | 'queues' | 'logger'>,
  campaign: Campaign,
  staffId: number,
  values: ImpactFormValues,
  locale: Locale,
): Promise<PostingOutcome> {
  let update;
  try {
    update = await ctx.db.transaction().execute(async (trx) => {
      const posted = await postImpactUpdate(trx, impactInput(campaign.slug, values), locale);
      await recordAudit(trx, {
        staffId,
        action: 'impact_update.posted',
        subjectType: 'impact_update',
        subjectId: posted.id,
        after: { campaign: campaign.slug, title: posted.title, body_markdown: posted.body_markdown, figures: posted.figures, photos: posted.photos },
      });
      return posted;
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { ok: false, errors: impactFormErrors(error.fields) };
  }
  // As `npm run impact` does: the update is stored whatever Redis says; if it does not answer, the
  // worker's resume-impact-updates chore fans it out within minutes.
  try {
    await queueImpactFanOut(ctx, update.id);
    return { ok: true, updateId: update.id, queued: true };
  } catch (error) {
    ctx.logger.warn({ err: error, updateId: update.id }, 'impact: the fan-out was not queued; the worker will resume it');
    return { ok: true, updateId: update.id, queued: false };
  }
}
