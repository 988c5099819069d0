// The unsubscribe link in every impact email: a page that asks, and the POST that records the opt-out.
import { Router, type Response } from 'express';
import { sql } from 'kysely';
import type { AppContext } from '../context';
import { NotFound } from '../http/errors';
import { verifyToken } from '../http/signed-links';
import { impactWordingFor } from './wording';

export function impactRoutes({ db, config }: AppContext): Router {
  const router = Router();

  async function donorOf(token: string, res: Response) {
    const id = verifyToken(config.sessionSecret, 'unsubscribe', token);
    const donorId = id && /^\d{1,10}$/.test(id) ? Number(id) : undefined;
    const donor = donorId ? await db.selectFrom('donors').select(['id', 'email', 'locale', 'impact_opt_out_at']).where('id', '=', donorId).executeTakeFirst() : undefined;
    if (!donor) throw new NotFound(impactWordingFor(res.locals.locale ?? 'en').wording.invalidLink);
    return donor;
  }

  function render(res: Response, donor: { email: string; locale: string }, token: string, done: boolean) {
    const { locale, wording: w } = impactWordingFor(donor.locale);
    res.set('Cache-Control', 'private, no-store').set('X-Robots-Tag', 'noindex');
    res.render('impact/unsubscribe', {
      title: done ? w.unsubscribedTitle : w.unsubscribeTitle,
      locale,
      heading: done ? w.unsubscribedTitle : w.unsubscribeTitle,
      message: done ? w.unsubscribedBody(donor.email) : w.unsubscribeQuestion(donor.email),
      done,
      action: `/unsubscribe/${token}`,
      button: w.unsubscribeButton,
    });
  }

  // A GET never unsubscribes: mail scanners and link previews fetch every link they see.
  router.get('/unsubscribe/:token', async (req, res) => {
    const donor = await donorOf(req.params.token, res);
    render(res, donor, req.params.token, donor.impact_opt_out_at !== null);
  });

  // Both the page's button and a mail client's RFC 8058 one-click POST land here. The signed token is
  // the authentication, so this route takes no CSRF token: a mail client has none to send.
  router.post('/unsubscribe/:token', async (req, res) => {
    const donor = await donorOf(req.params.token, res);
    await db
      .updateTable('donors')
      .set({ impact_opt_out_at: sql`coalesce(impact_opt_out_at, now())`, updated_at: sql`now()` })
      .where('id', '=', donor.id)
      .execute();
    render(res, donor, req.params.token, true);
  });

  return router;
}
