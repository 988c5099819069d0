// The queries on each donor's copy of an impact update (impact_deliveries).
import { sql } from 'kysely';
import type { Db, Trx } from '../database';

/** One delivery per donor; a donor who already has one keeps it. */
export async function recordDeliveries(db: Db, updateId: number, donorIds: number[]): Promise<void> {
  await db
    .insertInto('impact_deliveries')
    .values(donorIds.map((donorId) => ({ update_id: updateId, donor_id: donorId })))
    .onConflict((oc) => oc.columns(['update_id', 'donor_id']).doNothing())
    .execute();
}

/** Which of `donorIds` still wait for their copy: neither sent nor skipped. */
export async function listUnsentDeliveries(db: Db, updateId: number, donorIds: number[]): Promise<number[]> {
  const rows = await db
    .selectFrom('impact_deliveries')
    .select('donor_id')
    .where('update_id', '=', updateId)
    .where('donor_id', 'in', donorIds)
    .where('sent_at', 'is', null)
    .where('skipped_at', 'is', null)
    .execute();
  return rows.map((row) => row.donor_id);
}

export async function countDeliveries(db: Db, updateId: number): Promise<number> {
  const { total } = await db.selectFrom('impact_deliveries').select((eb) => eb.fn.countAll<string>().as('total')).where('update_id', '=', updateId).executeTakeFirstOrThrow();
  return Number(total);
}

/** The donor's delivery, locked until the sending transaction ends. */
export async function lockDelivery(trx: Trx, updateId: number, donorId: number) {
  return trx.selectFrom('impact_deliveries').select(['sent_at', 'skipped_at']).where('update_id', '=', updateId).where('donor_id', '=', donorId).forUpdate().executeTakeFirst();
}

/** Marks the delivery sent or skipped; with `onlyIfUndone`, touches it only if nobody else has, and says whether it did. */
export async function markDeliveryDone(db: Db, updateId: number, donorId: number, column: 'sent_at' | 'skipped_at', onlyIfUndone = false): Promise<boolean> {
  const result = await db
    .updateTable('impact_deliveries')
    .set({ [column]: sql`now()` })
    .where('update_id', '=', updateId)
    .where('donor_id', '=', donorId)
    .$if(onlyIfUndone, (qb) => qb.where('sent_at', 'is', null).where('skipped_at', 'is', null))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
