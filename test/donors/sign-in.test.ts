import { Redis } from 'ioredis';
import { sql } from 'kysely';
import request from 'supertest';
import { signInLimits } from '../../server/donors/sign-in-links';
import { startGivingHarness, type GivingHarness } from '../support/giving';
import { testRedisUrl } from '../support/services';
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

  const linksOf = (email: string) =>
    h.database.db
      .selectFrom('donor_sign_in_links')
      .innerJoin('donors', 'donors.id', 'donor_sign_in_links.donor_id')
      .selectAll('donor_sign_in_links')
      .where(sql`lower(donors.email)`, '=', email.toLowerCase())
      .orderBy('donor_sign_in_links.created_at')
      .execute();

  it('emails a link that signs the donor in once, and never again', async () => {
    const before = (await signInMails(h, known, 0)).length;
    // Any case of the address finds the donor.
    const asked = await askForLink(h, 'Mei.Chan@Example.com');
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('Check your email');
    const mails = await signInMails(h, known, before + 1);
    const link = linkIn(mails[mails.length - 1]!)!;
    expect(mails[mails.length - 1]!.subject).toBe('Your sign-in link for Smilefund');

    // Only a hash of the token is stored.
    const token = new URL(link).pathname.split('/').pop()!;
    const [row] = (await linksOf(known)).slice(-1);
    expect(row!.token_hash).not.toBe(token);
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
    expect((await linksOf(known)).slice(-1)[0]!.used_at).not.toBeNull();

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

  it('expires a link 30 minutes after it was sent', async () => {
    const before = (await signInMails(h, known, 0)).length;
    expect((await askForLink(h, known)).status).toBe(200);
    const link = linkIn((await signInMails(h, known, before + 1))[before]!)!;
    const [row] = (await linksOf(known)).slice(-1);
    expect(row!.expires_at.getTime() - row!.created_at.getTime()).toBe(30 * 60_000);

    await h.database.db.updateTable('donor_sign_in_links').set({ expires_at: sql`now() - interval '1 second'` }).where('id', '=', row!.id).execute();
    const browser = request.agent(h.url);
    const page = await browser.get(new URL(link).pathname);
    expect(page.status).toBe(410);
    expect(page.text).toContain('This link no longer works');
    expect((await useLink(browser, link)).status).toBe(410);
    expect((await browser.get('/account')).text).not.toContain('Signed in as');
    expect((await linksOf(known)).slice(-1)[0]!.used_at).toBeNull();
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
    const owed = await h.database.db.selectFrom('outbox').select('payload').where('topic', '=', 'sign_in_link').execute();
    expect(owed).toHaveLength((await linksOf(known)).length);
  });

  it('limits links per address (known or not) and per network', async () => {
    const unknown = 'someone.else@example.com';
    const countBefore = (await linksOf(known)).length;
    for (let i = 0; i < signInLimits.perEmail; i++) {
      expect((await askForLink(h, known)).status).toBe(200);
      expect((await askForLink(h, unknown)).status).toBe(200);
    }
    const limitedKnown = await askForLink(h, known);
    const limitedUnknown = await askForLink(h, unknown);
    expect(limitedKnown.status).toBe(429);
    expect(limitedUnknown.status).toBe(429);
    expect(limitedKnown.text).toContain('You have asked for several links in a short time');
    expect((await linksOf(known)).length).toBe(countBefore + signInLimits.perEmail);

    // One network asking for many addresses is stopped too.
    const keys = await redis.keys(`${h.config.redisPrefix}:donor-sign-in:*`);
    await redis.del(...keys);
    for (let i = 0; i < signInLimits.perIp; i++) expect((await askForLink(h, `visitor-${i}@example.com`)).status).toBe(200);
    expect((await askForLink(h, 'one-more@example.com')).status).toBe(429);
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
    expect(mail.subject).toBe('您的微笑基金登录链接');
    expect(mail.text).toContain('30分钟内有效');
    expect(mail.headers.get('content-language')).toBe('zh-CN');
  });

  it('tells the donor what is wrong with an address that is not one', async () => {
    const bad = await askForLink(h, 'not-an-address');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Enter an email address like name@example.com.');
  });
});
