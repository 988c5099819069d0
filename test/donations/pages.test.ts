import request from 'supertest';
import { startWorker } from '../../jobs/worker';
import { createLogger } from '../../server/logger';
import { stripeEventHandlers } from '../../server/webhooks/handlers';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { signToken } from '../../server/http/signed-links';
import { checkedRadio, inputValue, isChecked, links, selectedOption, textareaValue } from '../support/html';
import { testNow } from '../support/clock';

describe('the thank-you page', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    // No worker at first: Stripe's events are stored as they arrive but not yet applied.
    h = await startGivingHarness({ worker: false });
  });
  afterAll(() => h.stop());

  it('says "Pending" until the payment is recorded, then "Confirmed"', async () => {
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '250.50', name: 'Mei Chan' }));
    await h.pay(sessionId);
    await h.emulator.webhooksSettled();
    const stored = await h.database.db.selectFrom('stripe_events').select(['type', 'processed_at']).where('type', 'in', Object.keys(stripeEventHandlers)).execute();
    expect(stored.map((e) => e.type)).toContain('checkout.session.completed');
    expect(stored.every((e) => e.processed_at === null)).toBe(true);

    const pending = await request(h.url).get(`/donations/thanks?session_id=${sessionId}`).expect(200);
    expect(pending.headers['cache-control']).toBe('no-store');
    expect(pending.text).toContain('<title>Confirming your gift · Smile Bridge Foundation</title>');
    expect(pending.text).toContain('<strong>Pending:</strong> we are confirming your gift of HK$250.50 to Speech therapy fund');
    expect(pending.text).toContain('<meta http-equiv="refresh" content="3">');
    expect(pending.text).not.toContain('Confirmed');

    const worker = await startWorker(h.config, createLogger(h.config));
    try {
      await h.settle();
    } finally {
      await worker.stop();
    }
    expect(await h.donation(donation.id)).toMatchObject({ status: 'succeeded' });

    const confirmed = await request(h.url).get(`/donations/thanks?session_id=${sessionId}`).expect(200);
    expect(confirmed.text).toContain('<h1>Thank you, Mei Chan</h1>');
    expect(confirmed.text).toContain('<strong>Confirmed:</strong> your gift of HK$250.50 to <a href="/campaigns/speech-therapy-fund">Speech therapy fund</a> has been received.');
    expect(confirmed.text).not.toContain('http-equiv="refresh"');
    expect(confirmed.text).not.toContain('Pending');

    // After a one-off gift: the same gift every month, one click away, and the campaign to share.
    const monthly = '/campaigns/speech-therapy-fund?frequency=month&amount=250.50&currency=HKD&utm_source=thanks-monthly#give';
    expect(links(confirmed.text)).toContain(monthly);
    expect(confirmed.text).toContain('Give HK$250.50 every month');
    const offered = await request(h.url).get(monthly.replace(/#.*$/, '')).expect(200);
    expect(checkedRadio(offered.text, 'frequency')).toBe('month');
    expect(inputValue(offered.text, 'amount')).toBe('250.50');
    expect(selectedOption(offered.text, 'currency')).toBe('HKD');
    expect(links(confirmed.text).find((href) => href.startsWith('https://wa.me/?text='))).toContain(encodeURIComponent('/campaigns/speech-therapy-fund?utm_source=share-whatsapp'));
    expect(links(confirmed.text).some((href) => href.startsWith('https://www.facebook.com/sharer/sharer.php?u='))).toBe(true);
    expect(links(confirmed.text).some((href) => href.startsWith('mailto:?subject='))).toBe(true);
    expect(confirmed.text).toMatch(/<svg class="qr-code" role="img"/);
    expect(confirmed.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  });

  it('names the rhythm of a recurring gift while it is pending', async () => {
    const { sessionId } = await h.give('general', aDonor({ amount: '25', currency: 'USD', frequency: 'month' }));
    const res = await request(h.url).get(`/donations/thanks?session_id=${sessionId}`).expect(200);
    expect(res.text).toContain('we are confirming your gift of US$25.00 every month to General fund');
    expect(res.text).not.toContain('every month?');
    expect(res.text).not.toContain('frequency=month');
  });

  it.each([
    ['an unknown session', '?session_id=cs_test_doesnotexist'],
    ['a malformed session id', '?session_id=%3Cscript%3E'],
    ['a session id given twice', '?session_id=cs_a&session_id=cs_b'],
    ['no session id', ''],
  ])('answers %s with a friendly 404', async (_case, query) => {
    const res = await request(h.url).get(`/donations/thanks${query}`).expect(404);
    expect(res.text).toContain('We could not find that gift. If you were charged, your receipt is on its way by email.');
    expect(res.text).not.toContain('<script>');
  });
});

