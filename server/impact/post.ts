// Posting an impact update: checked, its Markdown rendered to HTML once and sanitised, then stored.
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import type { Db } from '../database';
import type { ImpactFigure, ImpactPhoto, ImpactUpdate } from '../tables/impact-updates.table';
import { ValidationError } from '../http/errors';
import { isHttpsUrl } from '../http/text';
import { findCampaignForUpdate, insertImpactUpdate } from './impact.repository';
import { translate, type MessageKey } from '../i18n/messages';
import { defaultLocale, languageNames, locales, type LocalizedText, type Locale } from '../locale';
import { scriptOf, toScript, type ChineseScript } from '../chinese';

export const impactLimits = { title: 200, body: 50_000, figures: 12, figureLabel: 60, photos: 12, photoUrl: 2_000, photoAlt: 300 } as const;

const markdown = new Marked({ gfm: true });

/**
 * What a manager's Markdown may become: text formatting, lists, quotes, tables, links and https
 * images. No scripts, styles, classes, event handlers or iframes survive, whatever the source holds.
 */
const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'del', 'a', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre', 'hr', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title'], ol: ['start'], th: ['align'], td: ['align'] },
  allowedSchemes: ['https', 'http', 'mailto'],
  // The page's Content-Security-Policy loads images over https only.
  allowedSchemesByTag: { img: ['https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // An image whose address was refused is dropped whole rather than left empty.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  // The update's title is the heading on the page and in the email; the body's headings sit below it.
  transformTags: {
    h1: 'h3',
    h2: 'h3',
    h3: 'h4',
    h4: 'h5',
    h5: 'h6',
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'nofollow noopener' } }),
  },
};

export function renderImpactMarkdown(source: string): string {
  return sanitizeHtml(markdown.parse(source, { async: false }), sanitizeOptions).trim();
}

/**
 * Web and mail addresses in text or Markdown, as far as a Han character in them could reach: up to a space,
 * a bracket, a quote or Chinese punctuation, and a Markdown link's destination whatever it is.
 */
