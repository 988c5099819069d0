// The impact updates' queries, and the donors they go to.
import { sql } from 'kysely';
import type { Db } from '../database';
import { standingStatuses } from '../tables/donations.table';
import type { ImpactFigure, ImpactPhoto, ImpactUpdate } from '../tables/impact-updates.table';
import type { LocalizedText } from '../locale';
import { agreesToNews } from './consent.repository';

/** The campaign an update is posted to, by its address: whether it exists and whether it is still a draft. */
export async function findCampaignForUpdate(db: Db, slug: string) {
  return db.selectFrom('campaigns').select(['id', 'status']).where('slug', '=', slug).executeTakeFirst();
}

export async function insertImpactUpdate(
  db: Db,
  update: { campaign_id: number; title: LocalizedText; body_markdown: LocalizedText; body_html: LocalizedText; figures: ImpactFigure[]; photos: ImpactPhoto[] },
): Promise<ImpactUpdate> {
  return db
    .insertInto('impact_updates')
    .values({
      ...update,
      // pg sends a JavaScript array as a Postgres array, not as JSON.
      figures: sql<ImpactFigure[]>`${JSON.stringify(update.figures)}::jsonb`,
      photos: sql<ImpactPhoto[]>`${JSON.stringify(update.photos)}::jsonb`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findImpactUpdate(db: Db, updateId: number) {
  return db.selectFrom('impact_updates').select(['id', 'campaign_id', 'total_recipients', 'completed_at']).where('id', '=', updateId).executeTakeFirst();
}

/** The update with its campaign's address and title, for the email. */
export async function findUpdateWithCampaign(db: Db, updateId: number) {
  return db
    .selectFrom('impact_updates')
    .innerJoin('campaigns', 'campaigns.id', 'impact_updates.campaign_id')
    .selectAll('impact_updates')
    .select(['campaigns.slug as campaign_slug', 'campaigns.title as campaign_title'])
    .where('impact_updates.id', '=', updateId)
    .executeTakeFirst();
}

export type UpdateWithCampaign = NonNullable<Awaited<ReturnType<typeof findUpdateWithCampaign>>>;

/** The title of the campaign's update `updateId`, for the dashboard's notice after posting it; undefined for another campaign's. */
export async function findUpdateTitle(db: Db, campaignId: number, updateId: number): Promise<LocalizedText | undefined> {
  const row = await db.selectFrom('impact_updates').select('title').where('id', '=', updateId).where('campaign_id', '=', campaignId).executeTakeFirst();
  return row?.title;
}

export async function setTotalRecipients(db: Db, updateId: number, total: number): Promise<void> {
  await db.updateTable('impact_updates').set({ total_recipients: total }).where('id', '=', updateId).execute();
}

/** Updates of the last week still incomplete `olderThanSeconds` after they were posted. */
export async function listStaleImpactUpdates(db: Db, olderThanSeconds: number): Promise<number[]> {
  const rows = await db
    .selectFrom('impact_updates')
    .select('id')
    .where('completed_at', 'is', null)
    .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    // An update stuck for a week (a failed email job, say) is for staff to look at, not for this chore.
    .where('created_at', '>', sql<Date>`now() - interval '7 days'`)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

export async function listImpactUpdates(db: Db, campaignId: number, limit = 10): Promise<ImpactUpdate[]> {
  return db.selectFrom('impact_updates').selectAll().where('campaign_id', '=', campaignId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/**
 * The donors an update goes to: every donor who had given to its campaign when it was posted and whose
 * current choice is a yes to news (consent.ts). Fixing the givers at posting time means a fan-out that
 * runs again after a crash walks the same donors, less any who said no since.
 */
function recipients(db: Db, update: Pick<ImpactUpdate, 'id' | 'campaign_id'>) {
  return db
    .selectFrom('donors')
    .where(agreesToNews(sql.ref('donors.id')))
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('donations')
          .select(sql.lit(1).as('one'))
          .whereRef('donations.donor_id', '=', 'donors.id')
          .where('donations.campaign_id', '=', update.campaign_id)
          .where('donations.status', 'in', standingStatuses)
          // Compared in SQL: a JavaScript Date would drop the microseconds of created_at.
          .where(sql<Date>`coalesce(donations.succeeded_at, donations.created_at)`, '<=', sql<Date>`(select created_at from impact_updates where id = ${update.id})`),
      ),
    );
}

/** The next `limit` recipients after `afterDonorId`, in id order. */
export async function recipientsAfter(db: Db, update: Pick<ImpactUpdate, 'id' | 'campaign_id'>, afterDonorId: number, limit: number): Promise<number[]> {
  const rows = await recipients(db, update).select('donors.id').where('donors.id', '>', afterDonorId).orderBy('donors.id').limit(limit).execute();
  return rows.map((row) => row.id);
}

export async function countRecipients(db: Db, update: Pick<ImpactUpdate, 'id' | 'campaign_id'>): Promise<number> {
  const { count } = await recipients(db, update).select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(count);
}

export interface ImpactProgress {
  sent: number;
  skipped: number;
  /** Null while the fan-out has not yet walked every donor. */
  total: number | null;
  completedAt: Date | null;
}

export async function impactProgress(db: Db, updateId: number): Promise<ImpactProgress | undefined> {
  const update = await db.selectFrom('impact_updates').select(['total_recipients', 'completed_at']).where('id', '=', updateId).executeTakeFirst();
  if (!update) return undefined;
  const counts = await db
    .selectFrom('impact_deliveries')
    .select((eb) => [eb.fn.count<string>('sent_at').as('sent'), eb.fn.count<string>('skipped_at').as('skipped')])
    .where('update_id', '=', updateId)
    .executeTakeFirstOrThrow();
  return { sent: Number(counts.sent), skipped: Number(counts.skipped), total: update.total_recipients, completedAt: update.completed_at };
}

/**
 * Marks the update complete once the fan-out has counted its donors and every delivery is sent or
 * skipped. Called after each send commits, so whichever send finishes last sees all the others.
 */
export async function completeIfDone(db: Db, updateId: number): Promise<boolean> {
  const result = await db
    .updateTable('impact_updates')
    .set({ completed_at: sql`now()` })
    .where('id', '=', updateId)
    .where('completed_at', 'is', null)
    .where('total_recipients', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('impact_deliveries').select(sql.lit(1).as('one')).where('update_id', '=', updateId).where('sent_at', 'is', null).where('skipped_at', 'is', null))),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** A donor as impact emails and the unsubscribe page need them. */
export async function findImpactRecipient(db: Db, donorId: number) {
  return db.selectFrom('donors').select(['id', 'email', 'name', 'locale']).where('id', '=', donorId).executeTakeFirst();
}

export type ImpactRecipient = NonNullable<Awaited<ReturnType<typeof findImpactRecipient>>>;
