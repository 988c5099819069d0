// Whose site it is: the organisation configured once (ORG_* variables) in every page's header and footer,
// the favicon and link previews, each email's sender and signature, and every receipt; never "Smilefund".
import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { loadConfig } from '../../server/config';
import { sendOwedEmail } from '../../server/emails';
import { issueReceipt } from '../../server/receipts/issue';
import { signToken } from '../../server/http/signed-links';
import type { Locale } from '../../server/locale';
import { testNow } from '../support/clock';
import { startTestContext, type TestContext } from '../support/context';
import { decodeEntities } from '../support/html';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

const organisationEnvironment = {
  ORG_NAME_EN: 'Harbour Cleft Care',
  ORG_NAME_ZH_CN: '海港唇腭裂关爱会',
  ORG_ADDRESS: '8 Queen’s Road East, Wan Chai, Hong Kong',
  ORG_ADDRESS_ZH_CN: '香港湾仔皇后大道东8号',
  ORG_REGISTRATION: 'Charity file no. 91/99999 (section 88)',
  ORG_REGISTRATION_ZH_CN: '慈善机构档案编号 91/99999（第88条）',
  ORG_EMAIL: 'hello@harbour-cleft.example.org',
  ORG_PHONE: '+852 2345 6789',
  ORG_PRIVACY_URL: 'https://harbour-cleft.example.org/privacy',
  ORG_COLOUR: '#1F4E8C',
  MAIL_FROM: 'Anything <giving@harbour-cleft.example.org>',
};