const address = /(?:https?:\/\/|mailto:|www\.)[^\s<>"'()[\]，。、；：！？「」『』（）【】《》]+|(?<=\]\()[^\s)]+/giu;

/**
 * Text or Markdown in `into`'s script, its addresses left as written: an address's path is not prose, and
 * converted it leads elsewhere (the email's plain-text part is the update's Markdown).
 */
export function convertKeepingAddresses(text: string, into: ChineseScript): string {
  let converted = '';
  let from = 0;
  for (const match of text.matchAll(address)) {
    converted += toScript(text.slice(from, match.index), into) + match[0];
    from = match.index + match[0].length;
  }
  return converted + toScript(text.slice(from), into);
}

/**
 * An update's sanitised body in the other Chinese script: its text and its images' descriptions converted,
 * its tags, addresses and code as they were. Passed through the same allowed tags and attributes again, with
 * no renaming (its headings were moved down once, when it was posted).
 */
export function convertImpactHtml(html: string, into: ChineseScript): string {
  const described = (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => ({
    tagName,
    attribs: Object.fromEntries(Object.entries(attribs).map(([name, value]) => [name, name === 'alt' || name === 'title' ? convertKeepingAddresses(value, into) : value])),
  });
  return sanitizeHtml(html, {
    ...sanitizeOptions,
    transformTags: { img: described, a: (tagName, attribs) => described(tagName, { ...attribs, rel: 'nofollow noopener' }) },
    textFilter: (text, tagName) => (tagName === 'code' || tagName === 'pre' ? text : convertKeepingAddresses(text, into)),
  });
}

/** The first `# ` heading of a Markdown file as the title, and the file without it as the body. */
export function splitTitle(source: string): { title: string | undefined; body: string } {
  const match = /^#[ \t]+(.+?)[ \t#]*$/m.exec(source);
  if (!match) return { title: undefined, body: source };
  return { title: match[1]!.trim(), body: (source.slice(0, match.index) + source.slice(match.index + match[0].length)).replace(/^\s*\n/, '') };
}

/**
 * Text in each language it is written in, or a plain string: text in the update's one language. Plain
 * strings are filed as migration 0019 filed the updates written before languages: under the script the
 * plain title and body are written in (scriptOf), else 'en'; beside a title given per language, under its first.
 */
export type ImpactText = LocalizedText | string;

export interface ImpactUpdateInput {
  campaignSlug: string;
  /** Title and body in the same languages, at least one. */
  title: ImpactText;
  bodyMarkdown: ImpactText;
  /** One number each, labelled in every language the update is written in. */
  figures?: Array<{ label: ImpactText; value: number }>;
  photos?: Array<{ url: string; alt: ImpactText | null }>;
}

function plainLanguage(input: ImpactUpdateInput): Locale {
  const { title, bodyMarkdown: body } = input;
  // Traditional text filed as Simplified would be converted "to Traditional" again for Hong Kong's readers.
  if (typeof title === 'string' || typeof body === 'string') return scriptOf(`${typeof title === 'string' ? title : ''} ${typeof body === 'string' ? body : ''}`) ?? 'en';
  return locales.find((locale) => title[locale]?.trim()) ?? defaultLocale;
}

/** A figure as typed: "1,200", "1 200" or "1_200" is 1200, "2.5" is 2.5; anything else, such as "-1" or "12%", is undefined. */
export function parseFigureValue(text: string): number | undefined {
  const digits = text.replace(/[\s,_]/g, '');
  return /^\d+(\.\d+)?$/.test(digits) ? Number(digits) : undefined;
}

/** Each language's text trimmed, one line or several; languages left empty are left out. */
function textsOf(text: ImpactText | null | undefined, plain: Locale, clean: (value: string) => string): LocalizedText {
  const given: LocalizedText = typeof text === 'string' ? { [plain]: text } : (text ?? {});
  const texts: LocalizedText = {};
  for (const locale of locales) {
    const value = typeof given[locale] === 'string' ? clean(given[locale]) : '';
    if (value !== '') texts[locale] = value;
  }
  return texts;
}

const trimmed = (value: string) => value.trim();
/** A title, label or description is one line wherever it is shown: a heading, a subject, a table cell, an alt. */
const singleLine = (value: string) => value.replace(/\s+/g, ' ').trim();

/**
 * A language the update is written in that `text` (a label, a description) has nothing in: English, or
 * Chinese in neither script (either serves, converted); undefined when a reader of each finds their own.
 */
function missingFamily(text: LocalizedText, written: Locale[]): Locale | undefined {
  if (written.includes('en') && !text.en) return 'en';
  const chinese = written.find((locale) => locale !== 'en');
  if (chinese && !text['zh-CN'] && !text['zh-HK']) return chinese;
  return undefined;
}

type Say = (key: MessageKey & `impact.error.${string}`, values?: Record<string, string | number>) => string;

function checkTexts(title: LocalizedText, body: LocalizedText, say: Say, errors: Record<string, string>): Locale[] {
  const written: Locale[] = [];
  for (const locale of locales) {
    const language = languageNames[locale];
    const [hasTitle, hasBody] = [Boolean(title[locale]), Boolean(body[locale])];
    if (hasTitle && !hasBody) errors[`body.${locale}`] = say('impact.error.bodyMissing', { language });
    else if (hasBody && !hasTitle) errors[`title.${locale}`] = say('impact.error.titleMissing', { language });
    if (title[locale] && title[locale].length > impactLimits.title) errors[`title.${locale}`] = say('impact.error.titleLong', { max: impactLimits.title });
    if (body[locale] && body[locale].length > impactLimits.body) errors[`body.${locale}`] = say('impact.error.bodyLong', { max: impactLimits.body });
    if (hasTitle && hasBody) written.push(locale);
  }
  if (written.length === 0 && Object.keys(errors).length === 0) errors.text = say('impact.error.nothingWritten');
  return written;
}

function checkFigures(figures: ImpactFigure[], written: Locale[], say: Say): string | undefined {
  if (figures.length > impactLimits.figures) return say('impact.error.tooManyFigures', { max: impactLimits.figures });
  for (const [index, figure] of figures.entries()) {
    const row = index + 1;
    if (!Number.isFinite(figure.value) || figure.value < 0) return say('impact.error.figureNumber', { row });
    if (Object.values(figure.label).some((label) => label.length > impactLimits.figureLabel)) return say('impact.error.figureLabelLong', { row, max: impactLimits.figureLabel });
    const missing = Object.keys(figure.label).length === 0 ? (written[0] ?? defaultLocale) : missingFamily(figure.label, written);
    if (missing) return say('impact.error.figureLabelMissing', { row, language: languageNames[missing] });
  }
  return undefined;
}

function checkPhotos(photos: ImpactPhoto[], written: Locale[], say: Say): string | undefined {
  if (photos.length > impactLimits.photos) return say('impact.error.tooManyPhotos', { max: impactLimits.photos });
  for (const [index, photo] of photos.entries()) {
    if (photo.url.length > impactLimits.photoUrl || !isHttpsUrl(photo.url) || Object.values(photo.alt ?? {}).some((alt) => alt.length > impactLimits.photoAlt)) {
      return say('impact.error.badPhoto', { max: impactLimits.photoAlt, url: JSON.stringify(photo.url) });
    }
    const missing = photo.alt && missingFamily(photo.alt, written);
    if (missing) return say('impact.error.photoAltMissing', { row: index + 1, language: languageNames[missing] });
  }
  return undefined;
}

/**
 * The update's texts per language, or a message per field: `title.<locale>` and `body.<locale>` for one
 * language's text, `text` when there is none at all, `figures`, `photos`.
 */
function checkInput(input: ImpactUpdateInput, locale: Locale) {
  const errors: Record<string, string> = {};
  const say: Say = (key, values = {}) => translate(locale, key, values);
  const plain = plainLanguage(input);
  const title = textsOf(input.title, plain, singleLine);
  const body = textsOf(input.bodyMarkdown, plain, trimmed);
  const figures = (input.figures ?? []).map((figure) => ({ label: textsOf(figure.label, plain, singleLine), value: figure.value }));
  const photos = (input.photos ?? []).map((photo) => {
    const alt = textsOf(photo.alt, plain, singleLine);
    return { url: photo.url.trim(), alt: Object.keys(alt).length > 0 ? alt : null };
  });
  const written = checkTexts(title, body, say, errors);
  const figuresProblem = checkFigures(figures, written, say);
  if (figuresProblem) errors.figures = figuresProblem;
  const photosProblem = checkPhotos(photos, written, say);
  if (photosProblem) errors.photos = photosProblem;
  return { errors, title, body, figures, photos };
}

function renderEach(markdown: LocalizedText): LocalizedText {
  return Object.fromEntries(Object.entries(markdown).map(([locale, source]) => [locale, renderImpactMarkdown(source)]));
}

/** Stores a new impact update for a live or closed campaign; sending it is the fan-out's job. */
export async function postImpactUpdate(db: Db, input: ImpactUpdateInput, locale: Locale = defaultLocale): Promise<ImpactUpdate> {
  const { errors, title, body, figures, photos } = checkInput(input, locale);
  const campaign = /^[a-z0-9]+(-[a-z0-9]+)*$/.test(input.campaignSlug) ? await findCampaignForUpdate(db, input.campaignSlug) : undefined;
  if (!campaign) errors.campaign = translate(locale, 'impact.error.noCampaign', { slug: input.campaignSlug });
  else if (campaign.status === 'draft') errors.campaign = translate(locale, 'impact.error.draftCampaign', { slug: input.campaignSlug });
  if (Object.keys(errors).length > 0 || !campaign) throw new ValidationError(errors);
  return insertImpactUpdate(db, { campaign_id: campaign.id, title, body_markdown: body, body_html: renderEach(body), figures, photos });
}
