import request from 'supertest';
import { startWorker } from '../../jobs/worker';
import { closeContext, openContext } from '../../server/context';
import { createLogger } from '../../server/logger';
import { relayOutbox } from '../../server/outbox/outbox';
import { applyStripeEvent } from '../../server/webhooks/events';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { waitUntil } from '../support/wait';

const day = 24 * 60 * 60;

describe('receipts over a gift’s life', () => {
  let h: GivingHarness;
  beforeEach(async () => {
    h = await startGivingHarness();
  });
  afterEach(() => h.stop());

  it('receipts a monthly gift and each of its renewals, then asks for a new card when a renewal fails', async () => {
    const { sessionId } = await h.give('speech-therapy-fund', aDonor({ email: 'monthly@example.com', frequency: 'month', amount: '200' }));
    const { session } = await h.pay(sessionId);
    await h.settle();
    await h.helper('/_emulator/advance_time', { seconds: 62 * day });
    await h.settle();
    await waitUntil('three receipts', () => h.mail.to('monthly@example.com').length === 3);
    const receipts = h.mail.to('monthly@example.com');
    expect(receipts.map((m) => /Your receipt (\d{4}-\d{6})/.exec(m.subject ?? '')?.[1])).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
    expect(new Set(receipts.map((m) => m.subject)).size).toBe(3);
    for (const receipt of receipts) {
      expect(receipt.text).toContain('Gift: Monthly gift');
      expect(receipt.text).toContain('Amount: HK$200.00');
    }

    const subscription = await h.stripe.subscriptions.retrieve(String(session.subscription));
    await h.helper(`/_emulator/customers/${String(subscription.customer)}/card`, { card_number: '4000000000000002' });
    await h.helper('/_emulator/advance_time', { to: subscription.items.data[0]!.current_period_end + 31 * day });
    await h.settle();
    await waitUntil('the card email', () => h.mail.to('monthly@example.com').some((m) => m.subject?.startsWith('Please update your card')));
    const notice = h.mail.to('monthly@example.com').find((m) => m.subject?.startsWith('Please update your card'))!;
    expect(notice.text).toContain('HK$200.00');
    const link = new URL(/(http\S+\/donations\/update-card\/\S+)/.exec(notice.text ?? '')![1]!);
    const portal = await request(h.url).get(link.pathname).expect(303);
    expect(portal.headers.location).toMatch(new RegExp(`^${h.emulator.url}/billing/`));
    await request(h.url).get(`${link.pathname}x`).expect(404);
  });
});

describe('a gift recorded while Redis is away', () => {
  it('keeps its receipt in the outbox and sends it once Redis is back', async () => {
    const h = await startGivingHarness({ worker: false });
    try {
      const { sessionId, donation } = await h.give('speech-therapy-fund', aDonor({ email: 'outage@example.com' }));
      await h.pay(sessionId);
      await h.emulator.webhooksSettled();

      const away = openContext({ ...h.config, redisUrl: 'redis://127.0.0.1:9' }, createLogger(h.config));
      try {
        const events = await h.database.db.selectFrom('stripe_events').select('id').orderBy('received_at').execute();
        for (const { id } of events) await applyStripeEvent(away, id);
        await expect(relayOutbox(away)).rejects.toThrow(/Redis did not answer/);
      } finally {
        await closeContext(away);
      }
      expect((await h.donation(donation.id)).status).toBe('succeeded');
      const waiting = await h.database.db.selectFrom('outbox').selectAll().execute();
      expect(waiting).toEqual([expect.objectContaining({ topic: 'receipt', queued_at: null, sent_at: null })]);
      expect(h.mail.messages).toHaveLength(0);

      const worker = await startWorker(h.config, createLogger(h.config));
      try {
        await h.mail.waitFor(1);
        expect(h.mail.to('outage@example.com')).toHaveLength(1);
      } finally {
        await worker.stop();
      }
    } finally {
      await h.stop();
    }
  });
});
