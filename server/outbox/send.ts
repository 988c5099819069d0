// Sends one owed email (an outbox row): the feature that owes it composes it, and it is sent once (send-once.ts).
import type { AppContext } from '../context';
import type { Db, Trx } from '../database';
import { localeFrom } from '../http/language';
import { renderTemplate } from '../http/views';
import { mailSender } from '../organisation';
import type { OutboxMessage, OutboxTopic } from '../tables/outbox.table';
import { sendOnce } from './send-once';
import { lockOutboxRow, markOutboxSent, noteOutboxFailure } from './outbox.repository';

export interface Email {
  to: string;
  subject: string;
  html: string;
  text: string;
  locale: string;
  /** Beside Content-Language: a news email's List-Unsubscribe, say. */
  headers?: Record<string, string>;
  /** Files sent with it: a receipt's PDF. */
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
}

/** Writes the email an outbox row owes, or nothing when there is no one to send it to any more (or, for news, no consent). */
export type Composer = (ctx: Pick<AppContext, 'config' | 'db'>, trx: Trx, payload: OutboxMessage['payload'], outboxId: number) => Promise<Email | undefined>;
export type Composers = Record<OutboxTopic, Composer>;

/** The HTML and text parts of views/emails/<template>, rendered side by side. */
export async function renderEmail(template: string, view: Record<string, unknown>, cache: boolean): Promise<{ html: string; text: string }> {
  const [html, text] = await Promise.all([renderTemplate(`emails/${template}.html`, view, { cache }), renderTemplate(`emails/${template}.text`, view, { cache })]);
  return { html, text };
}

/** The same id on a resend lets mail clients fold a rare duplicate into one message; `key` is unique to the message. */
export function messageIdFor(mailFrom: string, key: string): string {
  const domain = /@([^>\s]+)/.exec(mailFrom)?.[1] ?? 'smilefund.local';
  return `<${key}@${domain}>`;
}

export type SendOutcome = 'sent' | 'already sent' | 'nothing to send';

export async function sendOutboxRow(ctx: Pick<AppContext, 'db' | 'config' | 'mailer' | 'logger'>, composers: Composers, outboxId: number): Promise<SendOutcome> {
  let lastError: string | null = null;
  const markSent = (db: Db, onlyIfUnsent: boolean) => markOutboxSent(db, outboxId, lastError, onlyIfUnsent);
  try {
    return await sendOnce<SendOutcome>(ctx, {
      describe: { outboxId },
      async prepare(trx) {
        const row = await lockOutboxRow(trx, outboxId);
        if (!row || row.sent_at) return { done: 'already sent' };
        const email = await composers[row.topic](ctx, trx, row.payload, row.id);
        // An address of the .invalid domain (RFC 2606) reaches nobody: a forgotten donor's row holds one.
        if (!email || /\.invalid>?$/i.test(email.to.trim())) {
          lastError = 'nothing to send: no donor address, or no consent any more';
          await markSent(trx, false);
          return { done: 'nothing to send' };
        }
        const message = {
          from: mailSender(ctx.config, localeFrom(email.locale)),
          to: email.to,
          subject: email.subject,
          html: email.html,
          text: email.text,
          messageId: messageIdFor(ctx.config.mailFrom, row.dedupe_key),
          headers: { 'Content-Language': email.locale, ...email.headers },
          attachments: email.attachments,
        };
        return { message, sent: 'sent' };
      },
      markSent,
    });
  } catch (error) {
    await noteOutboxFailure(ctx.db, outboxId, error instanceof Error ? error.message.slice(0, 2000) : String(error)).catch(() => undefined);
    throw error;
  }
}
