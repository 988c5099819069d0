// The one way an email leaves: its row (an outbox row, an impact delivery) is locked while the mail
// server takes the message and marked sent in that same transaction, so two runs of one job never both
// send it. What no SMTP sender can close is the moment between the server's acceptance and our commit:
// a worker that dies there sends the email again on retry, and so can a second run of the job if the
// connection holding the lock drops there. Both copies carry the same Message-ID, so mail clients show
// one; the second case is noted in the log (`sendWindows`), and the first by the worker's death.
import type Mail from 'nodemailer/lib/mailer';
import type { Db, Trx } from '../database';
import type { AppContext } from '../context';

/** What the log says when an email may have gone twice (see above): tests and operators count these. */
export const sendWindows = {
  sentTwice: 'email: sent twice (the connection holding its row dropped while it was sent, and another run sent it too)',
  unmarked: 'email: accepted by the mail server but not marked sent (the database could not be reached); a retry will send it again',
} as const;

export interface OnceSend<Outcome> {
  /** For the log: which email this is. */
  describe: Record<string, unknown>;
  /** Inside the transaction: lock the row, then either an outcome that needs no email, or the message to send. */
  prepare(trx: Trx): Promise<{ done: Outcome } | { message: Mail.Options; sent: Outcome }>;
  /** Marks the row sent; with `onlyIfUnsent`, touches it only if nobody else has, and says whether it did. */
  markSent(db: Db, onlyIfUnsent: boolean): Promise<boolean>;
}

export async function sendOnce<Outcome>(ctx: Pick<AppContext, 'db' | 'mailer' | 'logger'>, send: OnceSend<Outcome>): Promise<Outcome> {
  let accepted: Outcome | undefined;
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const prepared = await send.prepare(trx);
      if ('done' in prepared) return prepared.done;
      await ctx.mailer.sendMail(prepared.message);
      accepted = prepared.sent;
      await send.markSent(trx, false);
      return prepared.sent;
    });
  } catch (error) {
    if (accepted === undefined) throw error;
    // The mail server has the message and only our note of it was lost: note it on another connection so
    // the retry does not send it again. A few times, since the pool may first hand out a connection that
    // dropped with the first one.
    for (let attempt = 0; attempt < 5; attempt++) {
      const marked = await send.markSent(ctx.db, true).then(
        (fresh) => ({ fresh }),
        () => undefined,
      );
      if (marked) {
        if (!marked.fresh) ctx.logger.warn(send.describe, sendWindows.sentTwice);
        return accepted;
      }
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
    ctx.logger.error({ ...send.describe, err: error }, sendWindows.unmarked);
    throw error;
  }
}
