import { Redis } from 'ioredis';
import { sql } from 'kysely';
import request from 'supertest';
import { signInLimits, signInLinkIsValid } from '../../server/donors/sign-in-links';
import { hashSecretToken } from '../../server/http/secret-tokens';
import { startGivingHarness, type GivingHarness } from '../support/giving';
import { testRedisUrl } from '../support/services';
import { waitUntil } from '../support/wait';
import { askForLink, csrfOf, giveAndPay, linkIn, signInMails, useLink } from './account-helpers';

describe('signing in to the donor account by email link', () => {
  let h: GivingHarness;
  let redis: Redis;
  const known = 'mei.chan@example.com';
  beforeAll(async () => {
    h = await startGivingHarness();
    redis = new Redis(testRedisUrl);
    await giveAndPay(h, { email: known, name: 'Mei Chan' });
  });
  afterAll(async () => {
    redis.disconnect();
    await h.stop();
  });
  // Each story starts with the rate limits at zero.
  beforeEach(async () => {
    const keys = await redis.keys(`${h.config.redisPrefix}:donor-sign-in:*`);
    if (keys.length > 0) await redis.del(...keys);
  });
  const fromNetwork = (address: string) => request.agent(h.url).set('X-Forwarded-For', address);
  /** The stored row of an emailed link: the mail server may have the email a moment before the row is committed beside its sent mark. */
  async function storedLink(link: string) {
    const tokenHash = hashSecretToken(new URL(link).pathname.split('/').pop()!);
    const row = () => h.database.db.selectFrom('donor_sign_in_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    await waitUntil('the emailed link stored', async () => (await row()) !== undefined);
    return { row: (await row())!, reread: async () => (await row())! };
  }

  it('emails a link that signs the donor in once, and never again', async () => {
    const before = (await signInMails(h, known, 0)).length;
    // Any case of the address finds the donor.
    const asked = await askForLink(h, 'Mei.Chan@Example.com');
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('Check your email');
    const mails = await signInMails(h, known, before + 1);
    const link = linkIn(mails[mails.length - 1]!)!;
    expect(mails[mails.length - 1]!.subject).toBe('Your sign-in link for Smile Bridge Foundation');

    // Only a hash of the token is stored.
    const token = new URL(link).pathname.split('/').pop()!;
    const { row, reread } = await storedLink(link);
    expect(row.token_hash).not.toBe(token);
    expect(JSON.stringify(await h.database.db.selectFrom('outbox').select('payload').where('topic', '=', 'sign_in_link').execute())).not.toContain(token);

    const browser = request.agent(h.url);
    // Opening the link (as a mail scanner does) does not use it up.
    await browser.get(new URL(link).pathname).expect(200);
    const used = await useLink(browser, link);
    expect(used.status).toBe(303);
    expect(used.headers.location).toBe('/account');
    const cookie = String(used.headers['set-cookie']);
    expect(cookie).toMatch(/sf_donor=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/account; Expires=[^;]+; HttpOnly; SameSite=Lax/);
    const account = await browser.get('/account').expect(200);
    expect(account.text).toContain(`Signed in as ${known}`);
    expect((await reread()).used_at).not.toBeNull();

    const again = request.agent(h.url);
    expect((await useLink(again, link)).status).toBe(410);
    expect((await again.get(new URL(link).pathname)).status).toBe(410);
    expect((await again.get('/account')).text).toContain('Email me a sign-in link');

    // The session table holds only a hash of the cookie's token; signing out ends the session on the server.
    const sessionsBefore = await h.database.db.selectFrom('donor_sessions').select('token_hash').execute();
    expect(sessionsBefore.length).toBeGreaterThan(0);
    expect(sessionsBefore.every((s) => !cookie.includes(s.token_hash))).toBe(true);
    await browser.post('/account/sign-out').type('form').send({ _csrf: csrfOf(account.text) }).expect(303);
    expect(await h.database.db.selectFrom('donor_sessions').select('token_hash').execute()).toHaveLength(sessionsBefore.length - 1);
    expect((await browser.get('/account')).text).toContain('Email me a sign-in link');
  });

  it('has the link ready before its email leaves, for a donor who opens it at once', async () => {
    const liveWhileSending: boolean[] = [];
    h.mail.beforeAccepting(async (mail) => {
      const token = linkIn(mail)?.split('/').pop();
      // The sender still holds its transaction open: only what it committed before is visible here.
      if (token) liveWhileSending.push(await signInLinkIsValid(h.database.db, token));
    });
    try {
      expect((await askForLink(h, known)).status).toBe(200);
      await waitUntil('the link was looked at', () => liveWhileSending.length >= 1);
      expect(liveWhileSending).toEqual([true]);
    } finally {
      h.mail.beforeAccepting(undefined);
    }
  });

  it('expires a link 30 minutes after it was sent', async () => {
    const before = (await signInMails(h, known, 0)).length;
    expect((await askForLink(h, known)).status).toBe(200);
    const link = linkIn((await signInMails(h, known, before + 1))[before]!)!;
    const { row, reread } = await storedLink(link);
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(30 * 60_000);

    await h.database.db.updateTable('donor_sign_in_links').set({ expires_at: sql`now() - interval '1 second'` }).where('id', '=', row.id).execute();
    const browser = request.agent(h.url);
    const page = await browser.get(new URL(link).pathname);
    expect(page.status).toBe(410);
    expect(page.text).toContain('This link no longer works');
    expect((await useLink(browser, link)).status).toBe(410);
    expect((await browser.get('/account')).text).not.toContain('Signed in as');
    expect((await reread()).used_at).toBeNull();
  });

  it('answers the same page and status for a known and an unknown address, and mails only the known one', async () => {
    const unknown = 'nobody.gave@example.com';
    const browser = request.agent(h.url);
    const before = (await signInMails(h, known, 0)).length;
    const forKnown = await askForLink(h, known, browser);
    const forUnknown = await askForLink(h, unknown, browser);
    expect(forUnknown.status).toBe(forKnown.status);
    expect(forKnown.status).toBe(200);
    expect(forUnknown.text.replaceAll(unknown, 'EMAIL')).toBe(forKnown.text.replaceAll(known, 'EMAIL'));

    await signInMails(h, known, before + 1);
    expect(h.mail.to(unknown)).toEqual([]);
    expect(await h.database.db.selectFrom('donors').select('id').where('email', '=', unknown).execute()).toEqual([]);
    // Once the worker has found nobody behind it, the request forgets the address.
    await waitUntil('the unknown address forgotten', async () => {
      const owed = await h.database.db.selectFrom('outbox').select('payload').where('topic', '=', 'sign_in_link').where('sent_at', 'is not', null).execute();
      return !JSON.stringify(owed).includes(unknown) && owed.some((row) => row.payload.email === null);
    });
  });

  it('does the same work for a known and an unknown address before answering: one owed email, no link yet', async () => {
    const owedNow = () => h.database.db.selectFrom('outbox').select(['dedupe_key', 'payload']).where('topic', '=', 'sign_in_link').orderBy('id', 'desc').execute();
    const before = (await owedNow()).length;
    const unknown = 'never.gave@example.com';
    expect((await askForLink(h, known)).status).toBe(200);
    expect((await askForLink(h, unknown)).status).toBe(200);
    const [forUnknown, forKnown] = await owedNow();
    expect((await owedNow()).length).toBe(before + 2);
    expect(Object.keys(forKnown!.payload).sort()).toEqual(Object.keys(forUnknown!.payload).sort());
    expect(forKnown!.dedupe_key).toMatch(/^sign-in-[0-9a-f-]{36}$/);
    expect(forUnknown!.dedupe_key).toMatch(/^sign-in-[0-9a-f-]{36}$/);
  });

  it('limits links per address and network, so someone else typing a donor’s address cannot keep the donor out', async () => {
    const unknown = 'someone.else@example.com';
    for (let i = 0; i < signInLimits.perEmailAndNetwork; i++) {
      expect((await askForLink(h, unknown, fromNetwork('198.51.100.7'))).status).toBe(200);
    }
    const limited = await askForLink(h, unknown, fromNetwork('198.51.100.7'));
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('You have asked for several links in a short time');
    expect((await askForLink(h, unknown, fromNetwork('203.0.113.20'))).status).toBe(200);

    // Someone asks again and again for the donor's link from their own network until they are stopped;
    // the donor, asking from home, is still answered, and signs in with the link.
    for (let i = 0; i < signInLimits.perEmailAndNetwork; i++) expect((await askForLink(h, known, fromNetwork('198.51.100.7'))).status).toBe(200);
    expect((await askForLink(h, known, fromNetwork('198.51.100.7'))).status).toBe(429);
    await waitUntil('every request composed', async () => (await h.database.db.selectFrom('outbox').select('id').where('topic', '=', 'sign_in_link').where('sent_at', 'is', null).execute()).length === 0);
    const before = (await signInMails(h, known, 0)).length;
    const home = fromNetwork('203.0.113.99');
    expect((await askForLink(h, known, home)).status).toBe(200);
    const mails = await signInMails(h, known, before + 1);
    expect((await useLink(home, linkIn(mails[mails.length - 1]!)!)).status).toBe(303);
  });

  it('limits links asked from one network, whatever the addresses', async () => {
    for (let i = 0; i < signInLimits.perNetwork; i++) expect((await askForLink(h, `visitor-${i}@example.com`, fromNetwork('192.0.2.44'))).status).toBe(200);
    expect((await askForLink(h, 'one-more@example.com', fromNetwork('192.0.2.44'))).status).toBe(429);
    expect((await askForLink(h, 'one-more@example.com', fromNetwork('192.0.2.45'))).status).toBe(200);
  });

  it('refuses a sign-in request without the form’s CSRF token', async () => {
    const browser = request.agent(h.url);
    await browser.get('/account').expect(200);
    const refused = await browser.post('/account/sign-in').type('form').send({ email: known });
    expect(refused.status).toBe(403);
    const fromOtherPage = await browser.post('/account/sign-in').type('form').send({ email: known, _csrf: 'x'.repeat(43) });
    expect(fromOtherPage.status).toBe(403);
  });

  it('writes the page and the email in Chinese for a donor reading in Chinese', async () => {
    const browser = request.agent(h.url);
    const page = await browser.get('/account?lang=zh-CN').expect(200);
    expect(page.text).toContain('发送登录链接');
    const before = (await signInMails(h, known, 0)).length;
    const asked = await browser.post('/account/sign-in').type('form').send({ _csrf: csrfOf(page.text), email: known }).expect(200);
    expect(asked.text).toContain('请查收邮件');
    const mails = await signInMails(h, known, before + 1);
    const mail = mails[mails.length - 1]!;
    expect(mail.subject).toBe('您的微笑桥基金会登录链接');
    expect(mail.text).toContain('30分钟内有效');
    expect(mail.headers.get('content-language')).toBe('zh-CN');
  });

  it('tells the donor what is wrong with an address that is not one', async () => {
    const bad = await askForLink(h, 'not-an-address');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Enter an email address like name@example.com.');
  });
});
