// Documents share their fonts' laid-out words across the process (pdf-document.ts): a document must come out
// the same bytes whether its words were laid out for it or for documents before it.
import { drawFields, drawHeading, drawParagraph, drawVerification, renderPdf } from '../../server/receipts/pdf-document';
import type { Locale } from '../../server/locale';
import type { OrganisationView } from '../../server/organisation';

const organisation = { name: 'Happy Smile 微笑行動', address: '1 Queen’s Road Central, Hong Kong', registration: '91/12345', colour: '#0a6e5c' } as OrganisationView;

function aReceipt(locale: Locale, donor: string, amount: string): Promise<Buffer> {
  return renderPdf({ locale, title: 'Receipt', subject: 'A gift', organisation, datedAt: new Date(Date.UTC(2026, 5, 10, 2)) }, (doc) => {
    drawHeading(doc, locale === 'en' ? 'Receipt for your gift' : '捐款收據');
    drawFields(doc, [
      ['Amount', amount],
      ['Donor', donor],
    ]);
    drawParagraph(doc, 'Thank you for helping Hong Kong’s children smile again. 謝謝您幫助孩子重拾笑容。');
    drawVerification(doc, `https://giving.example.org/receipts/${encodeURIComponent(donor)}`, 'Scan to see this receipt on our site.');
  });
}

describe('a PDF document', () => {
  it.each<Locale>(['en', 'zh-CN', 'zh-HK'])('in %s is the same bytes after other documents have laid out the same words', async (locale) => {
    const first = await aReceipt(locale, 'Chan Tai Man 陳大文', 'HK$1,000.00');
    for (const [donor, amount] of [
      ['Lee Wing 李穎', 'HK$250.00'],
      ['Chan Tai Man 陳大文', 'HK$1,000.00'],
      ['Wong Siu Ming', 'HK$800.00'],
    ]) {
      await aReceipt(locale, donor!, amount!);
    }
    const again = await aReceipt(locale, 'Chan Tai Man 陳大文', 'HK$1,000.00');
    expect(again.length).toBe(first.length);
    expect(Buffer.compare(again, first)).toBe(0);
  });
});
