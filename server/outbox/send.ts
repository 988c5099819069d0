// Sends one owed email (an outbox row): the feature that owes it composes it, and it is sent once (send-once.ts).
import { sql } from 'kysely';
import type { AppContext } from '../context';
import type { Db } from '../database';
import { renderTemplate } from '../http/views';
import type { OutboxMessage, OutboxTopic } from './outbox.table';
import { sendOnce } from './send-once';

export interface Email {
  to: string;
  subject: string;
  html: string;
  text: string;
  locale: string;
}

/** Writes the email an outbox row owes, or nothing when there is no one to send it to any more. */
export type Composer = (ctx: Pick<AppContext, 'config'>, trx: Db, payload: OutboxMessage['payload'], outboxId: number) => Promise<Email | undefined>;
export type Composers = Record<OutboxTopic, Composer>;

/** The HTML and text parts of views/emails/<template>, rendered side by side. */
export async function renderEmail(template: string, view: Record<string, unknown>, cache: boolean): Promise<{ html: string; text: string }> {
  const [html, text] = await Promise.all([renderTemplate(`emails/${template}.html`, view, { cache }), renderTemplate(`emails/${template}.text`, view, { cache })]);
  return { html, text };
}

export type SendOutcome = 'sent' | 'already sent' | 'nothing to send';

export async function sendOutboxRow(ctx: Pick<AppContext, 'db' | 'config' | 'mailer' | 'logger'>, composers: Composers, outboxId: number): Promise<SendOutcome> {
  let lastError: string | null = null;
  const markSent = (db: Db, onlyIfUnsent: boolean) =>
    db
      .updateTable('outbox')
      .set((eb) => ({ sent_at: sql`now()`, attempts: eb('attempts', '+', 1), last_error: lastError }))
      .where('id', '=', outboxId)
      .$if(onlyIfUnsent, (qb) => qb.where('sent_at', 'is', null))
      .executeTakeFirst()
      .then((result) => result.numUpdatedRows > 0n);
  try {
    return await sendOnce<SendOutcome>(ctx, {
      describe: { outboxId },
      async prepare(trx) {
        const row = await trx.selectFrom('outbox').selectAll().where('id', '=', outboxId).forUpdate().executeTakeFirst();
        if (!row || row.sent_at) return { done: 'already sent' };
        const email = await composers[row.topic](ctx, trx, row.payload, row.id);
        if (!email) {
          lastError = 'nothing to send: no donor address';
          await markSent(trx, false);
          return { done: 'nothing to send' };
        }
        const domain = /@([^>\s]+)/.exec(ctx.config.mailFrom)?.[1] ?? 'smilefund.local';
        const message = {
          from: ctx.config.mailFrom,
          to: email.to,
          subject: email.subject,
          html: email.html,
          text: email.text,
          // The same id on a resend lets mail clients fold a rare duplicate into one message.
          messageId: `<${row.dedupe_key}@${domain}>`,
          headers: { 'Content-Language': email.locale },
        };
        return { message, sent: 'sent' };
      },
      markSent,
    });
  } catch (error) {
    await ctx.db
      .updateTable('outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error instanceof Error ? error.message.slice(0, 2000) : String(error) }))
      .where('id', '=', outboxId)
      .execute()
      .catch(() => undefined);
    throw error;
  }
}
