import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { fanOutImpactUpdate, impactEmailJobId, queueImpactFanOut, resumeImpactUpdates } from '../../server/impact/fanout';
import { postImpactUpdate } from '../../server/impact/post';
import { impactProgress } from '../../server/impact/impact.repository';
import { processEnvironment, startTestContext, type TestContext } from '../support/context';
import { seedDonorsWhoGave } from '../support/donors';
import { exitOf, killHard, spawnScript, waitForOutput } from '../support/processes';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { waitUntil } from '../support/wait';
import { agreeToNews } from './consent-helpers';

type Child = ReturnType<typeof spawnScript>;


// Enough donors that a worker killed mid-run leaves hundreds unsent; the fan-out walks them in batches either way.
const everyone = 400;
const beforeKill = 120;

describe(`an impact update to ${everyone} donors`, () => {
  let t: TestContext;
  let mail: SmtpSink;
  const children: Child[] = [];
  beforeAll(async () => {
    mail = await startSmtpSink();
    t = await startTestContext({ smtpUrl: mail.url });
    await seedDemoData(t.database.db, testNow);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) await killHard(child);
    await t.close();
    await mail.close();
  });

  function startWorkerProcess(): Child {
    const { config } = t.ctx;
    const child = spawnScript('jobs/worker.ts', {
      ...processEnvironment({ ...config, smtpUrl: mail.url }),
      // Fast enough to finish in seconds, slow enough that "mid-run" is a wide window.
      MAIL_RATE_PER_SECOND: '100',
      MAIL_CONCURRENCY: '5',
    });
    children.push(child);
    return child;
  }

  it('reaches every donor, skipping none and duplicating at most one, although the worker is killed mid-run and restarted', async () => {
    const { db } = t.ctx;
    const donors = await seedDonorsWhoGave(db, 'speech-therapy-fund', everyone, { chineseEvery: 10 });
    // Not recipients: a gift that failed, a gift to another campaign, and a donor who never asked for news.
    const declined = await seedDonorsWhoGave(db, 'speech-therapy-fund', 1, { prefix: 'declined', status: 'failed' });
    const elsewhere = await seedDonorsWhoGave(db, 'general', 1, { prefix: 'elsewhere' });
    await seedDonorsWhoGave(db, 'speech-therapy-fund', 1, { prefix: 'unasked' });
    await agreeToNews(db, [...donors, ...declined, ...elsewhere].map((donor) => donor.id));

    const update = await postImpactUpdate(db, {
      campaignSlug: 'speech-therapy-fund',
      title: { en: 'The November mission: 152 children operated', 'zh-CN': '十一月手术行动：152 名儿童接受手术' },
      bodyMarkdown: { en: 'Thank you. In ten days in Kunming the team operated on **152 children**.', 'zh-CN': '谢谢您。团队在昆明十天里为 **152 名儿童**做了手术。' },
      figures: [
        { label: { en: 'Children operated', 'zh-CN': '接受手术的儿童' }, value: 152 },
        { label: { en: 'Surgeries', 'zh-CN': '手术' }, value: 160 },
      ],
    });
    await queueImpactFanOut(t.ctx, update.id);
    const ofThisUpdate = () => mail.messages.filter((m) => m.messageId?.startsWith(`<impact-${update.id}-`));
    const sentInDb = async () => (await impactProgress(db, update.id))!.sent;

    const first = startWorkerProcess();
    await waitForOutput(first, /worker: ready/);
    await waitUntil(`${beforeKill} messages from the first worker`, () => ofThisUpdate().length >= beforeKill);

    // Stop the sink from accepting (it answers 451 and keeps nothing), and wait until every message
    // it did accept is marked sent. Then the kill lands while sends are in flight but never between
    // the server's acceptance and our commit: a window no SMTP sender can close, which only the
    // stable Message-ID covers (mail clients fold a resend into one message).
    mail.refuseNext(Number.MAX_SAFE_INTEGER);
    await waitUntil('the accepted messages to be marked sent', async () => (await sentInDb()) === ofThisUpdate().length);
    const atKill = ofThisUpdate().length;
    await killHard(first);
    mail.refuseNext(0);
    expect(atKill).toBeGreaterThanOrEqual(beforeKill);
    expect(atKill).toBeLessThan(everyone);

    // As if the crash had also fallen between our commit and BullMQ's record of some jobs as done, and
    // the resume chore had found the update incomplete: sent donors' jobs run again, and so does the fan-out.
    const queue = t.ctx.queues.queue('impact');
    const alreadySent = await db.selectFrom('impact_deliveries').select('donor_id').where('update_id', '=', update.id).where('sent_at', 'is not', null).limit(50).execute();
    expect(alreadySent).toHaveLength(50);
    for (const { donor_id: donorId } of alreadySent) {
      await queue.remove(impactEmailJobId(update.id, donorId));
      await queue.add('email', { updateId: update.id, donorId }, { jobId: impactEmailJobId(update.id, donorId) });
    }
    expect(await resumeImpactUpdates(t.ctx, 0)).toBe(1);

    const second = startWorkerProcess();
    await waitForOutput(second, /worker: ready/);
    await waitUntil('the update to be complete', async () => Boolean((await impactProgress(db, update.id))!.completedAt));
    second.kill('SIGTERM');
    expect(await exitOf(second)).toBe(0);

    const received = new Map<string, number>();
    for (const message of ofThisUpdate()) {
      const to = message.to && !Array.isArray(message.to) ? message.to.text : '';
      received.set(to, (received.get(to) ?? 0) + 1);
    }
    expect(received.size).toBe(everyone);
    expect(donors.filter((donor) => !received.get(donor.email))).toEqual([]);
    // The guarantee: none skipped, and at most one duplicate per killed worker. On a loaded machine a
    // message can still be accepted by the mail server in the instant the kill lands; its resend
    // carries the same Message-ID.
    const duplicated = donors.filter((donor) => (received.get(donor.email) ?? 0) > 1);
    expect(duplicated.length).toBeLessThanOrEqual(1);
    expect(ofThisUpdate().length).toBeLessThanOrEqual(everyone + 1);
    expect(mail.to('declined-1@example.com')).toEqual([]);
    expect(mail.to('elsewhere-1@example.com')).toEqual([]);
    expect(mail.to('unasked-1@example.com')).toEqual([]);
    expect(mail.to('donor-1@example.com')[0]!.subject).toBe('Speech therapy fund: The November mission: 152 children operated');
    // Every donor reads it in their own language: the email's sentences and the update's text alike.
    expect(mail.to('donor-10@example.com')[0]!.subject).toBe('言语治疗基金：十一月手术行动：152 名儿童接受手术');
    expect(mail.to('donor-10@example.com')[0]!.text).toContain('接受手术的儿童: 152');
    expect(await impactProgress(db, update.id)).toEqual({ sent: everyone, skipped: 0, total: everyone, completedAt: expect.any(Date) });
  });

  it('a fan-out run again, as after a crash or a lost Redis, records each donor once and queues only what is unsent', async () => {
    const { db } = t.ctx;
    const donors = await seedDonorsWhoGave(db, 'general', 5, { prefix: 'rerun' });
    const update = await postImpactUpdate(db, { campaignSlug: 'general', title: 'Where the general fund went', bodyMarkdown: 'Everywhere it was needed.' });
    const queue = t.ctx.queues.queue('impact');
    const queuedDonors = async () =>
      (await queue.getWaiting())
        .filter((job) => job.name === 'email' && job.data.updateId === update.id)
        .map((job) => job.data.donorId)
        .sort((a, b) => a! - b!);
    const ids = donors.map((donor) => donor.id);
    const generalDonorIds = (await db.selectFrom('donations').select('donor_id').where('campaign_id', '=', update.campaign_id).execute()).map((row) => row.donor_id!).sort((a, b) => a - b);
    // Every donor of the general fund agreed to news, those of the demo and of the test before alike.
    await agreeToNews(db, generalDonorIds);

    const everyone = generalDonorIds.length;
    expect(everyone).toBeGreaterThanOrEqual(5);
    // Batches of two, so the walk goes on across batches.
    expect(await fanOutImpactUpdate(t.ctx, update.id, 2)).toEqual({ recipients: everyone, queued: everyone });
    expect(await fanOutImpactUpdate(t.ctx, update.id, 2)).toEqual({ recipients: everyone, queued: everyone });
    expect(await queuedDonors()).toEqual(generalDonorIds);

    // One donor's email went out; two jobs vanished with Redis.
    await db.updateTable('impact_deliveries').set({ sent_at: testNow }).where('update_id', '=', update.id).where('donor_id', '=', ids[0]!).execute();
    await queue.remove(impactEmailJobId(update.id, ids[0]!));
    await queue.remove(impactEmailJobId(update.id, ids[1]!));
    expect(await fanOutImpactUpdate(t.ctx, update.id, 2)).toEqual({ recipients: everyone, queued: everyone - 1 });
    expect(await queuedDonors()).toEqual(generalDonorIds.filter((id) => id !== ids[0]));
    const deliveries = await db.selectFrom('impact_deliveries').select((eb) => eb.fn.countAll<string>().as('n')).where('update_id', '=', update.id).executeTakeFirstOrThrow();
    expect(Number(deliveries.n)).toBe(everyone);
    expect(await impactProgress(db, update.id)).toEqual({ sent: 1, skipped: 0, total: everyone, completedAt: null });

    // The chore queues the fan-out of an incomplete update once, and leaves a waiting one alone.
    expect(await resumeImpactUpdates(t.ctx, 0)).toBe(1);
    expect(await resumeImpactUpdates(t.ctx, 0)).toBe(0);
    expect(await resumeImpactUpdates(t.ctx, 3600)).toBe(0);
  });
});
