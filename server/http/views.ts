// Handlebars for every page: layouts, partials and the few helpers templates need.
import path from 'node:path';
import type { Express, Response } from 'express';
import { create } from 'express-handlebars';
import { isMessageKey, translate } from '../i18n/messages';
import { localeFrom } from './language';
import { formatMoney } from '../money';

export const viewsDir = path.join(__dirname, '..', '..', 'views');

type HelperOptions = { data?: { root?: { locale?: string } }; hash?: Record<string, string | number | null | undefined> };

type ZonedHelperOptions = { data?: { root?: { locale?: string; timeZone?: string } }; hash?: { zone?: string } };
const zoneOf = (options: ZonedHelperOptions) => options.hash?.zone ?? options.data?.root?.timeZone ?? 'UTC';

const helpers = {
  /** {{t "donate.amount" name=value}}: the page's language, from the catalog in server/i18n/messages.ts. */
  t(key: string, options: HelperOptions) {
    if (!isMessageKey(key)) throw new Error(`no message "${key}" in server/i18n/messages.ts`);
    // A value the template does not have (null, or a field that is absent) reads as nothing, not "null".
    const values = Object.fromEntries(Object.entries(options.hash ?? {}).map(([name, value]) => [name, value ?? '']));
    return translate(localeFrom(options.data?.root?.locale), key, values);
  },
  /** {{money amount currency}}: an integer of minor units, shown in the page's locale. */
  money(amount: number, currency: string, options: { data?: { root?: { locale?: string } }; hash?: { whole?: boolean } }) {
    return formatMoney({ amount, currency }, options.data?.root?.locale ?? 'en', { wholeUnits: options.hash?.whole === true });
  },
  /** {{date at}}: the day, in the page's time zone (res.locals.timeZone: the organisation's, set for every page; else UTC); zone="UTC" overrides it. */
  date(value: Date | null | undefined, options: ZonedHelperOptions) {
    if (!value) return '';
    return new Intl.DateTimeFormat(options.data?.root?.locale ?? 'en', { dateStyle: 'medium', timeZone: zoneOf(options) }).format(value);
  },
  /** {{dateTime at}}: the day and the time, in the page's time zone as `date` reads it. */
  dateTime(value: Date | null | undefined, options: ZonedHelperOptions) {
    if (!value) return '';
    return new Intl.DateTimeFormat(options.data?.root?.locale ?? 'en', { dateStyle: 'medium', timeStyle: 'short', timeZone: zoneOf(options) }).format(value);
  },
  iso: (value: Date | null | undefined) => value?.toISOString() ?? '',
  eq: (a: unknown, b: unknown) => a === b,
};

const handlebars = create({
  extname: '.hbs',
  defaultLayout: 'main',
  layoutsDir: path.join(viewsDir, 'layouts'),
  partialsDir: path.join(viewsDir, 'partials'),
  helpers,
});

/** Renders a view outside a request, without the page layout: emails. */
export function renderTemplate(name: string, context: Record<string, unknown>, options: { cache?: boolean } = {}): Promise<string> {
  return handlebars.render(path.join(viewsDir, `${name}.hbs`), context, { cache: options.cache ?? false });
}

/** Renders a page as res.render would, with the response's locals, but hands back the HTML instead of sending it. */
export function renderPage(res: Response, view: string, data: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => res.render(view, data, (error: Error | null, html: string) => (error ? reject(error) : resolve(html))));
}

export function useViews(app: Express, options: { cache: boolean }): void {
  app.engine('hbs', handlebars.engine);
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);
  app.set('view cache', options.cache);
}
