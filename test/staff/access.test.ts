import { sql } from 'kysely';
import request from 'supertest';
import { seedDemoData } from '../../db/seed';
import { testNow } from '../support/clock';
import { runScript } from '../support/processes';
import { decodeEntities } from '../support/html';
import { aStaffMember, csrfOf, signInAs, staffPassword } from '../support/staff';
import * as passwords from '../../server/staff/passwords';
import { startTestContext, type TestContext } from '../support/context';
import type { StaffRole } from '../../db/schema';

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

  const refused = 'That email and password do not match an account, or the account is locked for 15 minutes after repeated failures.';
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
        .selectFrom('staff_members')
        .select(sql<boolean>`locked_until > now()`.as('locked'))
        .where('id', '=', member.id)
        .executeTakeFirstOrThrow();
      expect(row.locked).toBe(true);
    } finally {
      verify.mockRestore();
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

  it('records in the audit log a password link issued by inviting an existing account', async () => {
    await forgetSignInLimit();
    const db = t.database.db;
    const admin = await aStaffMember(db, ['admin']);
    const session = await signInAs(t.app, admin.email);
    const colleague = await aStaffMember(db, ['finance']);
    const page = await session.post('/staff/team', { name: colleague.name, email: colleague.email, roles: 'campaign_manager' }).expect(200);
    expect(page.text).toMatch(/\/staff\/password\/[A-Za-z0-9_-]{43}/);
    const audit = await db.selectFrom('audit_log').selectAll().where('subject_id', '=', String(colleague.id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['staff.roles_changed', 'staff.password_link_issued']);
    expect(audit[1]).toMatchObject({ staff_id: admin.id, after: { email: colleague.email } });
  });

  it('creates the first admin from the command line, printing a one-time link', async () => {
    const env = { DATABASE_URL: t.database.url, BASE_URL: 'https://give.example.org' };
    const created = await runScript('server/staff/cli.ts', env, ['create', '--email', 'first@example.org', '--role', 'admin', '--name', 'First Admin']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/https:\/\/give\.example\.org\/staff\/password\/[A-Za-z0-9_-]{43}/);
    const bad = await runScript('server/staff/cli.ts', env, ['create', '--email', 'x@example.org', '--role', 'owner']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--role: expected one or more of admin, finance, campaign_manager.');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
