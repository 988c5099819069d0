// Saving the campaign form: the campaign and its presets, with an audit row (the record before and
// after), in one transaction.
import { dayBounds, dayIn } from '../../calendar';
import type { Db } from '../../database';
import type { Campaign } from '../../tables/campaigns.table';
import type { CampaignPreset } from '../../tables/campaign-presets.table';
import { listPresets } from '../campaign.repository';
import { opensAt, takesGifts } from '../closing';
import { findRoundReport } from '../round.repository';
import { recordAudit } from '../../staff/audit.repository';
import type { CampaignInput } from './campaign-form';
import { hasDonations, hasRoundRecords, insertCampaign, isSlugInUse, lockCampaign, replacePresets, updateCampaignColumns, type CampaignColumns } from './campaign-editing.repository';

/** A campaign and its presets as the audit log keeps them. */
export function campaignRecord(campaign: Campaign, presets: CampaignPreset[]) {
  return {
    slug: campaign.slug,
    title: campaign.title,
    summary: campaign.summary,
    story: campaign.story,
    status: campaign.status,
    target_amount: campaign.target_amount,
    target_currency: campaign.target_currency,
    accepted_currencies: campaign.accepted_currencies,
    starts_at: campaign.starts_at.toISOString(),
    ends_at: campaign.ends_at?.toISOString() ?? null,
    cost_unit_amount: campaign.cost_unit_amount,
    cost_unit_label: campaign.cost_unit_label,
    cover_image_url: campaign.cover_image_url,
    mission_id: campaign.mission_id,
    hold_messages: campaign.hold_messages,
    presets: presets.map((p) => ({ currency: p.currency, amount: p.amount, label: p.label })),
  };
}

/** Why a valid form was not saved: its address was taken, a campaign donors gave to was made a draft again, a round was moved off its mission, or a round that reported would take gifts again. */
export type SaveProblem = 'slugTaken' | 'givenTo' | 'missionTied' | 'reported';

export type SaveOutcome = { ok: true; campaign: Campaign } | { ok: false; problem: SaveProblem };

/** Postgres's unique_violation on the slug: another save took the address between our check and our write. */
function isSlugConflict(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && typeof e.constraint === 'string' && e.constraint.includes('slug');
}

// The form's days are the organisation's (`timeZone`): a campaign ending on 30 November takes gifts until the
// end of that day there. A stored moment whose day is unchanged is kept as it is, so a row saved when the
// form's days were UTC days keeps its instant until someone changes the date.

/** The day's first moment, unless the stored start already falls on that day: an unchanged date keeps its time. */
function startsAt(day: string, timeZone: string, before?: Date): Date {
  return before && dayIn(before, timeZone) === day ? before : dayBounds(day, timeZone).start;
}

/** The last second of the day (closing.ts counts ends_at itself as open), unless the stored end already falls on that day. */
function endsAt(day: string | null, timeZone: string, before?: Date | null): Date | null {
  if (day === null) return null;
  if (before && dayIn(before, timeZone) === day) return before;
  return new Date(dayBounds(day, timeZone).end.getTime() - 1000);
}

function columnsOf(input: CampaignInput, timeZone: string, now: Date, before?: Campaign): CampaignColumns {
  return {
    slug: input.slug,
    title: input.title,
    summary: input.summary,
    story: input.story,
    status: input.status,
    // Kept from the first save that closed it; a reopened campaign has none.
    closed_at: input.status !== 'closed' ? null : before?.status === 'closed' ? before.closed_at : now,
    target_amount: input.target.amount,
    target_currency: input.target.currency,
    accepted_currencies: input.accepted_currencies,
    starts_at: startsAt(input.starts_on, timeZone, before?.starts_at),
    ends_at: endsAt(input.ends_on, timeZone, before?.ends_at),
    cost_unit_amount: input.cost_unit_amount,
    cost_unit_label: input.cost_unit_label,
    cover_image_url: input.cover_image_url,
    mission_id: input.mission_id,
    hold_messages: input.hold_messages,
  };
}

/** `timeZone`: the organisation's, whose days the form's dates are. */
export async function createCampaign(db: Db, input: CampaignInput, staffId: number, timeZone: string, now: Date): Promise<SaveOutcome> {
  if (await isSlugInUse(db, input.slug)) return { ok: false, problem: 'slugTaken' };
  try {
    const campaign = await db.transaction().execute(async (trx) => {
      const created = await insertCampaign(trx, columnsOf(input, timeZone, now));
      const presets = await replacePresets(trx, created.id, input.presets);
      await recordAudit(trx, { staffId, action: 'campaign.created', subjectType: 'campaign', subjectId: created.id, after: campaignRecord(created, presets) });
      return created;
    });
    return { ok: true, campaign };
  } catch (error) {
    if (isSlugConflict(error)) return { ok: false, problem: 'slugTaken' };
    throw error;
  }
}

export async function updateCampaign(db: Db, campaignId: number, input: CampaignInput, staffId: number, timeZone: string, now: Date): Promise<SaveOutcome> {
  if (await isSlugInUse(db, input.slug, campaignId)) return { ok: false, problem: 'slugTaken' };
  try {
    return await db.transaction().execute(async (trx): Promise<SaveOutcome> => {
      // Locked, so the audit's "before" is exactly what this change replaced.
      const before = await lockCampaign(trx, campaignId);
      if (input.status === 'draft' && before.status !== 'draft' && (await hasDonations(trx, campaignId))) return { ok: false, problem: 'givenTo' };
      // Its spending, transfers and moved gifts are the mission's: another mission would not add up.
      if (input.mission_id !== before.mission_id && (await hasRoundRecords(trx, campaignId))) return { ok: false, problem: 'missionTied' };
      const columns = columnsOf(input, timeZone, now, before);
      // Its donors were told what their gifts were of its income: a gift now would be nobody's share.
      if ((takesGifts(columns, now) || opensAt(columns, now)) && (await findRoundReport(trx, campaignId))) return { ok: false, problem: 'reported' };
      const presetsBefore = await listPresets(trx, campaignId);
      const after = await updateCampaignColumns(trx, campaignId, columns);
      const presets = await replacePresets(trx, campaignId, input.presets);
      await recordAudit(trx, {
        staffId,
        action: 'campaign.updated',
        subjectType: 'campaign',
        subjectId: campaignId,
        before: campaignRecord(before, presetsBefore),
        after: campaignRecord(after, presets),
      });
      return { ok: true, campaign: after };
    });
  } catch (error) {
    if (isSlugConflict(error)) return { ok: false, problem: 'slugTaken' };
    throw error;
  }
}
