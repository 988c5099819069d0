// The one way our documents become PDFs (receipts, refund notices, statements): A4, the organisation's
// letterhead, labelled lines, and a QR code to the document's page on the site. Glyphs come from the Noto
// Sans fonts the project installs (Simplified for English and Simplified Chinese, Traditional for Hong
// Kong), never from the system. Dated by the document itself, never by the clock, so the same document is
// the same bytes every time.
import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { translate } from '../i18n/messages';
import type { Locale } from '../locale';
import type { OrganisationView } from '../organisation';

const fontFiles: Record<'simplified' | 'traditional', string> = {
  simplified: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  traditional: '@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf',
};
const parsedFonts = new Map<keyof typeof fontFiles, fontkit.Font>();
const documentFonts = new Map<Locale, fontkit.Font>();
/** Laid-out words kept per font: a receipt needs a few hundred, and a statement's names and numbers come and go. */
const maxSharedLayouts = 20_000;

/**
 * Parsed once per process and shared by every document, which only lays it out and embeds a subset: parsing
 * the 10 MB file again for each receipt (and warming its glyph caches again) was a third of the worker's CPU.
 */
function parsedFont(script: keyof typeof fontFiles): fontkit.Font {
  let font = parsedFonts.get(script);
  if (!font) parsedFonts.set(script, (font = fontkit.create(readFileSync(require.resolve(fontFiles[script]))) as fontkit.Font));
  return font;
}

/**
 * The CJK fonts draw ’ and “ ” full width, which leaves a gap in "Kong’s": English documents lay their text
 * out with the font's proportional forms ('pwid'), while Chinese keeps its full-width punctuation.
 */
function fontFor(locale: Locale): fontkit.Font {
  let font = documentFonts.get(locale);
  if (!font) {
    font = locale === 'en' ? withSharedLayouts(parsedFont('simplified'), ['pwid']) : withSharedLayouts(parsedFont(locale === 'zh-HK' ? 'traditional' : 'simplified'));
    documentFonts.set(locale, font);
  }
  return font;
}

/**
 * The font with its words' layouts shared by every document, `features` its default: pdfkit keeps a word's
 * layout for one document only (and none for text given features), while receipts repeat the same
 * letterhead, labels and sentences, and shaping them again was most of a receipt's CPU. pdfkit scales the
 * positions it is given in place, so each call gets its own copy of them.
 */
function withSharedLayouts(font: fontkit.Font, features?: string[]): fontkit.Font {
  const runs = new Map<string, fontkit.GlyphRun>();
  const layout = (text: string, requested?: string[]) => {
    const wanted = requested ?? features;
    const key = wanted ? `${wanted.join(',')}\u0000${text}` : text;
    let run = runs.get(key);
    if (!run) {
      if (runs.size >= maxSharedLayouts) runs.clear();
      runs.set(key, (run = font.layout(text, wanted)));
    }
    const copy = Object.assign(Object.create(Object.getPrototypeOf(run) as object) as fontkit.GlyphRun, run);
    copy.positions = run.positions.map((position) => Object.assign(Object.create(Object.getPrototypeOf(position) as object) as fontkit.GlyphPosition, position));
    return copy;
  };
  return Object.create(font, { layout: { value: layout } }) as fontkit.Font;
}

export const ink = '#1d2330';
export const muted = '#4a5262';
/** What voids a document: the danger red the site uses. */
export const voidInk = '#b3261e';

export interface DocumentMeta {
  locale: Locale;
  title: string;
  subject: string;
  organisation: OrganisationView;
  /** The document's own date (issued, voided, the period's end): what makes it the same bytes every time. */
  datedAt: Date;
}

export type Pdf = PDFKit.PDFDocument;

/** A4 in the document's language with its letterhead drawn; `draw` adds the rest, and the bytes come back. */
export async function renderPdf(meta: DocumentMeta, draw: (doc: Pdf) => void): Promise<Buffer> {
  const doc = new PDFDocument({
    // pdfkit 0.20 takes a fontkit font wherever it takes a font file (its types have not caught up); as the
    // document's first font it also spares loading Helvetica, which no document of ours uses.
    font: fontFor(meta.locale) as unknown as string,
    size: 'A4',
    margin: 56,
    lang: meta.locale,
    info: { Title: meta.title, Author: meta.organisation.name, Subject: meta.subject, CreationDate: meta.datedAt, ModDate: meta.datedAt },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  drawLetterhead(doc, meta);
  draw(doc);
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

function drawLetterhead(doc: Pdf, { organisation, locale }: DocumentMeta): void {
  doc.fillColor(organisation.colour).fontSize(18).text(organisation.name);
  doc.fillColor(ink).fontSize(10).text(organisation.address);
  doc.fillColor(muted).text(`${translate(locale, 'receipt.registration')}: ${organisation.registration}`);
  doc.moveDown(1.5);
}

const contentWidth = (doc: Pdf) => doc.page.width - doc.page.margins.left - doc.page.margins.right;

export function drawHeading(doc: Pdf, heading: string): void {
  doc.fillColor(ink).fontSize(16).text(heading);
  doc.moveDown(0.8);
}

/** Label beside value, one line each; a null value leaves its line out. */
export function drawFields(doc: Pdf, lines: Array<[string, string | null | undefined]>): void {
  const labelWidth = 140;
  const valueX = doc.page.margins.left + labelWidth;
  const valueWidth = doc.page.width - doc.page.margins.right - valueX;
  doc.fontSize(11);
  for (const [label, value] of lines) {
    if (value === null || value === undefined) continue;
    const y = doc.y;
    doc.fillColor(muted).text(label, doc.page.margins.left, y, { width: labelWidth - 12 });
    const labelBottom = doc.y;
    doc.fillColor(ink).text(value, valueX, y, { width: valueWidth });
    doc.y = Math.max(doc.y, labelBottom) + 4;
  }
  doc.x = doc.page.margins.left;
  doc.moveDown(1);
}

/** A paragraph across the page, at `size` points in `colour` (voidInk for what must not be missed). */
export function drawParagraph(doc: Pdf, text: string, options: { size?: number; colour?: string } = {}): void {
  doc.x = doc.page.margins.left;
  doc.fillColor(options.colour ?? ink).fontSize(options.size ?? 10).text(text, { width: contentWidth(doc) });
  doc.moveDown(0.8);
}

/** The QR code of `text` drawn as squares, `size` points wide with a one-module quiet zone: sharp at any zoom, and no image to encode. */
function drawQrCode(doc: Pdf, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const cell = size / (modules.size + 2);
  for (let row = 0; row < modules.size; row++) {
    for (let column = 0; column < modules.size; column++) {
      if (modules.get(row, column)) doc.rect(x + (column + 1) * cell, y + (row + 1) * cell, cell, cell);
    }
  }
  doc.fillColor(ink).fill();
}

/** The code and the address where anyone can see the document on the site, with what to do with them. */
export function drawVerification(doc: Pdf, url: string, explanation: string): void {
  doc.moveDown(0.7);
  const left = doc.page.margins.left;
  const qrTop = doc.y;
  const textX = left + 110;
  const textWidth = doc.page.width - doc.page.margins.right - textX;
  drawQrCode(doc, url, left, qrTop, 96);
  doc.fillColor(muted).fontSize(9).text(explanation, textX, qrTop + 8, { width: textWidth });
  doc.fillColor(ink).text(url, { width: textWidth, link: url });
  doc.x = left;
  doc.y = Math.max(doc.y, qrTop + 96);
}
