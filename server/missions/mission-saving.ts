// Saving the mission form: the mission and an audit row (the record before and after), in one transaction.
import type { Db } from '../database';
import type { Mission } from '../tables/missions.table';
import { recordAudit } from '../staff/audit.repository';
import { insertMission, isMissionSlugInUse, lockMission, updateMission, type MissionColumns } from './mission.repository';

/** A mission as the audit log keeps it. */
const missionRecord = (mission: Mission) => ({ slug: mission.slug, title: mission.title, summary: mission.summary, currency: mission.currency });

export type MissionSaveOutcome = { ok: true; mission: Mission } | { ok: false; problem: 'slugTaken' };

/** Postgres's unique_violation on the slug: another save took the address between our check and our write. */
function isSlugConflict(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && typeof e.constraint === 'string' && e.constraint.includes('slug');
}

async function saving(save: () => Promise<Mission>): Promise<MissionSaveOutcome> {
  try {
    return { ok: true, mission: await save() };
  } catch (error) {
    if (isSlugConflict(error)) return { ok: false, problem: 'slugTaken' };
    throw error;
  }
}

export async function createMission(db: Db, input: MissionColumns, staffId: number): Promise<MissionSaveOutcome> {
  if (await isMissionSlugInUse(db, input.slug)) return { ok: false, problem: 'slugTaken' };
  return saving(() =>
    db.transaction().execute(async (trx) => {
      const created = await insertMission(trx, input);
      await recordAudit(trx, { staffId, action: 'mission.created', subjectType: 'mission', subjectId: created.id, after: missionRecord(created) });
      return created;
    }),
  );
}

export async function changeMission(db: Db, missionId: number, input: MissionColumns, staffId: number): Promise<MissionSaveOutcome> {
  if (await isMissionSlugInUse(db, input.slug, missionId)) return { ok: false, problem: 'slugTaken' };
  return saving(() =>
    db.transaction().execute(async (trx) => {
      // Locked, so the audit's "before" is exactly what this change replaced.
      const before = await lockMission(trx, missionId);
      if (!before) throw new Error(`mission ${missionId} vanished while it was being saved`);
      const after = await updateMission(trx, missionId, input);
      await recordAudit(trx, { staffId, action: 'mission.updated', subjectType: 'mission', subjectId: missionId, before: missionRecord(before), after: missionRecord(after) });
      return after;
    }),
  );
}
