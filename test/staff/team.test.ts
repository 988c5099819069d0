// The Team page as an administrator uses it: invitations go out by email, a colleague is "Invited" until
// they choose a password, inviting again says what it did, and a refused change is shown in its own row.
import request from 'supertest';
import { sendOwedEmail } from '../../server/emails';
import { createMailer } from '../../server/mailer';
import { decodeEntities } from '../support/html';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { aStaffMember, csrfOf, signInAs } from '../support/staff';
import { startTestContext, type TestContext } from '../support/context';

const passwordPath = /\/staff\/password\/[A-Za-z0-9_-]{43}/;

/** The table row of one colleague, as the page shows it. */
function rowOf(html: string, staffId: number): string {
  const row = new RegExp(`<tr id="member-${staffId}">([\\s\\S]*?)</tr>`).exec(html)?.[1];
  if (row === undefined) throw new Error(`no row for colleague ${staffId}`);
  return decodeEntities(row);
}

/** The status a row shows (the words before its enable/disable button). */
const statusIn = (row: string) => /<td>\s*<form method="post" action="\/staff\/team\/\d+\/(?:enable|disable)"[^>]*>\s*<input[^>]*>\s*([^<]+?)\s*<button/.exec(row)?.[1];

const checkedRolesIn = (row: string) => [...row.matchAll(/<input type="checkbox" name="roles" value="(\w+)" checked>/g)].map((m) => m[1]);