describe('the organisation the site belongs to', () => {
  let t: TestContext;
  let mail: SmtpSink;
  beforeAll(async () => {
    mail = await startSmtpSink();
    const configured = loadConfig({ NODE_ENV: 'test', ...organisationEnvironment });
    t = await startTestContext({ smtpUrl: mail.url, organisation: configured.organisation, mailFrom: configured.mailFrom });
    await seedDemoData(t.database.db, testNow);
  });
  afterAll(async () => {
    await t.close();
    await mail.close();
  });

  const text = (html: string) => decodeEntities(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
  const part = (html: string, tag: string) => new RegExp(`<${tag}[\\s>][\\s\\S]*?</${tag}>`).exec(html)?.[0] ?? '';

  it('names itself in the header and footer of the home page, in English and in Chinese', async () => {
    const english = (await request(t.app).get('/?lang=en').expect(200)).text;
    expect(text(part(english, 'header'))).toContain('Harbour Cleft Care');
    const footer = part(english, 'footer');
    for (const shown of ['Harbour Cleft Care', '8 Queen’s Road East, Wan Chai, Hong Kong', 'Charity file no. 91/99999 (section 88)', 'hello@harbour-cleft.example.org', '+852 2345 6789', 'Privacy policy']) {
      expect(text(footer)).toContain(shown);
    }
    expect(footer).toContain('href="mailto:hello@harbour-cleft.example.org"');
    expect(footer).toContain('href="https://harbour-cleft.example.org/privacy"');
    expect(english).toMatch(/<title>[^<]* · Harbour Cleft Care<\/title>/);

    const chinese = (await request(t.app).get('/?lang=zh-CN').expect(200)).text;
    expect(text(part(chinese, 'header'))).toContain('海港唇腭裂关爱会');
    for (const shown of ['海港唇腭裂关爱会', '香港湾仔皇后大道东8号', '慈善机构档案编号 91/99999（第88条）', '隐私政策']) {
      expect(text(part(chinese, 'footer'))).toContain(shown);
    }
    expect(chinese).toMatch(/<title>[^<]* · 海港唇腭裂关爱会<\/title>/);

    // Given only in Simplified characters, the organisation reads in Traditional ones to Hong Kong.
    const traditional = (await request(t.app).get('/?lang=zh-HK').expect(200)).text;
    for (const shown of ['海港唇顎裂關愛會', '香港灣仔皇后大道東8號', '慈善機構檔案編號 91/99999（第88條）', '隱私政策']) {
      expect(text(part(traditional, 'footer'))).toContain(shown);
    }
  });

  it('shows its logo and colour: the header, the favicon, /brand.css and the link preview', async () => {
    const home = (await request(t.app).get('/?lang=en').expect(200)).text;
    expect(part(home, 'header')).toContain('<img src="/brand/logo.svg" alt=""');
    expect(home).toContain('<link rel="icon" href="/brand/logo.svg">');
    expect(home).toContain('<meta property="og:site_name" content="Harbour Cleft Care">');
    // Link previews show no SVG: without a PNG or JPEG of its own the organisation's pages name no picture.
    expect(home).not.toContain('og:image');
    expect(home).toContain('<meta name="twitter:card" content="summary">');

    const favicon = await request(t.app).get('/favicon.ico').expect(200);
    expect(favicon.headers['content-type']).toMatch(/^image\//);
    const svg = Buffer.isBuffer(favicon.body) ? favicon.body.toString() : favicon.text;
    expect(svg).toContain('fill="#1f4e8c"');
    expect(svg).toContain('>HC</text>');

    const css = await request(t.app).get('/brand.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.text).toContain('--brand: #1f4e8c;');
  });

  it('never says "Smilefund" on a public page, the staff sign-in page or an error page', async () => {
    const names = { en: 'Harbour Cleft Care', 'zh-CN': '海港唇腭裂关爱会', 'zh-HK': '海港唇顎裂關愛會' };
    for (const path of ['/?lang=en', '/?lang=zh-CN', '/?lang=zh-HK', '/campaigns/speech-therapy-fund?lang=en', '/campaigns/speech-therapy-fund?lang=zh-CN', '/campaigns/speech-therapy-fund?lang=zh-HK', '/account/sign-in', '/staff/sign-in', '/no-such-page']) {
      const res = await request(t.app).get(path).set('Accept', 'text/html');
      expect(res.text).toContain(names[path.includes('zh-HK') ? 'zh-HK' : path.includes('zh-CN') ? 'zh-CN' : 'en']);
      expect(res.text).not.toMatch(/smilefund|微笑基金/i);
    }
  });

  it('sends the receipt from the organisation, signed with its address and contact, in the donor’s language', async () => {
    const { db } = t.ctx;
    const campaign = await db.selectFrom('campaigns').select('id').where('slug', '=', 'speech-therapy-fund').executeTakeFirstOrThrow();
    const send = async (email: string, locale: Locale) => {
      const donor = await db.insertInto('donors').values({ email, name: 'Mei Chan', locale }).returning('id').executeTakeFirstOrThrow();
      const donation = await db
        .insertInto('donations')
        .values({ campaign_id: campaign.id, donor_id: donor.id, frequency: 'once', amount: 50_000, currency: 'HKD', status: 'succeeded', origin: 'checkout', donor_name: 'Mei Chan', locale, payment_method: 'card', succeeded_at: testNow })
        .returningAll()
        .executeTakeFirstOrThrow();
      await db.transaction().execute((trx) => issueReceipt(trx, donation, testNow, t.ctx.config.organisation.timeZone));
      const row = await db.selectFrom('outbox').select('id').where('dedupe_key', '=', `receipt-${donation.id}`).executeTakeFirstOrThrow();
      expect(await sendOwedEmail(t.ctx, row.id)).toBe('sent');
      return { message: mail.to(email).at(-1)!, donation };
    };

    const { message: english, donation } = await send('mei.en@example.com', 'en');
    expect(english.from?.value).toEqual([{ name: 'Harbour Cleft Care', address: 'giving@harbour-cleft.example.org' }]);
    for (const shown of ['Harbour Cleft Care', '8 Queen’s Road East, Wan Chai, Hong Kong', 'hello@harbour-cleft.example.org', '+852 2345 6789', 'Charity file no. 91/99999 (section 88)']) {
      expect(english.text).toContain(shown);
      expect(text(String(english.html))).toContain(shown);
    }
    expect(english.text).toContain('Privacy policy: https://harbour-cleft.example.org/privacy');
    expect(String(english.html)).toContain('<a href="https://harbour-cleft.example.org/privacy"');
    expect(`${english.text}${String(english.html)}`).not.toMatch(/smilefund|微笑基金/i);

    const { message: chinese } = await send('mei.zh@example.com', 'zh-CN');
    expect(chinese.from?.value).toEqual([{ name: '海港唇腭裂关爱会', address: 'giving@harbour-cleft.example.org' }]);
    for (const shown of ['海港唇腭裂关爱会', '香港湾仔皇后大道东8号', '慈善机构档案编号 91/99999（第88条）']) expect(chinese.text).toContain(shown);

    const { message: traditional } = await send('mei.hk@example.com', 'zh-HK');
    expect(traditional.from?.value).toEqual([{ name: '海港唇顎裂關愛會', address: 'giving@harbour-cleft.example.org' }]);
    expect(traditional.subject).toContain('您的捐款收據');
    for (const shown of ['海港唇顎裂關愛會', '香港灣仔皇后大道東8號', '慈善機構檔案編號 91/99999（第88條）']) expect(traditional.text).toContain(shown);

    // The printable receipt, in the receipt's language, names the same organisation.
    const receipt = await db.selectFrom('receipts').select('id').where('donation_id', '=', donation.id).executeTakeFirstOrThrow();
    const printable = (await request(t.app).get(`/receipts/${signToken(t.ctx.config.sessionSecret, 'receipt', receipt.id)}`).expect(200)).text;
    for (const shown of ['Harbour Cleft Care', '8 Queen’s Road East, Wan Chai, Hong Kong', 'Charity file no. 91/99999 (section 88)']) expect(text(printable)).toContain(shown);
  });
});

describe('the organisation settings', () => {
  const problems = (env: NodeJS.ProcessEnv) => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      return (error as { problems: string[] }).problems;
    }
  };

  it('defaults to a demo Hong Kong charity that says it is a demo', () => {
    const { organisation, mailFrom } = loadConfig({});
    expect(organisation.name).toEqual({ en: 'Smile Bridge Foundation', 'zh-CN': '微笑桥基金会', 'zh-HK': '微笑橋基金會' });
    expect(organisation.address.en).toMatch(/Hong Kong$/);
    expect(organisation.registration.en).toMatch(/^Demo data only/);
    expect(organisation.email).toMatch(/@example\.org$/);
    expect(mailFrom).toBe('giving@localhost');
    expect(organisation.shareImageUrl).toBe('/assets/covers/general-fund.png');
  });

  it('shows link previews a PNG or JPEG: the one named, else the logo if it is one, else none', () => {
    expect(loadConfig({ ORG_NAME_EN: 'Hope Trust', ORG_SHARE_IMAGE_URL: 'https://hope.example.org/share.jpg' }).organisation.shareImageUrl).toBe('https://hope.example.org/share.jpg');
    expect(loadConfig({ ORG_NAME_EN: 'Hope Trust', ORG_LOGO_URL: '/assets/hope.png' }).organisation.shareImageUrl).toBe('/assets/hope.png');
    expect(loadConfig({ ORG_NAME_EN: 'Hope Trust', ORG_LOGO_URL: 'https://hope.example.org/logo.svg' }).organisation.shareImageUrl).toBeUndefined();
    expect(problems({ ORG_SHARE_IMAGE_URL: '//evil.example/x.png' })[0]).toMatch(/^ORG_SHARE_IMAGE_URL: expected the link-preview picture/);
  });

  it('falls back to the English name where a language has none', () => {
    const { organisation } = loadConfig({ ORG_NAME_EN: 'Hope Trust' });
    expect(organisation.name).toEqual({ en: 'Hope Trust' });
  });

  it('says what is wrong with a bad colour, contact or address', () => {
    expect(problems({ ORG_COLOUR: 'teal' })[0]).toMatch(/^ORG_COLOUR: expected a colour written #rrggbb/);
    expect(problems({ ORG_COLOUR: '#ffe066' })[0]).toMatch(/^ORG_COLOUR: expected a colour dark enough for white text on it/);
    expect(problems({ ORG_EMAIL: 'hello' })[0]).toMatch(/^ORG_EMAIL: expected the contact email address/);
    expect(problems({ ORG_PRIVACY_URL: 'http://example.org/privacy' })[0]).toMatch(/^ORG_PRIVACY_URL: expected the privacy policy's address, starting with https:\/\//);
    expect(problems({ ORG_LOGO_URL: 'http://example.org/logo.png' })[0]).toMatch(/^ORG_LOGO_URL: expected the logo's address/);
    expect(problems({ MAIL_FROM: 'giving' })[0]).toMatch(/^MAIL_FROM: expected an address/);
  });
});
