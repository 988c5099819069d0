// Posting an impact update: checked, its Markdown rendered to HTML once and sanitised, then stored.
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import type { Db } from '../database';
import type { ImpactFigure, ImpactPhoto, ImpactUpdate } from '../tables/impact-updates.table';
import { ValidationError } from '../http/errors';
import { isHttpsUrl } from '../http/text';
import { findCampaignForUpdate, insertImpactUpdate } from './impact.repository';
import { translate, type MessageKey } from '../i18n/messages';
import { defaultLocale, type Locale } from '../locale';

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

/** The first `# ` heading of a Markdown file as the title, and the file without it as the body. */
export function splitTitle(source: string): { title: string | undefined; body: string } {
  const match = /^#[ \t]+(.+?)[ \t#]*$/m.exec(source);
  if (!match) return { title: undefined, body: source };
  return { title: match[1]!.trim(), body: (source.slice(0, match.index) + source.slice(match.index + match[0].length)).replace(/^\s*\n/, '') };
}

export interface ImpactUpdateInput {
  campaignSlug: string;
  title: string;
  bodyMarkdown: string;
  figures?: ImpactFigure[];
  photos?: ImpactPhoto[];
}

function checkInput(input: ImpactUpdateInput, locale: Locale) {
  const errors: Record<string, string> = {};
  const say = (key: MessageKey & `impact.error.${string}`, values: Record<string, string | number>) => translate(locale, key, values);
  const title = input.title.trim();
  const body = input.bodyMarkdown.trim();
  const figures = (input.figures ?? []).map((figure) => ({ label: figure.label.trim(), value: figure.value }));
  const photos = (input.photos ?? []).map((photo) => ({ url: photo.url.trim(), alt: photo.alt?.trim() || null }));
  if (title === '') errors.title = say('impact.error.titleMissing', {});
  else if (title.length > impactLimits.title) errors.title = say('impact.error.titleLong', { max: impactLimits.title });
  if (body === '') errors.body = say('impact.error.bodyMissing', {});
  else if (body.length > impactLimits.body) errors.body = say('impact.error.bodyLong', { max: impactLimits.body });
  if (figures.length > impactLimits.figures) errors.figures = say('impact.error.tooManyFigures', { max: impactLimits.figures });
  const badFigure = figures.find((f) => f.label === '' || f.label.length > impactLimits.figureLabel || !Number.isFinite(f.value) || f.value < 0);
  if (badFigure) errors.figures = say('impact.error.badFigure', { max: impactLimits.figureLabel, label: badFigure.label, value: badFigure.value });
  if (photos.length > impactLimits.photos) errors.photos = say('impact.error.tooManyPhotos', { max: impactLimits.photos });
  const badPhoto = photos.find((p) => p.url.length > impactLimits.photoUrl || !isHttpsUrl(p.url) || (p.alt?.length ?? 0) > impactLimits.photoAlt);
  if (badPhoto) errors.photos = say('impact.error.badPhoto', { max: impactLimits.photoAlt, url: JSON.stringify(badPhoto.url) });
  return { errors, title, body, figures, photos };
}

/** Stores a new impact update for a live or closed campaign; sending it is the fan-out's job. */
export async function postImpactUpdate(db: Db, input: ImpactUpdateInput, locale: Locale = defaultLocale): Promise<ImpactUpdate> {
  const { errors, title, body, figures, photos } = checkInput(input, locale);
  const campaign = /^[a-z0-9]+(-[a-z0-9]+)*$/.test(input.campaignSlug) ? await findCampaignForUpdate(db, input.campaignSlug) : undefined;
  if (!campaign) errors.campaign = translate(locale, 'impact.error.noCampaign', { slug: input.campaignSlug });
  else if (campaign.status === 'draft') errors.campaign = translate(locale, 'impact.error.draftCampaign', { slug: input.campaignSlug });
  if (Object.keys(errors).length > 0 || !campaign) throw new ValidationError(errors);
  return insertImpactUpdate(db, { campaign_id: campaign.id, title, body_markdown: body, body_html: renderImpactMarkdown(body), figures, photos });
}
