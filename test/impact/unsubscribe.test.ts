import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { settableClock, testNow } from '../support/clock';
import { createApp } from '../../server/app';
import { startWorker, type RunningWorker } from '../../jobs/worker';
import { queueImpactFanOut } from '../../server/impact/fanout';
import { postImpactUpdate } from '../../server/impact/post';
import { countRecipients, impactProgress } from '../../server/impact/impact.repository';
import { chooseNewsInAccount } from '../../server/impact/consent';
import { messages } from '../../server/i18n/messages';
import { sendImpactEmail } from '../../server/impact/send';
import { createLogger } from '../../server/logger';
import { startTestContext, type TestContext } from '../support/context';
import { seedDonorsWhoGave, type SeededDonor } from '../support/donors';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { waitUntil } from '../support/wait';
import { agreeToNews, consentsOf } from './consent-helpers';

function header(mail: ParsedMail, name: string): string | undefined {
  return mail.headerLines.find((line) => line.key === name.toLowerCase())?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, ' ');
}

describe('impact updates by email to the donors who agreed, and unsubscribing from them', () => {
  let t: TestContext;
  let mail: SmtpSink;
  let worker: RunningWorker;
  let donors: SeededDonor[];
  // The pages on a clock that stands still, so that a choice's recorded time is the test's moment exactly.
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    mail = await startSmtpSink();
    t = await startTestContext({ smtpUrl: mail.url, baseUrl: 'https://give.example.org' });
    app = createApp({ ...t.ctx, clock: settableClock(testNow) }, { hearChangesFirst: true });
    await seedDemoData(t.database.db, testNow);
    donors = await seedDonorsWhoGave(t.database.db, 'speech-therapy-fund', 3, { prefix: 'reader', chineseEvery: 3 });
    await agreeToNews(t.database.db, donors.map((donor) => donor.id));
    worker = await startWorker(t.ctx.config, createLogger(t.ctx.config));
  });
  afterAll(async () => {
    await worker.stop();
    await t.close();
    await mail.close();
  });

  async function postAndWait(title: string) {
    const update = await postImpactUpdate(t.ctx.db, { campaignSlug: 'speech-therapy-fund', title, bodyMarkdown: 'Forty children had **speech therapy** this month.', figures: [{ label: 'Therapy sessions', value: 480 }] });
    await queueImpactFanOut(t.ctx, update.id);
    await waitUntil(`update ${update.id} to be complete`, async () => Boolean((await impactProgress(t.ctx.db, update.id))?.completedAt), {
      pollMs: 50,
      describe: () => impactProgress(t.ctx.db, update.id),
    });
    return update;
  }

  const messagesOf = (updateId: number) => mail.messages.filter((m) => m.messageId?.startsWith(`<impact-${updateId}-`));

  it('sends each donor the update in their language, with a one-click unsubscribe link in the headers', async () => {
    const update = await postAndWait('A month of first words');
    expect(messagesOf(update.id)).toHaveLength(3);
    const [english] = mail.to('reader-1@example.com');
    expect(english!.subject).toBe('Speech therapy fund: A month of first words');
    expect(english!.text).toContain('Dear reader 1,');
    expect(english!.text).toContain('Therapy sessions: 480');
    expect(english!.html).toContain('Forty children had <strong>speech therapy</strong> this month.');
    expect(english!.text).toContain(`https://give.example.org/campaigns/speech-therapy-fund#update-${update.id}`);

    const unsubscribe = header(english!, 'List-Unsubscribe');
    expect(unsubscribe).toMatch(/^<https:\/\/give\.example\.org\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{24}>$/);
    expect(header(english!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(english!.text).toContain(`Stop impact updates: ${unsubscribe!.slice(1, -1)}`);

    const [chinese] = mail.to('reader-3@example.com');
    expect(chinese!.subject).toBe('言语治疗基金：A month of first words');
    expect(chinese!.text).toContain('亲爱的reader 3：');
    expect(await impactProgress(t.ctx.db, update.id)).toEqual({ sent: 3, skipped: 0, total: 3, completedAt: expect.any(Date) });
  });

  it('withdraws consent on the one-click POST, without sign-in or a CSRF token, and the next update skips that donor', async () => {
    const link = new URL(header(mail.to('reader-2@example.com')[0]!, 'List-Unsubscribe')!.slice(1, -1));
    const reader2 = donors[1]!;

    // Opening the link only asks: link scanners must not unsubscribe anyone.
    const page = await request(app).get(link.pathname).expect(200);
    expect(page.text).toContain('Stop impact updates?');
    expect(page.text).toContain(`<form method="post" action="${link.pathname}">`);
    expect(await consentsOf(t.ctx.db, reader2.id)).toEqual([expect.objectContaining({ granted: true })]);

    // What a mail client sends for RFC 8058 one-click unsubscribe.
    const done = await request(app).post(link.pathname).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(done.text).toContain('We have stopped sending impact updates to reader-2@example.com.');
    // The mail program showed its own words, not ours: the no is recorded without a sentence, at the clock's time.
    const withdrawn = await consentsOf(t.ctx.db, reader2.id);
    expect(withdrawn).toEqual([
      expect.objectContaining({ granted: true }),
      expect.objectContaining({ granted: false, source: 'one_click', wording: null, locale: 'en', donation_id: null, chosen_at: testNow }),
    ]);
    // A second click (this time sent as multipart, as RFC 8058 prefers), or the page's button after it, changes nothing.
    await request(app).post(link.pathname).field('List-Unsubscribe', 'One-Click').expect(200);
    await request(app).post(link.pathname).type('form').send({ from: 'page' }).expect(200);
    expect(await consentsOf(t.ctx.db, reader2.id)).toEqual(withdrawn);
    expect((await request(app).get(link.pathname).expect(200)).text).toContain('You will receive no more impact updates');

    const second = await postAndWait('Twelve children, twelve new voices');
    expect(messagesOf(second.id).map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '')).sort()).toEqual(['reader-1@example.com', 'reader-3@example.com']);
    expect(mail.to('reader-2@example.com')).toHaveLength(1);
    expect(await impactProgress(t.ctx.db, second.id)).toEqual({ sent: 2, skipped: 0, total: 2, completedAt: expect.any(Date) });
  });

  it('opens a page from the visible link that asks in the donor’s language, and its button withdraws with the question it asked', async () => {
    const reader3 = donors[2]!;
    const [chinese] = mail.to('reader-3@example.com');
    const link = /不再接收成果报告: (\S+)/.exec(String(chinese!.text))?.[1];
    expect(link).toBeDefined();
    const path = new URL(link!).pathname;
    const zh = messages['zh-CN'];
    const page = await request(app).get(path).expect(200);
    expect(page.text).toContain('<html lang="zh-CN">');
    const question = zh['impact.unsubscribe.question'].replace('{email}', 'reader-3@example.com');
    expect(page.text).toContain(question);
    expect(page.text).toContain(`<button class="button" type="submit">${zh['impact.unsubscribe.button']}</button>`);

    expect(page.text).toContain('<input type="hidden" name="from" value="page">');
    const done = await request(app).post(path).type('form').send({ from: 'page' }).expect(200);
    expect(done.text).toContain(zh['impact.unsubscribed.body'].replace('{email}', 'reader-3@example.com'));
    expect((await consentsOf(t.ctx.db, reader3.id)).at(-1)).toMatchObject({ granted: false, source: 'email_link', wording: question, locale: 'zh-CN', chosen_at: testNow });
    // Of the three readers only the first still wants news.
    const update = await postImpactUpdate(t.ctx.db, { campaignSlug: 'speech-therapy-fund', title: 'Counted, not sent', bodyMarkdown: 'News.' });
    expect(await countRecipients(t.ctx.db, update)).toBe(1);
  });

  it('skips a donor who said no after the fan-out found them', async () => {
    const update = await postImpactUpdate(t.ctx.db, { campaignSlug: 'speech-therapy-fund', title: 'Late news', bodyMarkdown: 'News.' });
    const reader1 = donors[0]!;
    await t.ctx.db.insertInto('impact_deliveries').values({ update_id: update.id, donor_id: reader1.id }).execute();
    await t.ctx.db.updateTable('impact_updates').set({ total_recipients: 1 }).where('id', '=', update.id).execute();
    expect(await chooseNewsInAccount(t.ctx.db, reader1.id, false, { wording: messages.en['account.prefs.news'], locale: 'en', at: testNow })).toBe('withdrawn');
    const before = mail.messages.length;
    expect(await sendImpactEmail(t.ctx, update.id, reader1.id)).toBe('skipped: no consent');
    expect(await sendImpactEmail(t.ctx, update.id, reader1.id)).toBe('already done');
    expect(mail.messages.length).toBe(before);
    expect(await impactProgress(t.ctx.db, update.id)).toEqual({ sent: 0, skipped: 1, total: 1, completedAt: expect.any(Date) });
  });

  it('answers 404 to a link whose signature does not match', async () => {
    const link = new URL(header(mail.to('reader-1@example.com')[0]!, 'List-Unsubscribe')!.slice(1, -1));
    const forged = `${link.pathname.slice(0, -1)}${link.pathname.endsWith('A') ? 'B' : 'A'}`;
    await request(app).get(forged).expect(404);
    await request(app).post(forged).expect(404);
    await request(app).post('/unsubscribe/not-a-token').expect(404);
  });
});
