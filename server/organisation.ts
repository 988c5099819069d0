// Who runs the site, configured once (ORG_* variables): its name, address and registration in each
// language, its contact, privacy policy, logo and colour. Pages, emails and receipts all read it from here.
import { z } from 'zod';
import { localize, locales, type Locale, type LocalizedText } from './locale';

/** Text the organisation gives in each language; English is always there, the others fall back to it. */
export type OrganisationText = LocalizedText & { en: string };

export interface Organisation {
  name: OrganisationText;
  address: OrganisationText;
  registration: OrganisationText;
  email: string;
  phone: string | undefined;
  privacyUrl: string | undefined;
  /** ORG_LOGO_URL; unset, the site draws one from the initials and the colour (/brand/logo.svg). */
  logoUrl: string | undefined;
  /** The picture link previews show for a page without its own (WhatsApp and Facebook show no SVG); none if unknown. */
  shareImageUrl: string | undefined;
  /** #rrggbb, dark enough for white text on it. */
  colour: string;
  timeZone: string;
}

/** The demo organisation, used for whatever is left unset: invented, and its registration says so. */
const demo: Record<'name' | 'address' | 'registration', OrganisationText> = {
  name: { en: 'Smile Bridge Foundation', 'zh-CN': '微笑桥基金会', 'zh-HK': '微笑橋基金會' },
  address: { en: 'Room 1203, 12/F, 1 Harbour Road, Wan Chai, Hong Kong', 'zh-CN': '香港湾仔港湾道1号12楼1203室', 'zh-HK': '香港灣仔港灣道1號12樓1203室' },
  registration: { en: 'Demo data only: not a registered charity.', 'zh-CN': '仅为演示数据：并非注册慈善机构。', 'zh-HK': '僅為示範資料：並非註冊慈善機構。' },
};

const text = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** en → EN, zh-CN → ZH_CN: ORG_NAME_ZH_CN. A language added to `locales` gets its own variables. */
type Suffix<L extends string> = L extends `${infer A}-${infer B}` ? `${Uppercase<A>}_${Uppercase<B>}` : Uppercase<L>;
type Field = 'NAME' | 'ADDRESS' | 'REGISTRATION';
const suffix = (locale: Locale) => locale.toUpperCase().replace('-', '_') as Suffix<Locale>;
const localizedVariables = Object.fromEntries(
  (['NAME', 'ADDRESS', 'REGISTRATION'] as const).flatMap((field) => locales.map((locale) => [`ORG_${field}_${suffix(locale)}`, text])),
) as Record<`ORG_${Field}_${Suffix<Locale>}`, typeof text>;

/** Relative luminance contrast of white text on `hex` (WCAG 2). */
function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
}

const webAddress = (message: string) => text.pipe(z.string().refine((value) => value.startsWith('/') ? !value.startsWith('//') : URL.canParse(value) && new URL(value).protocol === 'https:', { message }).optional());

export const organisationVariables = {
  ...localizedVariables,
  // The names these had before the organisation spoke several languages: the English (default) text.
  ORG_NAME: text,
  ORG_ADDRESS: text,
  ORG_REGISTRATION: text,
  ORG_EMAIL: text.pipe(z.string().regex(/^[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+$/, { message: 'expected the contact email address, such as hello@example.org' }).optional()),
  ORG_PHONE: text.pipe(z.string().regex(/^\+?[\d\s().-]{6,24}$/, { message: 'expected a telephone number such as +852 3000 0000' }).optional()),
  // Emails link to it too, so it is a whole address, not a path on this site.
  ORG_PRIVACY_URL: text.pipe(z.string().refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', { message: 'expected the privacy policy\'s address, starting with https://' }).optional()),
  // Pages forbid images from plain http (their Content-Security-Policy), so the logo is https or ours.
  ORG_LOGO_URL: webAddress('expected the logo\'s address: https://… or a path on this site starting with /'),
  ORG_SHARE_IMAGE_URL: webAddress('expected the link-preview picture\'s address (PNG or JPEG): https://… or a path on this site starting with /'),
  ORG_COLOUR: z
    .string()
    .trim()
    .regex(/^#[0-9a-fA-F]{6}$/, { message: 'expected a colour written #rrggbb, such as #0b6b63' })
    .transform((value) => value.toLowerCase())
    .superRefine((value, ctx) => {
      const contrast = contrastWithWhite(value);
      if (contrast < 4.5) ctx.addIssue({ code: 'custom', message: `expected a colour dark enough for white text on it (contrast ${contrast.toFixed(1)}:1, at least 4.5:1 needed)` });
    })
    .default('#0b6b63'),
};

