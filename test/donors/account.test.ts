import request from 'supertest';
import { oweAnnualStatements } from '../../server/receipts/statements';
import { closeContext, openContext } from '../../server/context';
import { createLogger } from '../../server/logger';
import { decodeEntities, links } from '../support/html';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { aStaffMember, downloadText, signInAs } from '../support/staff';
import { waitUntil } from '../support/wait';
import { askForLink, giveAndPay, signIn, signInMails } from './account-helpers';
import { testNow } from '../support/clock';
import { messages } from '../../server/i18n/messages';
import { consentsOf } from '../impact/consent-helpers';

describe('a donor’s own account', () => {
  let h: GivingHarness;
  const mei = 'mei.chan@example.com';
  const wing = 'wing.lee@example.com';
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  const receiptOf = (donationId: string) => h.database.db.selectFrom('receipts').selectAll().where('donation_id', '=', donationId).executeTakeFirstOrThrow();
  const donorRow = (email: string) => h.database.db.selectFrom('donors').selectAll().where('email', '=', email).executeTakeFirstOrThrow();

  it('shows a donor their own gifts with printable receipts, and never another donor’s', async () => {
    const meiGift = await giveAndPay(h, { email: mei, name: 'Mei Chan', amount: '120' });
    const wingGift = await giveAndPay(h, { email: wing, name: 'Wing Lee', amount: '345' });
    const meiReceipt = await receiptOf(meiGift.id);
    const wingReceipt = await receiptOf(wingGift.id);

    const { agent } = await signIn(h, mei);
    const page = await agent.get('/account').expect(200);
    expect(page.text).toContain(`data-gift="${meiGift.id}"`);
    expect(page.text).toContain('HK$120.00');
    expect(page.text).toContain(`Receipt ${meiReceipt.number}`);
    expect(page.text).not.toContain(wingGift.id);
    expect(page.text).not.toContain('HK$345.00');
    expect(page.text).not.toContain(wingReceipt.number);
    expect(page.text).not.toContain(wing);
    expect(page.headers['cache-control']).toBe('private, no-store');

    // The receipt link is the same printable receipt the receipt email links to.
    const receiptLink = links(page.text).find((href) => href.startsWith('/receipts/'))!;
    const receipt = await request(h.url).get(receiptLink).expect(200);
    expect(decodeEntities(receipt.text)).toContain(meiReceipt.number);
    expect(decodeEntities(receipt.text)).toContain('Mei Chan');
  });

  it('never shows a donor’s history to somebody who gave with their email address', async () => {
    // Somebody else types Wing's address into the donate form.
    const impostor = request.agent(h.url);
    const { sessionId } = await h.give('speech-therapy-fund', { amount: '50', currency: 'HKD', frequency: 'once', email: wing, name: 'Not Wing', message: '', dedication_kind: '', dedication_name: '' });
    await h.pay(sessionId);
    await h.settle();
    // Asking for the account sends the link to Wing's mailbox; the impostor's browser stays signed out.
    const before = (await signInMails(h, wing, 0)).length;
    const asked = await askForLink(h, wing, impostor);
    expect(asked.status).toBe(200);
    expect(asked.text).not.toContain('HK$345.00');
    await signInMails(h, wing, before + 1);
    const account = await impostor.get('/account').expect(200);
    expect(account.text).toContain('Email me a sign-in link');
    expect(account.text).not.toContain('HK$345.00');
    // Nor does a signed-in donor reach another's plan or statement through the address bar.
    const { agent } = await signIn(h, mei);
    const wingPage = await (await signIn(h, wing)).agent.get('/account').expect(200);
    expect(wingPage.text).toContain('HK$345.00');
    const year = testNow.getUTCFullYear();
    const meiStatement = await agent.get(`/account/statements/${year}`).expect(200);
    expect(meiStatement.text).not.toContain('HK$345.00');
  });

  it('gives a statement per year with totals, from the receipted gifts', async () => {
    const { agent } = await signIn(h, mei);
    const second = await giveAndPay(h, { email: mei, name: 'Mei Chan', amount: '80' });
    const year = (await receiptOf(second.id)).year;
    const page = await agent.get('/account').expect(200);
    expect(links(page.text)).toContain(`/account/statements/${year}`);
    const statement = await agent.get(`/account/statements/${year}`).expect(200);
    const text = decodeEntities(statement.text);
    expect(text).toContain(`Your giving in ${year}`);
    expect(text).toContain('HK$120.00');
    expect(text).toContain('HK$80.00');
    expect(/<td class="total">([^<]+)<\/td>/.exec(text)?.[1]).toBe('HK$200.00');
    const empty = await agent.get(`/account/statements/${year - 5}`).expect(200);
    expect(empty.text).toContain(`No receipted gifts in ${year - 5}.`);
    // Signed out, a statement is the sign-in page's business.
    const stranger = await request(h.url).get(`/account/statements/${year}`);
    expect(stranger.status).toBe(303);
    expect(stranger.headers.location).toBe('/account');
  });

  it('saves email preferences: news of what gifts achieve given and withdrawn, each recorded with the page’s sentence, and the language of emails', async () => {
    const donor = await signIn(h, mei);
    const { id } = await donorRow(mei);
    // Never asked: the box is unticked, and saving it unticked records nothing.
    const first = await donor.agent.get('/account').expect(200);
    expect(first.text).toContain(`<input type="checkbox" name="news" value="on" aria-describedby="news-choice" > ${messages.en['account.prefs.news']}</label>`);
    await donor.post('/account/preferences', { locale: 'zh-CN', shown_in: 'en' }).expect(303);
    expect(await consentsOf(h.database.db, id)).toEqual([]);
    expect((await donorRow(mei)).locale).toBe('zh-CN');
    const page = await donor.agent.get('/account?done=saved').expect(200);
    expect(page.text).toContain('Your preferences are saved.');
    expect(page.text).toMatch(/<option value="zh-CN" lang="zh-CN" selected>/);

    // Ticked on the Hong Kong page: a yes, with the sentence as that page read.
    const hkPage = await donor.agent.get('/account?lang=zh-HK').expect(200);
    expect(hkPage.text).toContain(messages['zh-HK']['account.prefs.news']);
    expect(hkPage.text).toContain('<input type="hidden" name="shown_in" value="zh-HK">');
    await donor.post('/account/preferences', { news: 'on', locale: 'en', shown_in: 'zh-HK' }).expect(303);
    const granted = await consentsOf(h.database.db, id);
    expect(granted).toEqual([expect.objectContaining({ granted: true, source: 'account', wording: messages['zh-HK']['account.prefs.news'], locale: 'zh-HK', donation_id: null })]);
    expect((await donorRow(mei)).locale).toBe('en');
    const yes = await donor.agent.get('/account?lang=en').expect(200);
    expect(yes.text).toMatch(/name="news" value="on" aria-describedby="news-choice" checked>/);
    expect(yes.text).toContain('You agreed on Jun 10, 2026, on this page. Receipts and notices about your gifts are sent either way.');
    // Saved again unchanged: nothing new.
    await donor.post('/account/preferences', { news: 'on', locale: 'en', shown_in: 'en' }).expect(303);
    expect(await consentsOf(h.database.db, id)).toHaveLength(1);

    // Unticked: a no, and the page says since when, in its language.
    await donor.post('/account/preferences', { locale: 'en', shown_in: 'zh-CN' }).expect(303);
    expect((await consentsOf(h.database.db, id)).at(-1)).toMatchObject({ granted: false, source: 'account', wording: messages['zh-CN']['account.prefs.news'], locale: 'zh-CN' });
    const no = await donor.agent.get('/account?lang=zh-CN').expect(200);
    expect(no.text).not.toMatch(/name="news" value="on" aria-describedby="news-choice" checked>/);
    expect(no.text).toContain('您已于2026年6月10日停止接收这些邮件。');
  });

  it('changes nothing for a form posted without its CSRF token', async () => {
    const donor = await signIn(h, mei);
    const { id } = await donorRow(mei);
    const choices = await consentsOf(h.database.db, id);
    const refused = await donor.agent.post('/account/preferences').type('form').send({ locale: 'zh-CN', news: 'on' });
    expect(refused.status).toBe(403);
    expect((await donorRow(mei)).locale).toBe('en');
    expect(await consentsOf(h.database.db, id)).toEqual(choices);
    const signOut = await donor.agent.post('/account/sign-out').type('form').send({});
    expect(signOut.status).toBe(403);
    expect((await donor.agent.get('/account')).text).toContain(`Signed in as ${mei}`);
  });

  /** The lines of the staff donors export for one donor, as finance downloads it. */
  async function donorsExportLines(donorId: number): Promise<{ all: string; mine: string[] }> {
    const finance = await signInAs(h.url, (await aStaffMember(h.database.db, ['finance'])).email);
    const all = await downloadText(finance, '/staff/finance/exports/donors.csv');
    return { all, mine: all.split('\r\n').filter((line) => line.startsWith(`${donorId},`)) };
  }

  it('leaves no name on a donor whose only gift was started and never paid', async () => {
    const passerBy = 'passer.by@example.org';
    await h.give('speech-therapy-fund', aDonor({ email: passerBy, name: 'Someone Else', amount: '30' }));
    const donor = await donorRow(passerBy);
    expect(donor).toMatchObject({ name: null, name_given_at: null });
    const csv = await donorsExportLines(donor.id);
    expect(csv.mine).toEqual([expect.stringMatching(new RegExp(`^${donor.id},${passerBy},,person,`))]);
    expect(csv.all).not.toContain('Someone Else');
  });

  it('names a donor after their latest paid gift, never after an attempt somebody else started in their address', async () => {
    const victim = 'victim@example.org';
    // Somebody types the victim's address and a name of their own, and never pays.
    const attempt = await h.give('speech-therapy-fund', aDonor({ email: victim, name: 'Mallory was here', amount: '20' }));
    await h.stripe.checkout.sessions.expire(attempt.sessionId);
    await h.settle();
    expect((await h.donation(attempt.donation.id)).status).toBe('expired');
    expect(await donorRow(victim)).toMatchObject({ name: null, name_given_at: null });

    // The victim gives twice, under the name they go by now the second time; Stripe delivers the second gift's events first.
    h.emulator.holdWebhooks();
    const earlier = await h.give('speech-therapy-fund', aDonor({ email: victim, name: 'V. Victim', amount: '60' }));
    expect((await h.pay(earlier.sessionId)).status).toBe('succeeded');
    await h.helper('/_emulator/advance_time', { seconds: 60 });
    const later = await h.give('speech-therapy-fund', aDonor({ email: victim, name: 'Victor Victim', amount: '70' }));
    expect((await h.pay(later.sessionId)).status).toBe('succeeded');
    await h.emulator.releaseWebhooks('reverse');
    await h.settle();

    const donor = await donorRow(victim);
    expect(donor.name).toBe('Victor Victim');
    expect(donor.name_given_at).toEqual((await h.donation(later.donation.id)).succeeded_at);

    // Each receipt thanks its own gift's giver.
    const earlierReceipt = await receiptOf(earlier.donation.id);
    const laterReceipt = await receiptOf(later.donation.id);
    const receiptMail = (number: string) => h.mail.to(victim).find((mail) => mail.subject?.startsWith(`Your receipt ${number}`));
    await waitUntil('both receipts to the victim', () => receiptMail(earlierReceipt.number) !== undefined && receiptMail(laterReceipt.number) !== undefined);
    expect(receiptMail(earlierReceipt.number)!.text).toContain('Dear V. Victim,');
    expect(receiptMail(laterReceipt.number)!.text).toContain('Dear Victor Victim,');

    // The statement page, the statement email and finance's export all name the victim as they last gave.
    const year = laterReceipt.year;
    const { agent } = await signIn(h, victim);
    const page = decodeEntities((await agent.get(`/account/statements/${year}`).expect(200)).text);
    expect(page).toContain('Victor Victim');
    expect(page).not.toContain('Mallory');

    const ctx = openContext(h.config, createLogger(h.config));
    try {
      await oweAnnualStatements(ctx, year);
    } finally {
      await closeContext(ctx);
    }
    const statementMail = () => h.mail.to(victim).find((mail) => mail.subject === `Your giving in ${year}: annual statement`);
    await waitUntil('the victim’s statement', () => statementMail() !== undefined);
    expect(statementMail()!.text).toContain('Dear Victor Victim,');
    expect(statementMail()!.text).not.toContain('Mallory');

    const csv = await donorsExportLines(donor.id);
    expect(csv.mine).toEqual([expect.stringMatching(new RegExp(`^${donor.id},${victim},Victor Victim,person,`))]);
    expect(csv.all).not.toContain('Mallory');
  });
});
