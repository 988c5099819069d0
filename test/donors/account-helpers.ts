// Signing in to the donor account the way a donor does: ask at /account, open the emailed link, press the button.
import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { aDonor, type GivingHarness } from '../support/giving';
import { waitUntil } from '../support/wait';

export function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF field on the page');
  return token;
}

export const linkIn = (mail: ParsedMail) => /https?:\/\/[^\s"]+\/account\/sign-in\/([A-Za-z0-9_-]{43})/.exec(String(mail.text))?.[0];

/** The sign-in emails an address has received, once there are at least `count` (bounded wait). */
export async function signInMails(h: GivingHarness, email: string, count: number): Promise<ParsedMail[]> {
  const mails = () => h.mail.to(email).filter((mail) => linkIn(mail) !== undefined);
  await waitUntil(`${count} sign-in emails to ${email}`, () => mails().length >= count, { describe: () => mails().length });
  return mails();
}

export type Agent = ReturnType<typeof request.agent>;

/** Asks for a link from a fresh browser (or `agent`); the page's answer. */
export async function askForLink(h: GivingHarness, email: string, agent: Agent = request.agent(h.url)) {
  const page = await agent.get('/account').expect(200);
  return agent.post('/account/sign-in').type('form').send({ _csrf: csrfOf(page.text), email });
}

/** Opens an emailed link and presses "Sign in": the response to that press. */
export async function useLink(agent: Agent, link: string) {
  const path = new URL(link).pathname;
  const page = await agent.get(path);
  const csrf = page.status === 200 ? csrfOf(page.text) : csrfOf((await agent.get('/account')).text);
  return agent.post(path).type('form').send({ _csrf: csrf });
}

export interface SignedInDonor {
  agent: Agent;
  /** POSTs an account form with this browser's CSRF token. */
  post(path: string, form?: Record<string, string>): request.Test;
}

/** A browser signed in as `email`, through the real emailed link. */
export async function signIn(h: GivingHarness, email: string): Promise<SignedInDonor> {
  const agent = request.agent(h.url);
  const before = h.mail.to(email).filter((mail) => linkIn(mail)).length;
  const asked = await askForLink(h, email, agent);
  if (asked.status !== 200) throw new Error(`asking for a link answered ${asked.status}`);
  const mails = await signInMails(h, email, before + 1);
  const used = await useLink(agent, linkIn(mails[mails.length - 1]!)!);
  if (used.status !== 303) throw new Error(`signing in answered ${used.status}`);
  const csrf = csrfOf((await agent.get('/account').expect(200)).text);
  return { agent, post: (path, form = {}) => agent.post(path).type('form').send({ _csrf: csrf, ...form }) };
}

/** A gift paid by card and applied: the donation row. */
export async function giveAndPay(h: GivingHarness, form: Record<string, string>, slug = 'speech-therapy-fund') {
  const { donation, sessionId } = await h.give(slug, aDonor(form));
  const paid = await h.pay(sessionId);
  if (paid.status !== 'succeeded') throw new Error(`payment ${paid.status}`);
  await h.settle();
  return h.donation(donation.id);
}