describe('back from Checkout without paying', () => {
  let h: GivingHarness;
  const retryToken = (donationId: string) => signToken(h.config.sessionSecret, 'retry', donationId);
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  it('the campaign page fills the form in again with what the donor typed', async () => {
    const typed = aDonor({
      amount: '1234.5',
      currency: 'USD',
      frequency: 'month',
      email: 'Retry.Me@example.com',
      name: 'Wong Ka Yan',
      message: 'For "the" kids & families',
      dedication_kind: 'memory',
      dedication_name: 'Grandma Wong',
      anonymous: 'on',
      news: 'on',
    });
    const { donation, sessionId } = await h.give('general', typed);
    const session = await h.stripe.checkout.sessions.retrieve(sessionId);
    expect(session.cancel_url).toBe(`${h.url}/campaigns/general?retry=${retryToken(donation.id)}#give`);

    const res = await request(h.url).get(new URL(session.cancel_url!).pathname + new URL(session.cancel_url!).search).expect(200);
    expect(inputValue(res.text, 'amount')).toBe('1234.50');
    expect(selectedOption(res.text, 'currency')).toBe('USD');
    expect(checkedRadio(res.text, 'frequency')).toBe('month');
    expect(inputValue(res.text, 'email')).toBe('Retry.Me@example.com');
    expect(inputValue(res.text, 'name')).toBe('Wong Ka Yan');
    expect(textareaValue(res.text, 'message')).toBe('For "the" kids & families');
    expect(selectedOption(res.text, 'dedication_kind')).toBe('memory');
    expect(inputValue(res.text, 'dedication_name')).toBe('Grandma Wong');
    expect(isChecked(res.text, 'anonymous')).toBe(true);
    expect(isChecked(res.text, 'news')).toBe(true);
    expect(res.text).not.toContain('field-error');

    // The bare donation id, which a guess or an old link would carry, refills nothing.
    const guessed = await request(h.url).get(`/campaigns/general?retry=${donation.id}`).expect(200);
    expect(inputValue(guessed.text, 'email')).toBe('');
    expect(inputValue(guessed.text, 'amount')).toBe('');

    // Posting the refilled form starts a new attempt.
    const again = await h.give('general', typed);
    expect(again.donation.id).not.toBe(donation.id);
  });

  it('does not refill from a gift that went through, another campaign\'s gift or a made-up id', async () => {
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ amount: '777', email: 'paid@example.com', name: 'Paid Already' }));
    const otherCampaign = await request(h.url).get(`/campaigns/general?retry=${retryToken(donation.id)}`).expect(200);
    expect(inputValue(otherCampaign.text, 'email')).toBe('');
    expect(inputValue(otherCampaign.text, 'amount')).toBe('');

    await h.pay(sessionId);
    await h.settle();
    const paid = await request(h.url).get(`/campaigns/speech-therapy-fund?retry=${retryToken(donation.id)}`).expect(200);
    expect(inputValue(paid.text, 'email')).toBe('');
    expect(paid.text).not.toContain('paid@example.com');

    // A bare donation id, as an old link or a guess would carry, refills nothing.
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000', "'; drop table donations; --", donation.id]) {
      const res = await request(h.url).get(`/campaigns/speech-therapy-fund?retry=${encodeURIComponent(id)}`).expect(200);
      expect(inputValue(res.text, 'amount')).toBe('');
      expect(selectedOption(res.text, 'currency')).toBe('HKD');
      expect(checkedRadio(res.text, 'frequency')).toBe('once');
    }
  });
});

describe('what donors see of each other', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  async function giveAndPay(slug: string, form: Record<string, string>) {
    const gift = await h.give(slug, aDonor(form));
    await h.pay(gift.sessionId);
    await h.settle();
    return gift;
  }

  it('a name and message that look like HTML are shown as text, never as markup', async () => {
    const { sessionId } = await giveAndPay('general', { amount: '20', currency: 'USD', name: '<script>alert(1)</script>', message: '<img src=x onerror=alert(1)>' });
    const page = await request(h.url).get('/campaigns/general').expect(200);
    expect(page.text).toContain('<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong> gave US$20.00');
    expect(page.text).toContain('<blockquote>&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</blockquote>');
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).not.toContain('<img src=x');

    const thanks = await request(h.url).get(`/donations/thanks?session_id=${sessionId}`).expect(200);
    expect(thanks.text).toContain('Thank you, &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(thanks.text).not.toContain('<script>alert(1)</script>');
  });

  it('an anonymous gift shows "Anonymous" and never the name', async () => {
    await giveAndPay('general', { amount: '35', currency: 'USD', name: 'Hidden Benefactor', anonymous: 'on', message: 'Keep smiling' });
    const page = await request(h.url).get('/campaigns/general').expect(200);
    expect(page.text).toContain('<strong>Anonymous</strong> gave US$35.00');
    expect(page.text).toContain('<blockquote>Keep smiling</blockquote>');
    expect(page.text).not.toContain('Hidden Benefactor');
    const api = await request(h.url).get('/api/campaigns/general').expect(200);
    expect(api.text).not.toContain('Hidden Benefactor');
  });

  it('a gift not yet paid is not listed', async () => {
    await h.give('general', aDonor({ amount: '55', currency: 'USD', name: 'Not Yet Paid' }));
    const page = await request(h.url).get('/campaigns/general').expect(200);
    expect(page.text).not.toContain('Not Yet Paid');
  });

  it('the home page shows each campaign\'s progress, with the percentage written out', async () => {
    await giveAndPay('speech-therapy-fund', { amount: '30000', currency: 'HKD', name: 'Big Giver', email: 'big@example.com' });
    await giveAndPay('speech-therapy-fund', { amount: '1500', currency: 'HKD', name: 'Second Giver', email: 'second@example.com', frequency: 'month' });
    const home = await request(h.url).get('/').expect(200);
    const card = /<li class="campaign-card">\s*<h3><a href="\/campaigns\/speech-therapy-fund">[\s\S]*?<\/li>/.exec(home.text)?.[0];
    expect(card).toBeDefined();
    // HK$31,500 of HK$300,000 is 10.5%, shown rounded down.
    expect(card).toContain('<strong data-raised>HK$31,500</strong> raised of HK$300,000 <span class="percent">(10%)</span>');
    expect(card).toContain('aria-valuenow="10"');
    expect(card).toContain('2 donors, 1 giving every month or year');
  });
});

