// A receipt as a PDF: the same receipt the email and the printable page show, for donors, employers, tax
// offices and auditors who ask for a file. Its glyphs come from the Noto Sans fonts the project installs
// (Simplified for English and Simplified Chinese, Traditional for Hong Kong), never from the system, and
// it carries a QR code to its page on the site, where anyone can see it is real. Rendered from the receipt
// alone (its issue date stands for "now"), so the same receipt is the same bytes every time.
import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { translate } from '../i18n/messages';
import type { Locale } from '../locale';
import type { ReceiptView } from './receipt.view';

const fontFiles: Record<'simplified' | 'traditional', string> = {
  simplified: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  traditional: '@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf',
};
const fonts = new Map<keyof typeof fontFiles, Buffer>();

/** Read once per process: each file is about 10 MB. */
function fontFor(locale: Locale): Buffer {
  const script = locale === 'zh-HK' ? 'traditional' : 'simplified';
  let font = fonts.get(script);
  if (!font) fonts.set(script, (font = readFileSync(require.resolve(fontFiles[script]))));
  return font;
}

const ink = '#1d2330';
const muted = '#4a5262';

/** The QR code of `text` drawn as squares, `size` points wide with a one-module quiet zone: sharp at any zoom, and no image to encode. */
function drawQrCode(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const cell = size / (modules.size + 2);
  for (let row = 0; row < modules.size; row++) {
    for (let column = 0; column < modules.size; column++) {
      if (modules.get(row, column)) doc.rect(x + (column + 1) * cell, y + (row + 1) * cell, cell, cell);
    }
  }
  doc.fillColor(ink).fill();
}

/** The receipt's PDF, in the receipt view's language. */
export async function renderReceiptPdf(receipt: ReceiptView, issuedAt: Date): Promise<Buffer> {
  const say = (key: Parameters<typeof translate>[1]) => translate(receipt.locale, key);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    lang: receipt.locale,
    info: { Title: receipt.subject, Author: receipt.organisation.name, Subject: `${say('receipt.heading')} ${receipt.number}`, CreationDate: issuedAt, ModDate: issuedAt },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('receipt', fontFor(receipt.locale));
  doc.font('receipt');

  doc.fillColor(receipt.organisation.colour).fontSize(18).text(receipt.organisation.name);
  doc.fillColor(ink).fontSize(10).text(receipt.organisation.address);
  doc.fillColor(muted).text(`${say('receipt.registration')}: ${receipt.organisation.registration}`);
  doc.moveDown(1.5);
  doc.fillColor(ink).fontSize(16).text(`${say('receipt.heading')} ${receipt.number}`);
  doc.moveDown(0.8);

  const lines: Array<[string, string | null]> = [
    [say('receipt.number'), receipt.number],
    [say('receipt.donor'), receipt.donorName],
    [say('receipt.date'), receipt.givenOn],
    [say('receipt.amount'), receipt.amount],
    [say('receipt.campaign'), receipt.campaign],
    [say('receipt.kind'), receipt.kind],
    [say('receipt.paymentMethod'), receipt.paymentMethod],
    [say('receipt.dedication'), receipt.dedication],
  ];
  const labelWidth = 140;
  const valueX = doc.page.margins.left + labelWidth;
  const valueWidth = doc.page.width - doc.page.margins.right - valueX;
  doc.fontSize(11);
  for (const [label, value] of lines) {
    if (value === null) continue;
    const y = doc.y;
    doc.fillColor(muted).text(label, doc.page.margins.left, y, { width: labelWidth - 12 });
    const labelBottom = doc.y;
    doc.fillColor(ink).text(value, valueX, y, { width: valueWidth });
    doc.y = Math.max(doc.y, labelBottom) + 4;
  }
  doc.x = doc.page.margins.left;
  doc.moveDown(1);
  doc.fillColor(ink).fontSize(10).text(receipt.wording, { width: doc.page.width - doc.page.margins.left - doc.page.margins.right });
  doc.moveDown(1.5);

  const qrTop = doc.y;
  drawQrCode(doc, receipt.printableUrl, doc.page.margins.left, qrTop, 96);
  doc.fillColor(muted).fontSize(9).text(say('receipt.pdf.verify'), doc.page.margins.left + 110, qrTop + 8, { width: valueWidth });
  doc.fillColor(ink).text(receipt.printableUrl, { width: valueWidth, link: receipt.printableUrl });
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

/** The file name a receipt downloads or is attached as: "receipt-2026-000123.pdf". */
export const receiptPdfName = (number: string) => `receipt-${number}.pdf`;
