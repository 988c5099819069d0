import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import request from 'supertest';
import { demoRounds, seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { runScript } from '../support/processes';
import { decodeEntities } from '../support/html';
import { aStaffMember, csrfOf, signInAs, staffPassword } from '../support/staff';
import { startSmtpSink } from '../support/smtp-sink';
import { createMailer } from '../../server/mailer';
import { sendOwedEmail } from '../../server/emails';
import { lockout } from '../../server/staff/sign-in';
import * as passwords from '../../server/staff/passwords';
import { startTestContext, type TestContext } from '../support/context';
import type { StaffRole } from '../../server/tables/staff-members.table';

/** Every staff page and who may open it; each feature adds its routes here as it arrives. */
export const staffPages: Array<{ path: string; roles: StaffRole[] }> = [
  { path: '/staff', roles: ['admin', 'finance', 'campaign_manager'] },
  { path: '/staff/team', roles: ['admin'] },
  { path: '/staff/audit', roles: ['admin'] },
  { path: '/staff/queues', roles: ['admin'] },
  { path: '/staff/finance', roles: ['finance'] },
  { path: '/staff/finance/gifts', roles: ['finance'] },
  { path: '/staff/finance/offline-gifts', roles: ['finance'] },
  { path: '/staff/finance/exports/gifts.csv', roles: ['finance'] },
  { path: '/staff/finance/exports/donors.csv', roles: ['finance'] },
  // Stripe is unreachable here: the payouts list says so and still opens. A payout's own page and
  // payouts.csv need Stripe's answer; test/staff/payouts.test.ts checks their roles against the emulator.
  { path: '/staff/finance/payouts', roles: ['finance'] },
  { path: '/staff/finance/reconciliation', roles: ['finance'] },
  { path: '/staff/finance/exports/reconciliation.csv', roles: ['finance'] },
  { path: '/staff/campaigns', roles: ['campaign_manager'] },
  { path: '/staff/campaigns/new', roles: ['campaign_manager'] },
  // Seeded in beforeAll below.
  { path: '/staff/campaigns/speech-therapy-fund', roles: ['campaign_manager'] },
  { path: '/staff/campaigns/speech-therapy-fund/edit', roles: ['campaign_manager'] },
  { path: '/staff/missions', roles: ['campaign_manager'] },
  { path: '/staff/missions/new', roles: ['campaign_manager'] },
  { path: '/staff/missions/happy-smile/edit', roles: ['campaign_manager'] },
  // A closed round of the demo, with its spending, transfer and outcomes seeded (a receipt scan's download: test/finance/rounds.test.ts).
  { path: '/staff/finance/rounds', roles: ['finance'] },
  { path: `/staff/finance/rounds/${demoRounds(testNow).closed[0]!.slug}`, roles: ['finance'] },
  { path: `/staff/finance/rounds/${demoRounds(testNow).closed[0]!.slug}/statement.csv`, roles: ['finance'] },
  { path: `/staff/campaigns/${demoRounds(testNow).closed[0]!.slug}/outcomes`, roles: ['campaign_manager'] },
];

describe('the staff area', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow);
  });
  afterAll(() => t.close());

  describe('role matrix', () => {
    const people: Array<{ who: string; roles: StaffRole[] | null }> = [
      { who: 'a visitor', roles: null },
      { who: 'an admin', roles: ['admin'] },
      { who: 'finance', roles: ['finance'] },
      { who: 'a campaign manager', roles: ['campaign_manager'] },
      { who: 'finance and a campaign manager', roles: ['finance', 'campaign_manager'] },
    ];
    for (const person of people) {
      it(`opens each page for ${person.who} only as the rule says`, async () => {
        const agent = person.roles ? (await signInAs(t.app, (await aStaffMember(t.database.db, person.roles)).email)).agent : request.agent(t.app);
        for (const page of staffPages) {
          const res = await agent.get(page.path);
          const expected = !person.roles ? 303 : person.roles.some((r) => r === 'admin' || page.roles.includes(r)) ? 200 : 403;
          expect({ path: page.path, status: res.status }).toEqual({ path: page.path, status: expected });
          if (expected === 303) expect(res.headers.location).toBe(`/staff/sign-in?next=${encodeURIComponent(page.path)}`);
        }
      });
    }
  });

  it('refuses a form without its CSRF token, and changes nothing', async () => {
    const admin = await aStaffMember(t.database.db, ['admin']);
    const { agent } = await signInAs(t.app, admin.email);
    const res = await agent.post('/staff/team').type('form').send({ name: 'Eve', email: 'eve@example.org', roles: 'finance' }).expect(403);
    expect(res.text).toContain('This form has expired');
    await agent.post('/staff/team').type('form').send({ _csrf: 'forged', name: 'Eve', email: 'eve@example.org', roles: 'finance' }).expect(403);
    expect(await t.database.db.selectFrom('staff_members').select('id').where('email', '=', 'eve@example.org').execute()).toEqual([]);
    const json = await agent.post('/staff/sign-out-everywhere').set('Accept', 'application/json').expect(403);
    expect(json.body.error.code).toBe('csrf_failed');
  });

  const refused = 'That email and password do not match an account, or the account is locked on this network for 15 minutes after repeated failures.';
  /** Forgets this network's sign-in attempts, so a test may make more than the per-address limit allows. */
  const forgetSignInLimit = async () => {
    const keys = await t.ctx.redis.keys(`${t.ctx.config.redisPrefix}:sign-in:*`);
    if (keys.length > 0) await t.ctx.redis.del(...keys);
  };

  it('locks an account after five wrong passwords, even for the right one, answering exactly as a wrong password', async () => {
    await forgetSignInLimit();
    const member = await aStaffMember(t.database.db, ['finance']);
    const agent = request.agent(t.app);
    const csrf = csrfOf((await agent.get('/staff/sign-in')).text);
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await agent.post('/staff/sign-in').type('form').send({ _csrf: csrf, email: member.email, password: 'wrong password!' }).expect(401);
      answers.push(decodeEntities(res.text));
    }
    const locked = await agent.post('/staff/sign-in').type('form').send({ _csrf: csrf, email: member.email, password: staffPassword }).expect(401);
    answers.push(decodeEntities(locked.text));
    for (const answer of answers) expect(answer).toContain(refused);
    // Apart from the echoed email, the page is the same whether the password was wrong or the account locked.
    expect(new Set(answers).size).toBe(1);
    await agent.get('/staff').expect(303);
  });

  it('counts parallel guesses one by one: a burst of ten checks at most five passwords, and the account ends locked', async () => {
    await forgetSignInLimit();
    const member = await aStaffMember(t.database.db, ['finance']);
    const { password_hash: hash } = await t.database.db.selectFrom('staff_members').select('password_hash').where('id', '=', member.id).executeTakeFirstOrThrow();
    const verify = jest.spyOn(passwords, 'verifyPassword');
    try {
      const agent = request.agent(t.app);
      const csrf = csrfOf((await agent.get('/staff/sign-in')).text);
      const guesses = Array.from({ length: 10 }, (_, i) => agent.post('/staff/sign-in').type('form').send({ _csrf: csrf, email: member.email, password: `wrong guess ${i}` }));
      expect((await Promise.all(guesses)).map((r) => r.status)).toEqual(Array(10).fill(401));
      expect(verify.mock.calls.filter(([, stored]) => stored === hash).length).toBeLessThanOrEqual(5);
      await agent.post('/staff/sign-in').type('form').send({ _csrf: csrf, email: member.email, password: staffPassword }).expect(401);
      expect(verify.mock.calls.filter(([, stored]) => stored === hash).length).toBeLessThanOrEqual(5);
      const row = await t.database.db
        .selectFrom('staff_sign_in_networks')
        .select(sql<boolean>`locked_until > now()`.as('locked'))
        .where('staff_id', '=', member.id)
        .executeTakeFirstOrThrow();
      expect(row.locked).toBe(true);
    } finally {
      verify.mockRestore();
    }
  });

  /** One sign-in attempt from `network` (an X-Forwarded-For the app trusts from loopback): its status. */
  async function tryPassword(email: string, password: string, network: string): Promise<number> {
    const agent = request.agent(t.app).set('X-Forwarded-For', network);
    const csrf = csrfOf((await agent.get('/staff/sign-in')).text);
    return (await agent.post('/staff/sign-in').type('form').send({ _csrf: csrf, email, password })).status;
  }

  it('locks an account only on the network the wrong passwords came from', async () => {
    await forgetSignInLimit();
    const member = await aStaffMember(t.database.db, ['finance']);
    for (let i = 0; i < 5; i++) expect(await tryPassword(member.email, 'wrong password!', '198.51.100.7')).toBe(401);
    expect(await tryPassword(member.email, staffPassword, '198.51.100.7')).toBe(401);
    // The colleague, at their desk on another network, is not kept out.
    const atDesk = await signInAs(t.app, member.email, staffPassword, { 'X-Forwarded-For': '203.0.113.5' });
    await atDesk.agent.get('/staff').expect(200);
  });

  it('stops guesses spread over many networks, keeps known networks open, and lets the person back in by an emailed link', async () => {
    await forgetSignInLimit();
    const sink = await startSmtpSink();
    const mailer = createMailer(sink.url);
    try {
      const member = await aStaffMember(t.database.db, ['finance']);
      await signInAs(t.app, member.email, staffPassword, { 'X-Forwarded-For': '203.0.113.10' }); // the office
      for (let i = 0; i < lockout.unknownNetworks.failures; i++) expect(await tryPassword(member.email, `guess ${i}`, `198.51.100.${i + 1}`)).toBe(401);
      // Travelling, on a network never used before: locked out, even with the right password.
      expect(await tryPassword(member.email, staffPassword, '192.0.2.1')).toBe(401);
      // At the office it still works.
      expect(await tryPassword(member.email, staffPassword, '203.0.113.10')).toBe(303);

      // From the hotel: "Can't sign in?" mails a link, answered the same for an address nobody has.
      const hotel = request.agent(t.app).set('X-Forwarded-For', '192.0.2.1');
      const help = await hotel.get('/staff/sign-in/help').expect(200);
      const asked = await hotel.post('/staff/sign-in/help').type('form').send({ _csrf: csrfOf(help.text), email: member.email.toUpperCase() }).expect(200);
      const forNobody = await hotel.post('/staff/sign-in/help').type('form').send({ _csrf: csrfOf(help.text), email: 'nobody@example.org' }).expect(200);
      expect(forNobody.text.replace('nobody@example.org', 'EMAIL')).toBe(asked.text.replace(member.email.toUpperCase(), 'EMAIL'));
      const owed = await t.database.db.selectFrom('outbox').select('id').where('topic', '=', 'staff_password_link').orderBy('id').execute();
      expect(owed).toHaveLength(2);
      for (const { id } of owed) await sendOwedEmail({ ...t.ctx, mailer }, id);
      expect(sink.messages).toHaveLength(1);
      const mail = sink.to(member.email)[0]!;
      expect(mail.subject).toContain('Smile Bridge Foundation');
      const path = /\/staff\/password\/[A-Za-z0-9_-]{43}/.exec(String(mail.text))![0];
      const form = await hotel.get(path).expect(200);
      await hotel.post(path).type('form').send({ _csrf: csrfOf(form.text), password: 'a new long password', confirm: 'a new long password' }).expect(303);
      expect(await tryPassword(member.email, 'a new long password', '192.0.2.1')).toBe(303);
      expect(JSON.stringify(await t.database.db.selectFrom('outbox').select('payload').where('topic', '=', 'staff_password_link').execute())).not.toContain('nobody@');
    } finally {
      mailer.close();
      await sink.close();
    }
  });

  it('ends the session already open in a browser when someone signs in over it, and renews the form token', async () => {
    await forgetSignInLimit();
    const first = await aStaffMember(t.database.db, ['finance']);
    const second = await aStaffMember(t.database.db, ['campaign_manager']);
    const sessionsOf = (id: number) => t.database.db.selectFrom('staff_sessions').select('staff_id').where('staff_id', '=', id).execute();
    const browser = request.agent(t.app);
    const beforeSignIn = csrfOf((await browser.get('/staff/sign-in')).text);
    await browser.post('/staff/sign-in').type('form').send({ _csrf: beforeSignIn, email: first.email, password: staffPassword }).expect(303);
    expect(await sessionsOf(first.id)).toHaveLength(1);
    const firstsToken = csrfOf((await browser.get('/staff').expect(200)).text);
    expect(firstsToken).not.toBe(beforeSignIn);

    // A colleague signs in at the same browser: the first person's session ends, not only its cookie.
    await browser.post('/staff/sign-in').type('form').send({ _csrf: firstsToken, email: second.email, password: staffPassword }).expect(303);
    expect(await sessionsOf(first.id)).toHaveLength(0);
    expect(await sessionsOf(second.id)).toHaveLength(1);
    // Neither earlier token passes now: signing in renewed the value and bound it to the new session.
    await browser.post('/staff/sign-out-everywhere').type('form').send({ _csrf: beforeSignIn }).expect(403);
    await browser.post('/staff/sign-out-everywhere').type('form').send({ _csrf: firstsToken }).expect(403);
    expect(await sessionsOf(second.id)).toHaveLength(1);
  });

  it('lets only the queue dashboard’s own scripts change a queue, not a form or script on another origin', async () => {
    await forgetSignInLimit();
    // One server for every request, so that the page's own origin stays the same throughout.
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const admin = await signInAs(server, (await aStaffMember(t.database.db, ['admin'])).email);
      const pause = '/staff/queues/api/queues/stripe-events/pause';
      const queue = t.ctx.queues.queue('stripe-events');
      // A form on another port of the same host, and a script there: no token, and not our origin.
      await admin.agent.put(pause).type('form').set('Origin', 'http://127.0.0.1:8081').send('x=1').expect(403);
      await admin.agent.put(pause).set('Sec-Fetch-Site', 'same-site').set('Origin', 'http://127.0.0.1:8081').expect(403);
      await admin.agent.put(pause).expect(403);
      expect(await queue.isPaused()).toBe(false);
      // The dashboard's own request, from a browser that says so or only by Origin.
      await admin.agent.put(pause).set('Sec-Fetch-Site', 'same-origin').expect(200);
      expect(await queue.isPaused()).toBe(true);
      await queue.resume();
      await admin.agent.put(pause).set('Origin', origin).expect(200);
      expect(await queue.isPaused()).toBe(true);
      await queue.resume();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers an unknown email exactly as a wrong password', async () => {
    await forgetSignInLimit();
    const agent = request.agent(t.app);
    const csrf = csrfOf((await agent.get('/staff/sign-in')).text);
    const res = await agent.post('/staff/sign-in').type('form').send({ _csrf: csrf, email: 'nobody@example.org', password: 'whatever it is' }).expect(401);
    expect(decodeEntities(res.text)).toContain(refused);
  });

  it('signs out everywhere: every other device’s session ends too', async () => {
    const member = await aStaffMember(t.database.db, ['campaign_manager']);
    const laptop = await signInAs(t.app, member.email);
    const phone = await signInAs(t.app, member.email);
    await phone.agent.get('/staff').expect(200);
    await laptop.post('/staff/sign-out-everywhere').expect(303);
    await phone.agent.get('/staff').expect(303);
    await laptop.agent.get('/staff').expect(303);
  });

  it('keeps the session cookie HttpOnly and SameSite=Lax', async () => {
    const member = await aStaffMember(t.database.db, ['finance']);
    const agent = request.agent(t.app);
    const csrf = csrfOf((await agent.get('/staff/sign-in')).text);
    const res = await agent.post('/staff/sign-in').type('form').send({ _csrf: csrf, email: member.email, password: staffPassword }).expect(303);
    const cookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('sf_staff='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/staff/);
  });

  it('invites a colleague, records it in the audit log, and lets them set a password once', async () => {
    const admin = await aStaffMember(t.database.db, ['admin']);
    const session = await signInAs(t.app, admin.email);
    const invited = await session.post('/staff/team', { name: '陈经理', email: 'chan@example.org', roles: ['finance', 'campaign_manager'] }).expect(200);
    const path = /\/staff\/password\/[A-Za-z0-9_-]{43}/.exec(invited.text)?.[0];
    expect(path).toBeDefined();

    const newcomer = request.agent(t.app);
    const form = await newcomer.get(path!).expect(200);
    await newcomer.post(path!).type('form').send({ _csrf: csrfOf(form.text), password: 'short', confirm: 'short' }).expect(422);
    await newcomer.post(path!).type('form').send({ _csrf: csrfOf(form.text), password: 'a long enough password', confirm: 'a long enough password' }).expect(303);
    await newcomer.get(path!).expect(404);
    const signedIn = await signInAs(t.app, 'chan@example.org', 'a long enough password');
    await signedIn.agent.get('/staff').expect(200);

    const chan = await t.database.db.selectFrom('staff_members').select('id').where('email', '=', 'chan@example.org').executeTakeFirstOrThrow();
    await session.post(`/staff/team/${chan.id}/roles`, { roles: 'finance' }).expect(303);
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('subject_id', '=', String(chan.id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['staff.invited', 'staff.password_set', 'staff.roles_changed']);
    expect(audit[0]).toMatchObject({ staff_id: admin.id, after: { email: 'chan@example.org', roles: ['finance', 'campaign_manager'] } });
    expect(audit[2]).toMatchObject({ staff_id: admin.id, before: { roles: ['finance', 'campaign_manager'] }, after: { roles: ['finance'] } });
    await expect(t.database.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    const page = await session.agent.get('/staff/audit').expect(200);
    expect(page.text).toContain('staff.roles_changed');
  });

  it('will not re-enable a disabled account by inviting it again', async () => {
    await forgetSignInLimit();
    const db = t.database.db;
    const admin = await aStaffMember(db, ['admin']);
    const session = await signInAs(t.app, admin.email);
    const leaver = await aStaffMember(db, ['finance'], { email: 'leaver@example.org' });
    await session.post(`/staff/team/${leaver.id}/disable`).expect(303);

    const page = await session.post('/staff/team', { name: 'Leaver', email: 'Leaver@Example.org', roles: 'admin' }).expect(409);
    expect(decodeEntities(page.text)).toContain('This account is disabled; enable it first.');
    expect(page.text).not.toMatch(/\/staff\/password\/[A-Za-z0-9_-]{43}/);
    const row = await db.selectFrom('staff_members').select(['roles', 'disabled_at']).where('id', '=', leaver.id).executeTakeFirstOrThrow();
    expect(row.roles).toEqual(['finance']);
    expect(row.disabled_at).not.toBeNull();
    expect(await db.selectFrom('staff_password_links').select('staff_id').where('staff_id', '=', leaver.id).execute()).toEqual([]);
    const audit = await db.selectFrom('audit_log').select('action').where('subject_id', '=', String(leaver.id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['staff.disabled']);
  });

  it('issues no password link by inviting an account that has a password, and records the invitation', async () => {
    await forgetSignInLimit();
    const db = t.database.db;
    const admin = await aStaffMember(db, ['admin']);
    const session = await signInAs(t.app, admin.email);
    const colleague = await aStaffMember(db, ['finance']);
    const page = await session.post('/staff/team', { name: colleague.name, email: colleague.email, roles: 'campaign_manager' }).expect(200);
    expect(page.text).not.toMatch(/\/staff\/password\/[A-Za-z0-9_-]{43}/);
    expect(await db.selectFrom('staff_password_links').select('staff_id').where('staff_id', '=', colleague.id).execute()).toEqual([]);
    const audit = await db.selectFrom('audit_log').selectAll().where('subject_id', '=', String(colleague.id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['staff.reinvited']);
    expect(audit[0]).toMatchObject({ staff_id: admin.id, before: { roles: ['finance'] }, after: { roles: ['finance', 'campaign_manager'] } });
  });

  it('creates the first admin from the command line, printing a one-time link', async () => {
    const env = { DATABASE_URL: t.database.url, BASE_URL: 'https://give.example.org' };
    const created = await runScript('server/staff/staff.cli.ts', env, ['create', '--email', 'first@example.org', '--role', 'admin', '--name', 'First Admin']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/https:\/\/give\.example\.org\/staff\/password\/[A-Za-z0-9_-]{43}/);
    const bad = await runScript('server/staff/staff.cli.ts', env, ['create', '--email', 'x@example.org', '--role', 'owner']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--role: expected one or more of admin, finance, campaign_manager.');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