describe('preset links', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness({ worker: false });
  });
  afterAll(() => h.stop());

  it('each amount button on the campaign page opens the form with its amount and currency filled in', async () => {
    const buttons = async (query: string) => {
      const page = await request(h.url).get(`/campaigns/speech-therapy-fund${query}`).expect(200);
      return links(page.text).filter((href) => href.startsWith('/campaigns/speech-therapy-fund?amount=') && href.endsWith('#give'));
    };
    // The campaign's own currency first; another currency's buttons come with it.
    const presets = await buttons('');
    expect(presets).toEqual([
      '/campaigns/speech-therapy-fund?amount=100.00&currency=HKD#give',
      '/campaigns/speech-therapy-fund?amount=800.00&currency=HKD#give',
      '/campaigns/speech-therapy-fund?amount=3200.00&currency=HKD#give',
    ]);
    expect(await buttons('?currency=CNY')).toEqual(['/campaigns/speech-therapy-fund?amount=100.00&currency=CNY#give', '/campaigns/speech-therapy-fund?amount=750.00&currency=CNY#give']);
    expect(await buttons('?currency=USD')).toEqual(['/campaigns/speech-therapy-fund?amount=100.00&currency=USD#give']);
    for (const href of [...presets, '/campaigns/speech-therapy-fund?amount=750.00&currency=CNY#give']) {
      const { amount, currency } = Object.fromEntries(new URL(href, h.url).searchParams) as { amount: string; currency: string };
      const res = await request(h.url).get(href.replace(/#.*$/, '')).expect(200);
      expect(inputValue(res.text, 'amount')).toBe(amount);
      expect(selectedOption(res.text, 'currency')).toBe(currency);
      expect(checkedRadio(res.text, 'frequency')).toBe('once');
    }
    // A monthly donor's buttons keep the rhythm chosen.
    expect(await buttons('?currency=USD&frequency=month')).toEqual(['/campaigns/speech-therapy-fund?amount=100.00&currency=USD&frequency=month#give']);
  });

  it('counts down the days left in words that agree with the number', async () => {
    const closesIn = async (hours: number) => {
      const endsAt = new Date(testNow.getTime() + hours * 60 * 60 * 1000);
      await h.database.db.updateTable('campaigns').set({ ends_at: endsAt }).where('slug', '=', 'general').execute();
      const home = await request(h.url).get('/').expect(200);
      const page = await request(h.url).get('/campaigns/general').expect(200);
      return [home.text, page.text];
    };
    for (const text of await closesIn(12)) {
      expect(text).toContain('(1 day left)');
      expect(text).not.toContain('1 days left');
    }
    for (const text of await closesIn(36)) expect(text).toContain('(2 days left)');
  });

  it('a preset form, posted as it is, goes to Checkout for that amount', async () => {
    const { donation } = await h.give('speech-therapy-fund', aDonor({ amount: '750.00', currency: 'CNY' }));
    expect(donation).toMatchObject({ amount: 75_000, currency: 'CNY' });
  });

  it.each([
    ['amount=%3Cscript%3E&currency=CNY', '', 'CNY'],
    ['amount=100&currency=EUR', '100', 'HKD'],
    ['amount=-5&currency=usd', '', 'USD'],
    ['amount=1e9', '', 'HKD'],
    ['amount=12.345678&currency=HKD', '', 'HKD'],
  ])('ignores what a link should not carry: ?%s', async (query, amount, currency) => {
    const res = await request(h.url).get(`/campaigns/speech-therapy-fund?${query}`).expect(200);
    expect(res.text).not.toContain('<script>');
    expect(inputValue(res.text, 'amount')).toBe(amount);
    expect(selectedOption(res.text, 'currency')).toBe(currency);
  });
});
