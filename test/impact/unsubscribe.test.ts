import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { startWorker, type RunningWorker } from '../../jobs/worker';
import { queueImpactFanOut } from '../../server/impact/fanout';
import { postImpactUpdate } from '../../server/impact/post';
import { impactProgress } from '../../server/impact/impact.repository';
import { sendImpactEmail } from '../../server/impact/send';
import { createLogger } from '../../server/logger';
import { startTestContext, type TestContext } from '../support/context';
import { seedDonorsWhoGave, type SeededDonor } from '../support/donors';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { waitUntil } from '../support/wait';

function header(mail: ParsedMail, name: string): string | undefined {
  return mail.headerLines.find((line) => line.key === name.toLowerCase())?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, ' ');
}

describe('impact updates by email, and unsubscribing from them', () => {
  let t: TestContext;
  let mail: SmtpSink;
  let worker: RunningWorker;
  let donors: SeededDonor[];
  beforeAll(async () => {
    mail = await startSmtpSink();
    t = await startTestContext({ smtpUrl: mail.url, baseUrl: 'https://give.example.org' });
    await seedDemoData(t.database.db, testNow);
    donors = await seedDonorsWhoGave(t.database.db, 'speech-therapy-fund', 3, { prefix: 'reader', chineseEvery: 3 });
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

  it('records the opt-out on the one-click POST, without a CSRF token, and the next update skips that donor', async () => {
    const link = new URL(header(mail.to('reader-2@example.com')[0]!, 'List-Unsubscribe')!.slice(1, -1));

    // Opening the link only asks: link scanners must not unsubscribe anyone.
    const page = await request(t.app).get(link.pathname).expect(200);
    expect(page.text).toContain('Stop impact updates?');
    expect(page.text).toContain(`<form method="post" action="${link.pathname}">`);
    const reader2 = () => t.ctx.db.selectFrom('donors').select('impact_opt_out_at').where('email', '=', 'reader-2@example.com').executeTakeFirstOrThrow();
    expect((await reader2()).impact_opt_out_at).toBeNull();

    // What a mail client sends for RFC 8058 one-click unsubscribe.
    const done = await request(t.app).post(link.pathname).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(done.text).toContain('We have stopped sending impact updates to reader-2@example.com.');
    const optedOutAt = (await reader2()).impact_opt_out_at;
    expect(optedOutAt).toBeInstanceOf(Date);
    // A second click changes nothing.
    await request(t.app).post(link.pathname).expect(200);
    expect((await reader2()).impact_opt_out_at).toEqual(optedOutAt);

    const second = await postAndWait('Twelve children, twelve new voices');
    expect(messagesOf(second.id).map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '')).sort()).toEqual(['reader-1@example.com', 'reader-3@example.com']);
    expect(mail.to('reader-2@example.com')).toHaveLength(1);
    expect(await impactProgress(t.ctx.db, second.id)).toEqual({ sent: 2, skipped: 0, total: 2, completedAt: expect.any(Date) });
  });

  it('skips a donor who opted out after the fan-out found them', async () => {
    const update = await postImpactUpdate(t.ctx.db, { campaignSlug: 'speech-therapy-fund', title: 'Late news', bodyMarkdown: 'News.' });
    const reader1 = donors[0]!;
    await t.ctx.db.insertInto('impact_deliveries').values({ update_id: update.id, donor_id: reader1.id }).execute();
    await t.ctx.db.updateTable('impact_updates').set({ total_recipients: 1 }).where('id', '=', update.id).execute();
    await t.ctx.db.updateTable('donors').set({ impact_opt_out_at: testNow }).where('id', '=', reader1.id).execute();
    const before = mail.messages.length;
    expect(await sendImpactEmail(t.ctx, update.id, reader1.id)).toBe('skipped: opted out');
    expect(await sendImpactEmail(t.ctx, update.id, reader1.id)).toBe('already done');
    expect(mail.messages.length).toBe(before);
    expect(await impactProgress(t.ctx.db, update.id)).toEqual({ sent: 0, skipped: 1, total: 1, completedAt: expect.any(Date) });
  });

  it('answers 404 to a link whose signature does not match', async () => {
    const link = new URL(header(mail.to('reader-1@example.com')[0]!, 'List-Unsubscribe')!.slice(1, -1));
    const forged = `${link.pathname.slice(0, -1)}${link.pathname.endsWith('A') ? 'B' : 'A'}`;
    await request(t.app).get(forged).expect(404);
    await request(t.app).post(forged).expect(404);
    await request(t.app).post('/unsubscribe/not-a-token').expect(404);
  });
});
