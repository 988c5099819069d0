// Staff hiding a donor's message from the campaign page, showing it again, or approving it on a campaign
// that holds messages: each in one transaction with its audit row.
import type { Db } from '../../database';
import { recordAudit } from '../../staff/audit.repository';
import type { Campaign } from '../../tables/campaigns.table';
import { lockGiftMessage, updateMessageModeration, type StaffMessageRow } from './message.repository';

export const moderations = ['hide', 'show', 'approve'] as const;
export type Moderation = (typeof moderations)[number];

const auditActions: Record<Moderation, string> = { hide: 'gift.message_hidden', show: 'gift.message_shown', approve: 'gift.message_approved' };

/** A message as the audit log keeps it. */
function messageRecord(row: StaffMessageRow) {
  return { message: row.message, message_hidden_at: row.message_hidden_at?.toISOString() ?? null, message_approved_at: row.message_approved_at?.toISOString() ?? null };
}

function changeFor(moderation: Moderation, now: Date) {
  if (moderation === 'approve') return { message_approved_at: now };
  return { message_hidden_at: moderation === 'hide' ? now : null };
}

/** False when the campaign has no gift `donationId` with a message. Doing what is already done changes nothing and audits nothing. */
export async function moderateMessage(db: Db, campaign: Campaign, donationId: string, moderation: Moderation, staffId: number, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await lockGiftMessage(trx, campaign.id, donationId);
    if (!before) return false;
    const already = moderation === 'hide' ? before.message_hidden_at !== null : moderation === 'show' ? before.message_hidden_at === null : before.message_approved_at !== null;
    if (already) return true;
    const after = await updateMessageModeration(trx, donationId, changeFor(moderation, now));
    await recordAudit(trx, {
      staffId,
      action: auditActions[moderation],
      subjectType: 'donation',
      subjectId: donationId,
      before: { campaign: campaign.slug, ...messageRecord(before) },
      after: { campaign: campaign.slug, ...messageRecord(after) },
    });
    return true;
  });
}