describe('the Team page', () => {
  let t: TestContext;
  let sink: SmtpSink;
  let mailer: ReturnType<typeof createMailer>;
  beforeAll(async () => {
    t = await startTestContext();
    sink = await startSmtpSink();
    mailer = createMailer(sink.url);
  });
  afterAll(async () => {
    mailer.close();
    await sink.close();
    await t.close();
  });

  const owedInvitations = () => t.database.db.selectFrom('outbox').select(['id', 'payload']).where('topic', '=', 'staff_invitation').orderBy('id').execute();
  const memberId = async (email: string) => (await t.database.db.selectFrom('staff_members').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  /** Sends every owed invitation not sent yet; the messages that arrived for this address. */
  async function sendInvitations(email: string) {
    for (const { id } of await owedInvitations()) await sendOwedEmail({ ...t.ctx, mailer }, id);
    return sink.to(email);
  }

  it('emails an invitation with a working link, and shows the colleague as Invited until they choose a password', async () => {
    const admin = await aStaffMember(t.database.db, ['admin'], { name: 'Alice Admin' });
    const session = await signInAs(t.app, admin.email);
    const page = await session.post('/staff/team', { name: 'Wong Tai', email: 'wong@example.org', roles: ['finance', 'campaign_manager'] }).expect(200);
    expect(decodeEntities(page.text)).toContain('An invitation to choose a password has been emailed to wong@example.org.');
    // The administrator still sees a link to hand over if the email goes astray.
    expect(page.text).toMatch(passwordPath);
    const wongId = await memberId('wong@example.org');
    expect(statusIn(rowOf(page.text, wongId))).toBe('Invited');
    expect(statusIn(rowOf(page.text, admin.id))).toBe('Active');

    expect(await owedInvitations()).toHaveLength(1);
    const mails = await sendInvitations('wong@example.org');
    // Sending again (a retried job) sends nothing more.
    for (const { id } of await owedInvitations()) expect(await sendOwedEmail({ ...t.ctx, mailer }, id)).toBe('already sent');
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.subject).toBe("You are invited to Smile Bridge Foundation's staff area");
    expect(String(mail.text)).toContain('Alice Admin has invited you to the staff area of Smile Bridge Foundation as Finance and Campaign manager.');
    expect(mail.headers.get('content-language')).toBe('en');

    const link = passwordPath.exec(String(mail.text))![0];
    expect(String(mail.html)).toContain(link);
    const newcomer = request.agent(t.app);
    const form = await newcomer.get(link).expect(200);
    await newcomer.post(link).type('form').send({ _csrf: csrfOf(form.text), password: 'a long enough password', confirm: 'a long enough password' }).expect(303);
    await signInAs(t.app, 'wong@example.org', 'a long enough password');

    const after = await session.agent.get('/staff/team').expect(200);
    expect(statusIn(rowOf(after.text, wongId))).toBe('Active');
  });

  it('writes the invitation in the language of the inviter’s page', async () => {
    const admin = await aStaffMember(t.database.db, ['admin'], { name: '陈主任' });
    const session = await signInAs(t.app, admin.email, undefined, { 'Accept-Language': 'zh-CN' });
    const page = await session.post('/staff/team', { name: '李会计', email: 'li@example.org', roles: 'finance' }).expect(200);
    expect(decodeEntities(page.text)).toContain('已向 li@example.org 发送邀请邮件');
    expect(statusIn(rowOf(page.text, await memberId('li@example.org')))).toBe('已邀请');
    const [mail] = await sendInvitations('li@example.org');
    expect(mail!.subject).toBe('邀请您加入微笑桥基金会职员专区');
    expect(String(mail!.text)).toContain('陈主任邀请您以财务的身份加入');
    expect(mail!.headers.get('content-language')).toBe('zh-CN');
    expect(String(mail!.text)).toMatch(passwordPath);
  });

  it('sends nothing when the colleague chose a password with the page’s link before the email went out', async () => {
    const admin = await aStaffMember(t.database.db, ['admin']);
    const session = await signInAs(t.app, admin.email);
    const page = await session.post('/staff/team', { name: 'Quick', email: 'quick@example.org', roles: 'finance' }).expect(200);
    const link = passwordPath.exec(page.text)![0];
    const newcomer = request.agent(t.app);
    const form = await newcomer.get(link).expect(200);
    await newcomer.post(link).type('form').send({ _csrf: csrfOf(form.text), password: 'a long enough password', confirm: 'a long enough password' }).expect(303);
    expect(await sendInvitations('quick@example.org')).toEqual([]);
  });

  it('says what inviting an address again did, and records it in the audit log', async () => {
    const db = t.database.db;
    const admin = await aStaffMember(db, ['admin']);
    const session = await signInAs(t.app, admin.email);

    // Someone invited who has not chosen a password yet: a new invitation.
    await session.post('/staff/team', { name: 'Lee', email: 'lee@example.org', roles: 'finance' }).expect(200);
    const again = await session.post('/staff/team', { name: 'Lee', email: 'LEE@example.org', roles: 'finance' }).expect(200);
    expect(decodeEntities(again.text)).toContain('LEE@example.org was already invited: a new invitation was sent.');
    expect(again.text).toMatch(passwordPath);
    const leeId = await memberId('lee@example.org');
    expect((await owedInvitations()).filter((row) => row.payload.staffId === leeId)).toHaveLength(2);
    const leeAudit = await db.selectFrom('audit_log').selectAll().where('subject_id', '=', String(leeId)).orderBy('id').execute();
    expect(leeAudit.map((a) => a.action)).toEqual(['staff.invited', 'staff.reinvited', 'staff.password_link_issued']);
    expect(leeAudit[1]).toMatchObject({ staff_id: admin.id, before: { roles: ['finance'] }, after: { roles: ['finance'], invitationSent: true } });

    // A colleague who already has a password: their roles grow, and the page says from what to what.
    const colleague = await aStaffMember(db, ['finance']);
    const owedBefore = (await owedInvitations()).length;
    const member = await session.post('/staff/team', { name: colleague.name, email: colleague.email, roles: 'campaign_manager' }).expect(200);
    expect(decodeEntities(member.text)).toContain(`${colleague.email} is already a member: roles updated from Finance to Finance and Campaign manager. No invitation was sent.`);
    expect(member.text).not.toMatch(passwordPath);
    expect(await owedInvitations()).toHaveLength(owedBefore);
    const roles = await db.selectFrom('staff_members').select('roles').where('id', '=', colleague.id).executeTakeFirstOrThrow();
    expect(roles.roles).toEqual(['finance', 'campaign_manager']);

    const unchanged = await session.post('/staff/team', { name: colleague.name, email: colleague.email, roles: 'finance' }).expect(200);
    expect(decodeEntities(unchanged.text)).toContain(`${colleague.email} is already a member as Finance and Campaign manager: nothing changed, and no invitation was sent.`);
    const audit = await db.selectFrom('audit_log').selectAll().where('subject_id', '=', String(colleague.id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['staff.reinvited', 'staff.reinvited']);
    expect(audit[0]).toMatchObject({ staff_id: admin.id, before: { roles: ['finance'] }, after: { roles: ['finance', 'campaign_manager'], invitationSent: false } });
  });

  it('shows a refused change in the row it concerns, with the roles as they were chosen', async () => {
    const admin = await aStaffMember(t.database.db, ['admin']);
    const other = await aStaffMember(t.database.db, ['campaign_manager']);
    const session = await signInAs(t.app, admin.email);

    const roles = await session.post(`/staff/team/${admin.id}/roles`, { roles: 'finance' }).expect(422);
    const row = rowOf(roles.text, admin.id);
    expect(row).toContain('You cannot take the administrator role from yourself; ask another administrator.');
    expect(checkedRolesIn(row)).toEqual(['finance']);
    expect(rowOf(roles.text, other.id)).not.toContain('field-error');
    expect(roles.text).not.toContain('error-summary');

    const empty = await session.post(`/staff/team/${other.id}/roles`).expect(422);
    expect(rowOf(empty.text, other.id)).toContain('Keep at least one role, or disable the account instead.');
    expect(checkedRolesIn(rowOf(empty.text, other.id))).toEqual([]);

    const disable = await session.post(`/staff/team/${admin.id}/disable`).expect(422);
    expect(rowOf(disable.text, admin.id)).toContain('You cannot disable your own account.');
    expect(disable.text).not.toContain('error-summary');
    const unchanged = await t.database.db.selectFrom('staff_members').select(['roles', 'disabled_at']).where('id', '=', admin.id).executeTakeFirstOrThrow();
    expect(unchanged).toEqual({ roles: ['admin'], disabled_at: null });
  });

  it('shows a disabled colleague as Disabled, invited or not', async () => {
    const admin = await aStaffMember(t.database.db, ['admin']);
    const session = await signInAs(t.app, admin.email);
    await session.post('/staff/team', { name: 'Gone', email: 'gone@example.org', roles: 'finance' }).expect(200);
    const goneId = await memberId('gone@example.org');
    await session.post(`/staff/team/${goneId}/disable`).expect(303);
    const page = await session.agent.get('/staff/team').expect(200);
    expect(statusIn(rowOf(page.text, goneId))).toBe('Disabled');
    expect(await sendInvitations('gone@example.org')).toEqual([]);
  });
});
