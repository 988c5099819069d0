import type { ColumnType, Generated, Selectable } from 'kysely';

/** A monthly or yearly gift moved off a round that closed, to the mission's next open round or the general fund. */
export interface RecurringPlanMoveTable {
  id: Generated<string>;
  plan_id: string;
  from_campaign_id: number;
  to_campaign_id: number;
  moved_at: ColumnType<Date, Date, Date>;
}

export type RecurringPlanMove = Selectable<RecurringPlanMoveTable>;
