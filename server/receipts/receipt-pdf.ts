// A receipt as a PDF: the same receipt the email and the printable page show, for donors, employers, tax
// offices and auditors who ask for a file, with a QR code to its page on the site, where anyone can see it
// is real (and whether it still stands). Rendered from the receipt alone, so it is the same bytes every time.
import { translate, type MessageKey } from '../i18n/messages';
import { drawFields, drawHeading, drawParagraph, drawVerification, renderPdf, voidInk } from './pdf-document';
import type { ReceiptView } from './receipt.view';

/** The receipt's PDF, in the receipt view's language. */
export async function renderReceiptPdf(receipt: ReceiptView, issuedAt: Date): Promise<Buffer> {
  const say = (key: MessageKey) => translate(receipt.locale, key);
  const meta = { locale: receipt.locale, title: receipt.subject, subject: `${say('receipt.heading')} ${receipt.number}`, organisation: receipt.organisation, datedAt: issuedAt };
  return renderPdf(meta, (doc) => {
    drawHeading(doc, `${say('receipt.heading')} ${receipt.number}${receipt.voidStamp ? ` (${receipt.voidStamp})` : ''}`);
    // A void receipt says so before anything else, so that nobody claims tax on it.
    for (const line of receipt.void) drawParagraph(doc, line, { size: 12, colour: voidInk });
    if (receipt.replaces) drawParagraph(doc, receipt.replaces, { size: 12 });
    drawFields(doc, [
      [say('receipt.number'), receipt.number],
      [say('receipt.donor'), receipt.donorName],
      [say('organisation.receipt.contact'), receipt.contactName],
      [say('organisation.receipt.businessRegistration'), receipt.businessRegistration],
      [say('receipt.date'), receipt.givenOn],
      [say('receipt.issuedOn'), receipt.issuedOn],
      [say('receipt.amount'), receipt.amount],
      [say('receipt.campaign'), receipt.campaign],
      [say('receipt.kind'), receipt.kind],
      [say('receipt.paymentMethod'), receipt.paymentMethod],
      [say('receipt.dedication'), receipt.dedication],
    ]);
    drawParagraph(doc, receipt.wording);
    drawVerification(doc, receipt.printableUrl, say('receipt.pdf.verify'));
  });
}

/** The file name a receipt downloads or is attached as: "receipt-2026-000123.pdf". */
export const receiptPdfName = (number: string) => `receipt-${number}.pdf`;
