// Staff for tests: an account with a password, and a supertest agent signed in as it.
import { bytesOf } from './pdf';
import request from 'supertest';
import type { Db } from '../../server/database';
import type { StaffRole } from '../../server/tables/staff-members.table';
import { hashPassword } from '../../server/staff/passwords';

export const staffPassword = 'correct horse battery staple';

let counter = 0;
// scrypt is slow on purpose; every test member shares one hash of the one password (signing in still checks it).
let passwordHash: Promise<string> | undefined;

export async function aStaffMember(db: Db, roles: StaffRole[], overrides: { email?: string; name?: string } = {}) {
  counter += 1;
  const email = overrides.email ?? `staff${counter}-${roles.join('-') || 'none'}@example.org`;
  const row = await db
    .insertInto('staff_members')
    .values({ email, name: overrides.name ?? `Staff ${counter}`, roles, password_hash: await (passwordHash ??= hashPassword(staffPassword)) })
    .returning(['id', 'email', 'name'])
    .executeTakeFirstOrThrow();
  return { ...row, password: staffPassword };
}

/** The hidden CSRF field of a staff page. */
export function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF field on the page');
  return token;
}

export interface StaffAgent {
  agent: ReturnType<typeof request.agent>;
  /** A valid CSRF token for this agent's forms. */
  csrf: string;
  /** POSTs a form with the CSRF token added. */
  post(path: string, form?: Record<string, string | string[]>): request.Test;
}

/**
 * Signs in through the real sign-in form and keeps the cookies; `headers` go with every request (an
 * X-Forwarded-For, to sign in from another network). Signing in renews the form tokens, so the agent's
 * token is read again from a page after it.
 */
export async function signInAs(app: Parameters<typeof request.agent>[0], email: string, password = staffPassword, headers: Record<string, string> = {}): Promise<StaffAgent> {
  const agent = request.agent(app).set(headers);
  const page = await agent.get('/staff/sign-in').expect(200);
  await agent.post('/staff/sign-in').type('form').send({ _csrf: csrfOf(page.text), email, password }).expect(303);
  const csrf = csrfOf((await agent.get('/staff').expect(200)).text);
  return {
    agent,
    csrf,
    post: (path, form = {}) => agent.post(path).type('form').send({ _csrf: csrf, ...form }),
  };
}

/** A file the staff area sends (a CSV export), as the exact text that came over the wire, byte order mark included. */
export async function downloadText(staff: StaffAgent, path: string): Promise<string> {
  const res = await bytesOf(staff.agent.get(path).expect(200));
  return res.body.toString('utf8');
}

/** Signs in with plain HTTP, as a browser does, against a running server; the cookies for later requests. */
export async function signInCookies(url: string, email: string, password = staffPassword): Promise<string> {
  const form = await fetch(`${url}/staff/sign-in`);
  const csrfCookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const signedIn = await fetch(`${url}/staff/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: csrfCookie },
    body: new URLSearchParams({ _csrf: csrfOf(await form.text()), email, password }).toString(),
  });
  if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}, not 303`);
  // Signing in renews the CSRF cookie: the later value of a cookie wins.
  const pairs = [csrfCookie, ...signedIn.headers.getSetCookie().map((c) => c.split(';')[0])].flatMap((cookie) => (cookie ?? '').split('; ')).filter(Boolean);
  const cookies = new Map(pairs.map((pair) => [pair.split('=')[0], pair] as const));
  return [...cookies.values()].join('; ');
}
