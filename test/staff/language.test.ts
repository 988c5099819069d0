// Each colleague chooses the staff area's language: the choice outranks the browser, is audited, and is
// theirs alone; "Follow my browser" hands the choice back to Accept-Language.
import { checkedRadio, decodeEntities } from '../support/html';
import { aStaffMember, signInAs } from '../support/staff';
import { startTestContext, type TestContext } from '../support/context';

const englishBrowser = { 'Accept-Language': 'en-GB,en;q=0.9' };

/** The page's language and its main heading, as a reader meets them. */
function pageSpeaks(html: string) {
  return { lang: /<html lang="([^"]+)"/.exec(html)?.[1], heading: decodeEntities(/<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? '') };
}

describe('the staff area’s language', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext();
  });
  afterAll(() => t.close());

  it('follows each member’s own choice over the browser’s, audited, without touching a colleague', async () => {
    const fiona = await aStaffMember(t.database.db, ['finance'], { name: 'Fiona Finance' });
    const frank = await aStaffMember(t.database.db, ['finance'], { name: 'Frank Finance' });
    const hers = await signInAs(t.app, fiona.email, undefined, englishBrowser);
    const his = await signInAs(t.app, frank.email, undefined, englishBrowser);
    expect(pageSpeaks((await hers.agent.get('/staff/finance').expect(200)).text)).toEqual({ lang: 'en', heading: 'Finance' });

    await hers.post('/staff/language', { locale: 'zh-CN', next: '/staff/finance' }).expect(303).expect('Location', '/staff/finance');
    expect(pageSpeaks((await hers.agent.get('/staff/finance').expect(200)).text)).toEqual({ lang: 'zh-CN', heading: '财务' });
    // A colleague on the same kind of browser still reads English.
    expect(pageSpeaks((await his.agent.get('/staff/finance').expect(200)).text)).toEqual({ lang: 'en', heading: 'Finance' });
    // The home page's form shows the choice as made.
    expect(checkedRadio((await hers.agent.get('/staff').expect(200)).text, 'locale')).toBe('zh-CN');

    await hers.post('/staff/language', { locale: 'en', next: '/staff/finance' }).expect(303);
    expect(pageSpeaks((await hers.agent.get('/staff/finance').expect(200)).text)).toEqual({ lang: 'en', heading: 'Finance' });

    // Following the browser again: a Chinese browser now gets Chinese.
    await hers.post('/staff/language', { locale: 'browser' }).expect(303).expect('Location', '/staff');
    expect(pageSpeaks((await hers.agent.get('/staff/finance').set('Accept-Language', 'zh-CN').expect(200)).text)).toEqual({ lang: 'zh-CN', heading: '财务' });

    const audited = await t.database.db.selectFrom('audit_log').select(['staff_id', 'action', 'subject_id', 'before', 'after']).where('action', '=', 'staff.language_changed').orderBy('id').execute();
    expect(audited).toEqual([
      { staff_id: fiona.id, action: 'staff.language_changed', subject_id: String(fiona.id), before: { locale: null }, after: { locale: 'zh-CN' } },
      { staff_id: fiona.id, action: 'staff.language_changed', subject_id: String(fiona.id), before: { locale: 'zh-CN' }, after: { locale: 'en' } },
      { staff_id: fiona.id, action: 'staff.language_changed', subject_id: String(fiona.id), before: { locale: 'en' }, after: { locale: null } },
    ]);
    const frankRow = await t.database.db.selectFrom('staff_members').select('locale').where('id', '=', frank.id).executeTakeFirstOrThrow();
    expect(frankRow.locale).toBeNull();

    // The audit log reads the change as a sentence.
    const admin = await aStaffMember(t.database.db, ['admin'], { name: 'Alice Admin' });
    const log = decodeEntities((await (await signInAs(t.app, admin.email, undefined, englishBrowser)).agent.get('/staff/audit').expect(200)).text);
    expect(log).toContain('Fiona Finance chose 简体中文 for the staff area.');
    expect(log).toContain('Fiona Finance chose their browser’s language for the staff area.');
  });

  it('refuses a language it does not offer and changes nothing', async () => {
    const member = await aStaffMember(t.database.db, ['campaign_manager']);
    const session = await signInAs(t.app, member.email, undefined, englishBrowser);
    const refused = await session.post('/staff/language', { locale: 'fr' }).expect(422);
    expect(decodeEntities(refused.text)).toContain('Choose one of the languages listed.');
    const row = await t.database.db.selectFrom('staff_members').select('locale').where('id', '=', member.id).executeTakeFirstOrThrow();
    expect(row.locale).toBeNull();
  });

  it('switches from the header of any staff page and comes back to it', async () => {
    const member = await aStaffMember(t.database.db, ['finance']);
    const session = await signInAs(t.app, member.email, undefined, englishBrowser);
    const page = (await session.agent.get('/staff/finance/gifts').expect(200)).text;
    // The header offers the other language, and returns to this page.
    expect(page).toMatch(/<input type="hidden" name="next" value="\/staff\/finance\/gifts">/);
    expect(page).toMatch(/<button type="submit" name="locale" value="zh-CN" lang="zh-CN" class="link-button">简体中文<\/button>/);
    await session.post('/staff/language', { locale: 'zh-CN', next: '/staff/finance/gifts' }).expect(303).expect('Location', '/staff/finance/gifts');
    // An address that is not a staff page of ours is not followed.
    await session.post('/staff/language', { locale: 'en', next: '//evil.example/staff' }).expect(303).expect('Location', '/staff');
  });
});
