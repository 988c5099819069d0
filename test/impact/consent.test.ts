// Who an impact update goes to: the donors of its campaign whose latest choice about news is a yes, latest
// by when they chose; how finance reads each donor's choice; and that no choice is ever rewritten.
import { seedDemoData } from '../../dev/seed';
import { fanOutImpactUpdate } from '../../server/impact/fanout';
import { postImpactUpdate } from '../../server/impact/post';
import { chooseNewsInAccount, recordConsentOfPaidGift, withdrawNewsByEmail } from '../../server/impact/consent';
import { countRecipients } from '../../server/impact/impact.repository';
import { messages } from '../../server/i18n/messages';
import { testNow } from '../support/clock';
import { startTestContext, type TestContext } from '../support/context';
import { seedDonorsWhoGave, type SeededDonor } from '../support/donors';
import { aStaffMember, downloadText, signInAs } from '../support/staff';
import { agreeToNews, consentsOf } from './consent-helpers';

const minutes = (n: number) => new Date(testNow.getTime() + n * 60_000);
const accountSentence = { wording: messages.en['account.prefs.news'], locale: 'en' as const };

describe('consent to news, and the donors an impact update reaches', () => {
  let t: TestContext;
  let donors: Record<'formYes' | 'neverAsked' | 'yesThenNo' | 'noThenYes' | 'paidAfterNo' | 'oneClickNo', SeededDonor>;
  let elsewhere: SeededDonor;
  beforeAll(async () => {
    t = await startTestContext();
    await seedDemoData(t.database.db, testNow);
    const { db } = t.ctx;
    const seeded = await seedDonorsWhoGave(db, 'speech-therapy-fund', 6, { prefix: 'choice' });
    const [formYes, neverAsked, yesThenNo, noThenYes, paidAfterNo, oneClickNo] = seeded as [SeededDonor, SeededDonor, SeededDonor, SeededDonor, SeededDonor, SeededDonor];
    donors = { formYes, neverAsked, yesThenNo, noThenYes, paidAfterNo, oneClickNo };
    [elsewhere] = (await seedDonorsWhoGave(db, 'general', 1, { prefix: 'elsewhere' })) as [SeededDonor];

    const giftOf = async (donor: SeededDonor) => db.selectFrom('donations').select(['id', 'donor_id', 'locale']).where('donor_id', '=', donor.id).executeTakeFirstOrThrow();
    const paidYes = async (donor: SeededDonor, chosenAt: Date) => {
      const gift = await giftOf(donor);
      await db.transaction().execute((trx) => recordConsentOfPaidGift(trx, { ...gift, updates_consent_wording: messages.en['donate.news'], updates_consent_chosen_at: chosenAt }));
    };
    await paidYes(donors.formYes, minutes(1));
    await chooseNewsInAccount(db, donors.yesThenNo.id, true, { ...accountSentence, at: minutes(1) });
    await chooseNewsInAccount(db, donors.yesThenNo.id, false, { ...accountSentence, at: minutes(2) });
    await withdrawNewsByEmail(db, donors.noThenYes.id, { source: 'one_click', wording: null, locale: 'en', at: minutes(1) });
    await chooseNewsInAccount(db, donors.noThenYes.id, true, { ...accountSentence, at: minutes(2) });
    // Ticked on a form at minute 1, said no at minute 2, and the gift's payment was recorded after both:
    // the no came last.
    await chooseNewsInAccount(db, donors.paidAfterNo.id, true, { ...accountSentence, at: minutes(0) });
    await chooseNewsInAccount(db, donors.paidAfterNo.id, false, { ...accountSentence, at: minutes(2) });
    await paidYes(donors.paidAfterNo, minutes(1));
    await agreeToNews(db, [donors.oneClickNo.id], minutes(1));
    await withdrawNewsByEmail(db, donors.oneClickNo.id, { source: 'one_click', wording: null, locale: 'en', at: minutes(3) });
    await agreeToNews(db, [elsewhere.id], minutes(1));
  });
  afterAll(() => t.close());

  it('reaches exactly the donors of the campaign whose latest choice is a yes', async () => {
    const update = await postImpactUpdate(t.ctx.db, { campaignSlug: 'speech-therapy-fund', title: 'Who reads this', bodyMarkdown: 'Those who asked.' });
    expect(await countRecipients(t.ctx.db, update)).toBe(2);
    expect(await fanOutImpactUpdate(t.ctx, update.id)).toEqual({ recipients: 2, queued: 2 });
    const reached = await t.ctx.db.selectFrom('impact_deliveries').select('donor_id').where('update_id', '=', update.id).orderBy('donor_id').execute();
    expect(reached.map((row) => row.donor_id)).toEqual([donors.formYes.id, donors.noThenYes.id]);
  });

  it('records each choice only when it changes: the same box saved again, or a second click on the link, adds nothing', async () => {
    const { db } = t.ctx;
    expect(await chooseNewsInAccount(db, donors.noThenYes.id, true, { ...accountSentence, at: minutes(5) })).toBe('unchanged');
    expect(await chooseNewsInAccount(db, donors.neverAsked.id, false, { ...accountSentence, at: minutes(5) })).toBe('unchanged');
    expect(await withdrawNewsByEmail(db, donors.oneClickNo.id, { source: 'email_link', wording: 'We will stop…', locale: 'en', at: minutes(5) })).toBe(false);
    expect(await consentsOf(db, donors.neverAsked.id)).toEqual([]);
    expect(await consentsOf(db, donors.noThenYes.id)).toHaveLength(2);
    expect(await consentsOf(db, donors.oneClickNo.id)).toHaveLength(2);
  });

  it('never rewrites or deletes a choice: a new one is a new row', async () => {
    const [row] = await consentsOf(t.ctx.db, donors.formYes.id);
    await expect(t.ctx.db.updateTable('donor_consents').set({ granted: false }).where('id', '=', row!.id).execute()).rejects.toThrow(/append-only/);
    await expect(t.ctx.db.deleteFrom('donor_consents').where('id', '=', row!.id).execute()).rejects.toThrow(/append-only/);
    // A yes from the form names its gift, once; a choice made elsewhere names none.
    await expect(t.ctx.db.insertInto('donor_consents').values({ donor_id: donors.neverAsked.id, purpose: 'updates', granted: true, wording: 'x', locale: 'en', source: 'donate_form', chosen_at: testNow }).execute()).rejects.toThrow(/donor_consents_gift/);
    await expect(t.ctx.db.insertInto('donor_consents').values({ donor_id: donors.neverAsked.id, purpose: 'updates', granted: true, wording: null, locale: 'en', source: 'account', chosen_at: testNow }).execute()).rejects.toThrow(/donor_consents_wording/);
  });

  it('shows finance each donor’s current choice, when and where it was made, in the donors export', async () => {
    const finance = await signInAs(t.app, (await aStaffMember(t.database.db, ['finance'])).email);
    const csv = await downloadText(finance, '/staff/finance/exports/donors.csv');
    const header = csv.replace(/^\uFEFF/, '').split('\r\n')[0]!.split(',');
    const column = header.indexOf('news_by_email');
    expect(column).toBeGreaterThan(0);
    const choiceOf = (donor: SeededDonor) => csv.split('\r\n').find((line) => line.startsWith(`${donor.id},`))!.split(',')[column];
    expect(choiceOf(donors.formYes)).toBe('yes (given 2026-06-10 on the donate form)');
    expect(choiceOf(donors.noThenYes)).toBe('yes (given 2026-06-10 in their account)');
    expect(choiceOf(donors.yesThenNo)).toBe('no (stopped 2026-06-10 in their account)');
    expect(choiceOf(donors.oneClickNo)).toBe("no (stopped 2026-06-10 by their mail program's unsubscribe button)");
    expect(choiceOf(donors.neverAsked)).toBe('no');
  });
});
