// Sends one donor's copy of an impact update, once (receipts/send-once.ts).
import { sql } from 'kysely';
import type { Db } from '../database';
import type { AppContext } from '../context';
import { renderTemplate } from '../http/views';
import { localize } from '../locale';
import { publicUrl, type ReadyConfig } from '../config';
import { sendOnce } from '../outbox/send-once';
import { signToken } from '../http/signed-links';
import { impactUpdateView } from './presentation';
import { completeIfDone } from './impact.repository';
import { impactWordingFor } from './wording';

export function unsubscribeUrl(config: ReadyConfig, donorId: number): string {
  return `${publicUrl(config)}/unsubscribe/${signToken(config.sessionSecret, 'unsubscribe', String(donorId))}`;
}

export type ImpactSendOutcome = 'sent' | 'skipped: opted out' | 'already done' | 'no such delivery';

export async function sendImpactEmail(ctx: Pick<AppContext, 'db' | 'config' | 'mailer' | 'logger'>, updateId: number, donorId: number): Promise<ImpactSendOutcome> {
  const { config } = ctx;
  const markDone = (db: Db, column: 'sent_at' | 'skipped_at', onlyIfUndone = false) =>
    db
      .updateTable('impact_deliveries')
      .set({ [column]: sql`now()` })
      .where('update_id', '=', updateId)
      .where('donor_id', '=', donorId)
      .$if(onlyIfUndone, (qb) => qb.where('sent_at', 'is', null).where('skipped_at', 'is', null))
      .executeTakeFirst()
      .then((result) => result.numUpdatedRows > 0n);
  const outcome = await sendOnce<ImpactSendOutcome>(ctx, {
    describe: { updateId, donorId },
    async prepare(trx) {
      const delivery = await trx
        .selectFrom('impact_deliveries')
        .select(['sent_at', 'skipped_at'])
        .where('update_id', '=', updateId)
        .where('donor_id', '=', donorId)
        .forUpdate()
        .executeTakeFirst();
      if (!delivery) return { done: 'no such delivery' };
      if (delivery.sent_at || delivery.skipped_at) return { done: 'already done' };

      const donor = await trx.selectFrom('donors').select(['email', 'name', 'locale', 'impact_opt_out_at']).where('id', '=', donorId).executeTakeFirstOrThrow();
      // The donor may have opted out (from an earlier update's email) after the fan-out found them.
      if (donor.impact_opt_out_at) {
        await markDone(trx, 'skipped_at');
        return { done: 'skipped: opted out' };
      }
      const update = await trx
        .selectFrom('impact_updates')
        .innerJoin('campaigns', 'campaigns.id', 'impact_updates.campaign_id')
        .selectAll('impact_updates')
        .select(['campaigns.slug as campaign_slug', 'campaigns.title as campaign_title'])
        .where('impact_updates.id', '=', updateId)
        .executeTakeFirstOrThrow();

      const { locale, wording: w } = impactWordingFor(donor.locale);
      const campaign = localize(update.campaign_title, locale);
      const unsubscribe = unsubscribeUrl(config, donorId);
      const view = {
        locale,
        w,
        subject: w.subject(campaign, update.title),
        greeting: w.greeting(donor.name ?? w.friend),
        intro: w.intro(campaign),
        update: { ...impactUpdateView(update, locale), bodyMarkdown: update.body_markdown },
        campaignUrl: `${publicUrl(config)}/campaigns/${update.campaign_slug}#update-${update.id}`,
        why: w.why(campaign),
        unsubscribeUrl: unsubscribe,
        organisation: config.organisation,
      };
      const cache = config.env === 'production';
      const [html, text] = await Promise.all([renderTemplate('emails/impact.html', view, { cache }), renderTemplate('emails/impact.text', view, { cache })]);
      const domain = /@([^>\s]+)/.exec(config.mailFrom)?.[1] ?? 'smilefund.local';
      const message = {
        from: config.mailFrom,
        to: donor.email,
        subject: view.subject,
        html,
        text,
        // The same id on a resend lets mail clients fold a rare duplicate into one message.
        messageId: `<impact-${updateId}-${donorId}@${domain}>`,
        headers: {
          'Content-Language': locale,
          // RFC 8058 one-click unsubscribe: the mail client POSTs "List-Unsubscribe=One-Click" to the link.
          'List-Unsubscribe': `<${unsubscribe}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      };
      return { message, sent: 'sent' };
    },
    markSent: (db, onlyIfUnsent) => markDone(db, 'sent_at', onlyIfUnsent),
  });
  // After the commit, so that of two last sends finishing together, the later one sees both.
  if (outcome !== 'no such delivery') await completeIfDone(ctx.db, updateId);
  return outcome;
}
