// Donors' messages as staff moderate them: the campaign's latest, and one locked while it is hidden, shown or approved.
import type { Db, Trx } from '../../database';

/** The columns a moderated message is listed, locked and audited with. */
const messageColumns = ['id', 'donor_name', 'anonymous', 'amount', 'currency', 'message', 'succeeded_at', 'message_hidden_at', 'message_approved_at'] as const;

/** The campaign's latest gifts that went through with a message: the ones its page may show. */
export async function listRecentMessages(db: Db, campaignId: number, limit = 20) {
  return db
    .selectFrom('donations')
    .select(messageColumns)
    .where('campaign_id', '=', campaignId)
    .where('status', 'in', ['succeeded', 'partially_refunded'])
    .where('message', 'is not', null)
    .where('message', '<>', '')
    .orderBy('succeeded_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export type StaffMessageRow = Awaited<ReturnType<typeof listRecentMessages>>[number];

/** The gift `donationId` of the campaign, when it has a message, locked until the caller's transaction ends. */
export async function lockGiftMessage(trx: Trx, campaignId: number, donationId: string): Promise<StaffMessageRow | undefined> {
  return trx
    .selectFrom('donations')
    .select(messageColumns)
    .where('id', '=', donationId)
    .where('campaign_id', '=', campaignId)
    .where('message', 'is not', null)
    .forUpdate()
    .executeTakeFirst();
}

/** Sets when the message was hidden (null: shown again) or approved; the change tells the campaign cache (migration 0016). */
export async function updateMessageModeration(
  trx: Trx,
  donationId: string,
  change: { message_hidden_at: Date | null } | { message_approved_at: Date },
): Promise<StaffMessageRow> {
  return trx.updateTable('donations').set(change).where('id', '=', donationId).returning(messageColumns).executeTakeFirstOrThrow();
}
