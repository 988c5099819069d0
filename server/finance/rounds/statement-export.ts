// A round's statement as a CSV file: one line per movement of its restricted money, signed as it moves the
// round's balance (income in, spending out, a reversal the other way, transfers in and out), then one
// balance line per currency, which is the sum of the lines before it in that currency. Amounts in major
// units beside their currency, times in the organisation's time zone, which the header names.
import type { Response } from 'express';
import type { Round } from '../../missions/rounds/rounds.repository';
import type { RoundStatement } from '../../missions/rounds/statement';
import { csvAmount, csvTime, sendCsv, zonedColumn, type CsvValue } from '../csv';

type Line = 'income' | 'spending' | 'transfer_in' | 'transfer_out' | 'balance';

interface StatementLine {
  line: Line;
  entryId?: number;
  recordedAt?: Date;
  day?: string;
  category?: string;
  otherRound?: string;
  note?: string;
  currency: string;
  /** Signed as it moves the round's balance. */
  amount: number;
  reverses?: number | null;
  recordedBy?: string | null;
}

/** The statement's lines in the order the file lists them: income, spending, transfers, balances. */
export function statementLines(round: Pick<Round, 'id'>, statement: RoundStatement): StatementLine[] {
  const income = statement.funds.filter((fund) => fund.income !== 0).map((fund): StatementLine => ({ line: 'income', currency: fund.currency, amount: fund.income }));
  const spending = statement.spending.map(
    (row): StatementLine => ({
      line: 'spending',
      entryId: row.id,
      recordedAt: row.recorded_at,
      day: row.spent_on,
      category: row.category,
      note: row.note,
      currency: row.currency,
      amount: -row.amount,
      reverses: row.reverses_id,
      recordedBy: row.recorded_by_name,
    }),
  );
  const transfers = statement.transfers.map((row): StatementLine => {
    const out = row.from_campaign_id === round.id;
    return {
      line: out ? 'transfer_out' : 'transfer_in',
      entryId: row.id,
      recordedAt: row.recorded_at,
      otherRound: out ? row.to_slug : row.from_slug,
      note: row.note,
      currency: row.currency,
      amount: out ? -row.amount : row.amount,
      reverses: row.reverses_id,
      recordedBy: row.recorded_by_name,
    };
  });
  const balances = statement.funds.map((fund): StatementLine => ({ line: 'balance', currency: fund.currency, amount: fund.balance }));
  return [...income, ...spending, ...transfers, ...balances];
}

async function* each<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

/** Sends the statement of `round` as `round-SLUG-TODAY.csv`; `today` is the organisation's day. */
export function sendStatementCsv(res: Response, round: Round, statement: RoundStatement, timeZone: string, today: string): Promise<void> {
  const header = ['round', 'line', 'entry_id', zonedColumn('recorded_at', timeZone), 'day', 'category', 'other_round', 'note', 'currency', 'amount', 'reverses_entry_id', 'recorded_by'];
  const values = (line: StatementLine): CsvValue[] => [
    round.slug,
    line.line,
    line.entryId,
    csvTime(line.recordedAt, timeZone),
    line.day,
    line.category,
    line.otherRound,
    line.note,
    line.currency,
    csvAmount(line.amount, line.currency),
    line.reverses,
    line.recordedBy,
  ];
  return sendCsv(res, `round-${round.slug}-${today}.csv`, header, each(statementLines(round, statement)), values);
}
