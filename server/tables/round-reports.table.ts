import type { ColumnType, Insertable, Selectable } from 'kysely';
import type { Jsonb } from './columns';
import type { OutcomeKind } from './round-outcomes.table';

/** A procedure as the report froze it: children operated under it. */
export interface ReportedProcedure {
  kind: Exclude<OutcomeKind, 'speech_therapy_session'>;
  label: string | null;
  count: number;
}

/**
 * A round's report to its donors, published once by a campaign manager after the round closed: its income
 * in the mission's currency (the sum of every giver's `counted` share, to the minor unit) and its outcomes,
 * as they stood then. Append-only: what donors were told stays what they were told.
 */
export interface RoundReportTable {
  campaign_id: number;
  /** The mission's currency. */
  currency: string;
  income: number;
  /** People (or gifts without an email) holding a share. */
  givers: number;
  children_operated: number;
  speech_therapy_sessions: number;
  procedures: Jsonb<ReportedProcedure[]>;
  published_by: number;
  published_at: ColumnType<Date, Date, never>;
}

/** One giver's gifts to the round in one currency: `given` as given, net; `counted` its part of the report's income. */
export interface RoundReportShareTable {
  campaign_id: number;
  /** As in campaign_givers: the donor's id, or the donation's id for a gift given without an email. */
  who: string;
  donor_id: number | null;
  /** The gift itself, for a gift given without an email (who is then its id); null for a donor. */
  donation_id: string | null;
  currency: string;
  given: number;
  counted: number;
  first_given_at: ColumnType<Date, Date, never>;
}

export type RoundReport = Selectable<RoundReportTable>;
export type RoundReportShare = Selectable<RoundReportShareTable>;
export type NewRoundReportShare = Insertable<RoundReportShareTable>;
