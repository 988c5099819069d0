// A Hong Kong donor's whole visit in Traditional Chinese: every page they can reach and every email they get,
// with no sentence left in English or in Simplified characters.
import request from 'supertest';
import { demoRounds } from '../../dev/seed';
import { messages } from '../../server/i18n/messages';
import { askForLink, csrfOf, giveAndPay, linkIn, signIn, signInMails } from '../donors/account-helpers';
import { foreignSentences } from '../support/catalog-leaks';
import { testNow } from '../support/clock';
import { aDonor, startGivingHarness, type GivingHarness } from '../support/giving';
import { waitUntil } from '../support/wait';

const hk = messages['zh-HK'];

describe('Traditional Chinese, from the first page to the last email', () => {
  let h: GivingHarness;
  beforeAll(async () => {
    h = await startGivingHarness();
  });
  afterAll(() => h.stop());

  const inTraditional = (shown: string) => {
    expect(foreignSentences(shown, 'zh-HK')).toEqual([]);
  };

  it('speaks it on every public page a donor can open, chosen by the browser alone', async () => {
    const closed = demoRounds(testNow).closed[0]!.slug;
    for (const path of ['/', '/campaigns/speech-therapy-fund', '/campaigns/general', `/campaigns/${closed}`, '/embed/campaigns/speech-therapy-fund', '/account', '/no-such-page']) {
      const page = await request(h.url).get(path).set('Accept-Language', 'zh-HK,zh;q=0.9,en;q=0.5').set('Accept', 'text/html');
      expect(page.text).toContain('<html lang="zh-HK">');
      inTraditional(page.text);
    }
    const campaign = (await request(h.url).get('/campaigns/speech-therapy-fund').set('Accept-Language', 'zh-TW').expect(200)).text;
    expect(campaign).toContain(`<label for="email">${hk['donate.email']}</label>`);
    expect(campaign).toContain('<input type="hidden" name="locale" value="zh-HK">');
  });

  it('says what is wrong with a form beside each field, in Traditional Chinese', async () => {
    const browser = request.agent(h.url);
    await browser.get('/campaigns/speech-therapy-fund?lang=zh-HK').expect(200);
    const answer = await browser.post('/campaigns/speech-therapy-fund/donate').type('form').send({ locale: 'zh-HK', frequency: 'once', amount: '25,00', currency: 'HKD', name: '', email: 'nobody' }).expect(422);
    expect(answer.text).toContain(hk['donate.error.amountSeparator']);
    expect(answer.text).toContain(hk['donate.error.nameMissing']);
    expect(answer.text).toContain(hk['donate.error.emailFormat']);
    inTraditional(answer.text);
  });

  it('records the gift in it, pays on a Traditional Checkout page, thanks, receipts and signs in in it', async () => {
    const { donation, sessionId } = await h.give('speech-therapy-fund', aDonor({ email: 'ka.yan@example.com', name: '李嘉欣', locale: 'zh-HK' }));
    expect(donation.locale).toBe('zh-HK');
    const session = await h.stripe.checkout.sessions.retrieve(sessionId, { expand: ['line_items'] });
    expect(session.locale).toBe('zh-HK');
    expect(session.line_items?.data[0]?.description).toBe('捐款支持言語治療基金');
    await h.pay(sessionId);
    await h.settle();
    const thanks = (await request(h.url).get(`/donations/thanks?session_id=${sessionId}`).set('Accept-Language', 'zh-HK').expect(200)).text;
    expect(thanks).toContain(hk['thanks.confirmed']);
    inTraditional(thanks);

    await waitUntil('the receipt', () => h.mail.to('ka.yan@example.com').length >= 1);
    const receipt = h.mail.to('ka.yan@example.com')[0]!;
    expect(receipt.headers.get('content-language')).toBe('zh-HK');
    inTraditional(`${receipt.subject}\n${receipt.text}\n${String(receipt.html)}`);
    const printable = /(\/receipts\/[A-Za-z0-9_.-]+)/.exec(receipt.text ?? '')?.[1];
    inTraditional((await request(h.url).get(printable!).expect(200)).text);

    const browser = request.agent(h.url);
    await browser.get('/account?lang=zh-HK').expect(200);
    expect((await askForLink(h, 'ka.yan@example.com', browser)).status).toBe(200);
    const [signInMail] = await signInMails(h, 'ka.yan@example.com', 1);
    expect(linkIn(signInMail!)).toBeDefined();
    inTraditional(`${signInMail!.subject}\n${signInMail!.text}`);
  });

  it('shows a signed-in donor their giving and a plan in it', async () => {
    await giveAndPay(h, { email: 'siu.ming@example.com', name: '陳小明', locale: 'zh-HK', frequency: 'month', amount: '200' }, 'general');
    const donor = await signIn(h, 'siu.ming@example.com');
    const account = (await donor.agent.get('/account?lang=zh-HK').expect(200)).text;
    expect(account).toContain('<html lang="zh-HK">');
    inTraditional(account);
    const plan = /href="(\/account\/plans\/[^"]+)"/.exec(account)?.[1];
    expect(plan).toBeDefined();
    inTraditional((await donor.agent.get(plan!).expect(200)).text);
    const statement = (await donor.agent.get(`/account/statements/${testNow.getUTCFullYear()}`).expect(200)).text;
    expect(statement).toContain('<p class="receipt-org-name">微笑橋基金會</p>');
    expect(statement).toContain('香港灣仔港灣道1號12樓1203室');
    inTraditional(statement);
    expect(csrfOf(account)).toBeTruthy();
  });
});