type OrganisationEnvironment = { [K in keyof typeof organisationVariables]?: z.infer<(typeof organisationVariables)[K]> } & { ORG_COLOUR: string; ORG_TIME_ZONE: string };

function textOf(e: OrganisationEnvironment, field: Field): OrganisationText {
  const given: LocalizedText = Object.fromEntries(locales.map((locale) => [locale, e[`ORG_${field}_${suffix(locale)}`]]).filter(([, value]) => value !== undefined));
  const legacy = e[`ORG_${field}`];
  if (legacy !== undefined) given.en ??= legacy;
  if (Object.keys(given).length === 0) return demo[field.toLowerCase() as keyof typeof demo];
  const en = given.en ?? localize(given, 'en');
  return { ...given, en };
}

/** The demo's picture for link previews: one of its CC0 covers (views/assets/covers/LICENSE.md). */
const demoShareImage = '/assets/covers/general-fund.png';
const isRaster = (url: string) => /\.(png|jpe?g|webp|gif)(?:[?#]|$)/i.test(url);

export function organisationFrom(e: OrganisationEnvironment): Organisation {
  const demoContact = e.ORG_EMAIL === undefined && e.ORG_NAME_EN === undefined && e.ORG_NAME === undefined;
  return {
    name: textOf(e, 'NAME'),
    address: textOf(e, 'ADDRESS'),
    registration: textOf(e, 'REGISTRATION'),
    email: e.ORG_EMAIL ?? 'hello@example.org',
    phone: e.ORG_PHONE ?? (demoContact ? '+852 3000 0000' : undefined),
    privacyUrl: e.ORG_PRIVACY_URL ?? (demoContact ? 'https://example.org/privacy' : undefined),
    logoUrl: e.ORG_LOGO_URL,
    shareImageUrl: e.ORG_SHARE_IMAGE_URL ?? (e.ORG_LOGO_URL && isRaster(e.ORG_LOGO_URL) ? e.ORG_LOGO_URL : demoContact ? demoShareImage : undefined),
    colour: e.ORG_COLOUR,
    timeZone: e.ORG_TIME_ZONE,
  };
}

/** Where the site draws the organisation's logo when ORG_LOGO_URL names none. */
export const drawnLogoPath = '/brand/logo.svg';

/** The organisation as one language reads it: what templates get as `organisation`. */
export function organisationIn(org: Organisation, locale: Locale) {
  return {
    name: localize(org.name, locale),
    address: localize(org.address, locale),
    registration: localize(org.registration, locale),
    email: org.email,
    phone: org.phone,
    privacyUrl: org.privacyUrl,
    logoUrl: org.logoUrl ?? drawnLogoPath,
    shareImageUrl: org.shareImageUrl,
    colour: org.colour,
    timeZone: org.timeZone,
  };
}

export type OrganisationView = ReturnType<typeof organisationIn>;

/** MAIL_FROM's address under the organisation's name in the email's language (nodemailer encodes it). */
export function mailSender(config: { organisation: Organisation; mailFrom: string }, locale: Locale): { name: string; address: string } {
  return { name: localize(config.organisation.name, locale), address: config.mailFrom };
}
