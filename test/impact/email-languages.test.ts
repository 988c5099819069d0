// An impact update's email goes in the donor's language: the update's own text in it when written in it,
// Hong Kong's Traditional converted from the Simplified, or, failing both, the English marked as English.
import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { postImpactUpdate } from '../../server/impact/post';
import { sendImpactEmail } from '../../server/impact/send';
import { startTestContext, type TestContext } from '../support/context';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { messages } from '../../server/i18n/messages';
import { agreeToNews } from './consent-helpers';

/** A header as sent, folded lines joined: mailparser files the List-* headers under another name. */
function header(mail: ParsedMail, name: string): string | undefined {
  return mail.headerLines.find((line) => line.key === name.toLowerCase())?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, ' ');
}

describe('the impact email in each donor’s language', () => {
  let t: TestContext;
  let mail: SmtpSink;
  let donors: Record<'en' | 'zh-CN' | 'zh-HK', number>;
  beforeAll(async () => {
    mail = await startSmtpSink();
    t = await startTestContext({ smtpUrl: mail.url, baseUrl: 'https://give.example.org' });
    await seedDemoData(t.database.db, testNow);
    const rows = await t.database.db
      .insertInto('donors')
      .values([
        { email: 'ada.languages@example.com', name: 'Ada Wong', locale: 'en' },
        { email: 'li.languages@example.com', name: '李小明', locale: 'zh-CN' },
        { email: 'chan.languages@example.com', name: '陳大文', locale: 'zh-HK' },
      ])
      .returning(['id', 'locale'])
      .execute();
    donors = Object.fromEntries(rows.map((row) => [row.locale, row.id])) as typeof donors;
    await agreeToNews(t.database.db, Object.values(donors));
  });
  afterAll(async () => {
    await t.close();
    await mail.close();
  });

  async function sendToEveryone(updateId: number): Promise<Record<'en' | 'zh-CN' | 'zh-HK', ParsedMail>> {
    const { db } = t.ctx;
    await db.insertInto('impact_deliveries').values(Object.values(donors).map((donorId) => ({ update_id: updateId, donor_id: donorId }))).execute();
    for (const donorId of Object.values(donors)) expect(await sendImpactEmail(t.ctx, updateId, donorId)).toBe('sent');
    const of = (email: string) => mail.to(email).find((message) => message.messageId?.startsWith(`<impact-${updateId}-`))!;
    return { en: of('ada.languages@example.com'), 'zh-CN': of('li.languages@example.com'), 'zh-HK': of('chan.languages@example.com') };
  }

  it('an update written in English and Simplified Chinese: English, Simplified, and Traditional converted for Hong Kong', async () => {
    const update = await postImpactUpdate(t.ctx.db, {
      campaignSlug: 'speech-therapy-fund',
      title: { en: 'A year of speech therapy', 'zh-CN': '一年的言语治疗' },
      bodyMarkdown: { en: 'Our therapists held **1,520 sessions** this year.', 'zh-CN': '治疗师今年上了 **1,520 节课**。' },
      figures: [{ label: { en: 'Sessions', 'zh-CN': '课时' }, value: 1520 }],
      photos: [{ url: 'https://photos.example.org/class.jpg', alt: null }],
    });
    const sent = await sendToEveryone(update.id);

    expect(sent.en.subject).toBe('Speech therapy fund: A year of speech therapy');
    expect(sent.en.text).toContain('Sessions: 1,520');
    expect(sent.en.text).toContain('Our therapists held **1,520 sessions** this year.');

    expect(sent['zh-CN'].subject).toBe('言语治疗基金：一年的言语治疗');
    expect(sent['zh-CN'].text).toContain('课时: 1,520');
    expect(sent['zh-CN'].text).toContain('治疗师今年上了 **1,520 节课**。');
    expect(String(sent['zh-CN'].html)).toContain('<p>治疗师今年上了 <strong>1,520 节课</strong>。</p>');

    const hk = sent['zh-HK'];
    expect(hk.headers.get('content-language')).toBe('zh-HK');
    expect(hk.subject).toBe('言語治療基金：一年的言語治療');
    expect(hk.text).toContain('親愛的陳大文：');
    expect(hk.text).toContain('課時: 1,520');
    expect(hk.text).toContain('治療師今年上了 **1,520 節課**。');
    const html = String(hk.html);
    expect(html).toContain('<html lang="zh-HK">');
    expect(html).toContain('>一年的言語治療</h1>');
    expect(html).toContain('<p>治療師今年上了 <strong>1,520 節課</strong>。</p>');
    expect(html).toContain('alt="「一年的言語治療」的第1張照片"');
    // Nothing in it is marked as another language: it is all Hong Kong's.
    expect(html).not.toMatch(/ lang="(en|zh-CN)"/);
    for (const simplified of ['一年的言语治疗', '治疗师', '课时']) expect(`${hk.subject}\n${hk.text}\n${html}`).not.toContain(simplified);

    // Each says, in its reader's language, why it came and how to stop it: a visible link, and the
    // headers a mail program's own unsubscribe button uses (RFC 8058, over https).
    for (const locale of ['en', 'zh-CN', 'zh-HK'] as const) {
      const words = messages[locale];
      const email = sent[locale];
      const link = /^<(https:\/\/give\.example\.org\/unsubscribe\/[^>]+)>$/.exec(String(header(email, 'List-Unsubscribe')))?.[1];
      expect(link).toBeDefined();
      expect(header(email, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      const campaign = { en: 'Speech therapy fund', 'zh-CN': '言语治疗基金', 'zh-HK': '言語治療基金' }[locale];
      expect(email.text).toContain(words['impact.why'].replace('{campaign}', campaign));
      expect(email.text).toContain(`${words['impact.unsubscribe']}: ${link}`);
      expect(String(email.html)).toContain(`<a href="${link}" style="color:#4a5262">${words['impact.unsubscribe']}</a>`);
    }
    expect(messages['zh-HK']['impact.why']).toContain('電郵');

    // The page behind the link asks in the donor's language too.
    for (const locale of ['en', 'zh-CN', 'zh-HK'] as const) {
      const link = new URL(/^<([^>]+)>$/.exec(String(header(sent[locale], 'List-Unsubscribe')))![1]!);
      const page = await request(t.app).get(link.pathname).expect(200);
      expect(page.text).toContain(`<html lang="${locale}">`);
      const address = { en: 'ada.languages@example.com', 'zh-CN': 'li.languages@example.com', 'zh-HK': 'chan.languages@example.com' }[locale];
      expect(page.text).toContain(messages[locale]['impact.unsubscribe.question'].replace('{email}', address));
    }
  });

  it('an update written only in Simplified reaches Hong Kong converted, its links’ addresses as written in both parts', async () => {
    const update = await postImpactUpdate(t.ctx.db, {
      campaignSlug: 'speech-therapy-fund',
      title: { 'zh-CN': '年度报告' },
      bodyMarkdown: { 'zh-CN': '请阅读[年度报告](https://example.org/报告/年度报告.pdf)，或访问 https://example.org/关于我们 了解更多。' },
    });
    const hk = (await sendToEveryone(update.id))['zh-HK'];
    expect(hk.text).toContain('請閱讀[年度報告](https://example.org/报告/年度报告.pdf)，或訪問 https://example.org/关于我们 了解更多。');
    const html = String(hk.html);
    expect(html).toContain('請閱讀<a href="https://example.org/%E6%8A%A5%E5%91%8A/%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf" rel="nofollow noopener">年度報告</a>');
    expect(html).toContain('>https://example.org/关于我们</a> 了解更多。');
  });

  it('an update written only in English reaches a Chinese donor in English, marked as English inside the Chinese email', async () => {
    const update = await postImpactUpdate(t.ctx.db, {
      campaignSlug: 'speech-therapy-fund',
      title: { en: 'New speech therapy room' },
      bodyMarkdown: { en: 'The new room opened in **March**.' },
      figures: [{ label: { en: 'Children each week' }, value: 40 }],
    });
    const hk = (await sendToEveryone(update.id))['zh-HK'];
    expect(hk.subject).toBe('言語治療基金：New speech therapy room');
    const html = String(hk.html);
    expect(html).toContain('<html lang="zh-HK">');
    expect(html).toMatch(/<h1 style="[^"]*" lang="en">New speech therapy room<\/h1>/);
    expect(html).toContain('<div lang="en"><p>The new room opened in <strong>March</strong>.</p></div>');
    expect(html).toMatch(/<td style="[^"]*" lang="en">Children each week<\/td>/);
    // The email's own sentences stay in the donor's language.
    expect(hk.text).toContain('親愛的陳大文：');
  });
});
