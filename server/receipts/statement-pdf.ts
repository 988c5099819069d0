// The annual statement as a PDF, attached to the yearly email and downloadable from the account and the
// statement's page: the same lines and totals they show, dated by its latest receipt, so the same statement
// is the same bytes every time.
import { translate, type MessageKey } from '../i18n/messages';
import { drawFields, drawHeading, drawParagraph, drawVerification, ink, muted, renderPdf, type Pdf } from './pdf-document';
import type { StatementView } from './statement.view';

const gap = 10;

/** Starts a new page unless `height` more points fit on this one: a total, or the QR code, is never cut in two. */
function keepTogether(doc: Pdf, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

type GiverPart = StatementView['givers'][number];

/** Receipt number, date, campaign and amount, one row each, the campaign wrapping in what the others leave; then the giver's totals. */
function drawLines(doc: Pdf, giver: GiverPart, say: (key: MessageKey) => string): void {
  const left = doc.page.margins.left;
  const right = doc.page.width - doc.page.margins.right;
  const widths = { number: 82, date: 82, amount: 92 };
  const x = { number: left, date: left + widths.number + gap, campaign: left + widths.number + widths.date + 2 * gap, amount: right - widths.amount };
  const campaignWidth = x.amount - gap - x.campaign;
  const rule = (y: number, colour: string) => doc.moveTo(left, y).lineTo(right, y).lineWidth(0.5).strokeColor(colour).stroke();
  const cell = (text: string, at: number, y: number, options: PDFKit.Mixins.TextOptions) => doc.text(text, at, y, options);

  const header = () => {
    const y = doc.y;
    doc.fillColor(muted).fontSize(9);
    cell(say('account.statement.number'), x.number, y, { width: widths.number, lineBreak: false });
    cell(say('receipt.date'), x.date, y, { width: widths.date, lineBreak: false });
    cell(say('receipt.campaign'), x.campaign, y, { width: campaignWidth, lineBreak: false });
    cell(say('receipt.amount'), x.amount, y, { width: widths.amount, align: 'right', lineBreak: false });
    doc.y = y + 16;
    rule(doc.y - 3, muted);
    doc.y += 4;
  };

  header();
  doc.fontSize(10);
  for (const line of giver.lines) {
    const height = Math.max(doc.heightOfString(line.campaign, { width: campaignWidth }), doc.heightOfString(line.number, { width: widths.number }));
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      header();
      doc.fontSize(10);
    }
    const y = doc.y;
    doc.fillColor(ink);
    cell(line.number, x.number, y, { width: widths.number });
    cell(line.givenOn, x.date, y, { width: widths.date });
    cell(line.campaign, x.campaign, y, { width: campaignWidth });
    cell(line.amount, x.amount, y, { width: widths.amount, align: 'right' });
    doc.y = y + height + 4;
    rule(doc.y - 2, '#d9d4cc');
    doc.y += 3;
  }

  doc.y += 4;
  keepTogether(doc, giver.totals.length * 18);
  doc.fontSize(11);
  for (const total of giver.totals) {
    const y = doc.y;
    doc.fillColor(muted);
    cell(total.label, left, y, { width: x.amount - gap - left, align: 'right' });
    doc.fillColor(ink);
    cell(total.amount, x.amount, y, { width: widths.amount, align: 'right' });
    doc.y = Math.max(doc.y, y + 16) + 2;
  }
  doc.x = left;
  doc.moveDown(1);
}

/** One giver's part: whom it is made out to when there are several, its lines and totals, and what they mean for tax. */
function drawGiver(doc: Pdf, giver: GiverPart, say: (key: MessageKey) => string): void {
  if (giver.madeOutTo) {
    // The heading, the registration and the table's first rows on one page.
    keepTogether(doc, 110);
    drawParagraph(doc, giver.madeOutTo, { size: 13 });
    if (giver.businessRegistration) drawFields(doc, [[say('organisation.receipt.businessRegistration'), giver.businessRegistration]]);
  }
  drawLines(doc, giver, say);
  if (giver.currencies) drawParagraph(doc, giver.currencies, { colour: muted });
  for (const note of giver.tax) drawParagraph(doc, note);
}

/** The statement's PDF, in the statement view's language. */
export async function renderStatementPdf(statement: StatementView): Promise<Buffer> {
  const say = (key: MessageKey) => translate(statement.locale, key);
  const meta = { locale: statement.locale, title: statement.title, subject: statement.title, organisation: statement.organisation, datedAt: statement.datedAt };
  return renderPdf(meta, (doc) => {
    drawHeading(doc, statement.title);
    if (statement.donorName) {
      drawFields(doc, [
        [say('receipt.donor'), statement.donorName],
        [say('organisation.receipt.businessRegistration'), statement.businessRegistration],
      ]);
    }
    drawParagraph(doc, statement.period, { size: 11 });
    if (statement.several) drawParagraph(doc, statement.several, { size: 11 });
    if (statement.taxRule) drawParagraph(doc, statement.taxRule);
    doc.moveDown(0.4);
    statement.givers.forEach((giver, index) => {
      if (index > 0) doc.moveDown(1);
      drawGiver(doc, giver, say);
    });
    keepTogether(doc, 110);
    drawVerification(doc, statement.url, say('statement.verify'));
  });
}
