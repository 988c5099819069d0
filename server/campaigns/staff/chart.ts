// The dashboard's chart of cumulative raised by day, drawn on the server as SVG: no script, readable
// in print (labelled axes, the target dashed and named in words), described for screen readers.
import { translate } from '../../i18n/messages';
import type { Locale } from '../../locale';
import { formatMoney, type Money } from '../../money';
import type { DailyRaised } from '../totals';

export interface RaisedChartInput {
  /** Manager-typed: escaped like everything else placed in the SVG. */
  campaignTitle: string;
  target: Money;
  daily: DailyRaised[];
  /** The days (in `timeZone`, the organisation's) the x-axis spans. */
  from: string;
  to: string;
  timeZone: string;
  locale: Locale;
}

const width = 640;
const height = 320;
const margin = { top: 24, right: 24, bottom: 56, left: 120 };
const plotWidth = width - margin.left - margin.right;
const plotHeight = height - margin.top - margin.bottom;
const dayMs = 86_400_000;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / dayMs;
const round = (n: number) => Math.round(n * 10) / 10;

function readableDay(day: string, locale: string): string {
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

/** A round number at or above `value` for the top of the axis: 1, 2, 2.5 or 5 times a power of ten. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * power >= value)!;
  return step * power;
}

/** The SVG markup, every piece of text in it escaped; safe to place unescaped in a page. */
export function raisedChartSvg(input: RaisedChartInput): string {
  const locale = input.locale;
  const currency = input.target.currency;
  const money = (amount: number) => formatMoney({ amount, currency }, locale, { wholeUnits: true });
  const points = input.daily.filter((d) => d.day >= input.from && d.day <= input.to);
  const before = input.daily.filter((d) => d.day < input.from).at(-1)?.cumulative.amount ?? 0;
  const final = points.at(-1)?.cumulative.amount ?? before;

  const firstDay = dayNumber(input.from);
  const span = Math.max(1, dayNumber(input.to) - firstDay);
  const values = [0, before, input.target.amount, ...points.map((p) => p.cumulative.amount)];
  const top = niceCeiling(Math.max(...values));
  const bottom = Math.min(0, ...values);
  const x = (day: string) => round(margin.left + ((dayNumber(day) - firstDay) / span) * plotWidth);
  const y = (amount: number) => round(margin.top + plotHeight - ((amount - bottom) / (top - bottom)) * plotHeight);

  // A step line: the total holds flat between days that money moved, and rises (or dips) on them.
  const path: string[] = [`M${x(input.from)},${y(before)}`];
  for (const point of points) path.push(`H${x(point.day)}`, `V${y(point.cumulative.amount)}`);
  path.push(`H${x(input.to)}`);

  const ticks = [0, 0.25, 0.5, 0.75, 1].map((share) => bottom + (top - bottom) * share);
  const middle = new Date((firstDay + Math.round(span / 2)) * dayMs).toISOString().slice(0, 10);
  const xTicks = span >= 2 ? [input.from, middle, input.to] : [input.from, input.to];

  const title = translate(locale, 'campaignStaff.chart.title', { title: input.campaignTitle });
  const desc = translate(locale, points.length === 1 ? 'campaignStaff.chart.description.one' : 'campaignStaff.chart.description.other', {
    from: readableDay(input.from, locale),
    to: readableDay(input.to, locale),
    currency,
    raised: money(final),
    target: money(input.target.amount),
    days: points.length,
    zone: input.timeZone,
  });

  const targetY = y(input.target.amount);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="raised-chart" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="raised-chart-title raised-chart-desc" data-final-amount="${final}" data-currency="${escapeXml(currency)}">`,
    `<title id="raised-chart-title">${escapeXml(title)}</title>`,
    `<desc id="raised-chart-desc">${escapeXml(desc)}</desc>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#d9d4cc"/>`,
    ...ticks.map(
      (value) =>
        `<g class="tick"><line x1="${margin.left - 4}" x2="${margin.left + plotWidth}" y1="${y(value)}" y2="${y(value)}" stroke="#d9d4cc"/>` +
        `<text x="${margin.left - 8}" y="${y(value) + 4}" text-anchor="end" font-size="12" fill="#1d2330">${escapeXml(money(value))}</text></g>`,
    ),
    ...xTicks.map(
      (day, index) =>
        `<text x="${x(day)}" y="${margin.top + plotHeight + 18}" text-anchor="${index === 0 ? 'start' : index === xTicks.length - 1 ? 'end' : 'middle'}" font-size="12" fill="#1d2330">${escapeXml(readableDay(day, locale))}</text>`,
    ),
    `<text x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle" font-size="12" fill="#4a5262">${escapeXml(translate(locale, 'campaignStaff.chart.xAxis', { zone: input.timeZone }))}</text>`,
    `<text transform="translate(12 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="12" fill="#4a5262">${escapeXml(translate(locale, 'campaignStaff.chart.yAxis', { currency }))}</text>`,
    // The target is dashed and named, so it reads without colour.
    `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${targetY}" y2="${targetY}" stroke="#1d2330" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<text x="${margin.left + 6}" y="${targetY - 6}" font-size="12" fill="#1d2330">${escapeXml(translate(locale, 'campaignStaff.chart.target', { amount: money(input.target.amount) }))}</text>`,
    `<path d="${path.join(' ')}" fill="none" stroke="#b3261e" stroke-width="2.5"/>`,
    `<circle cx="${x(input.to)}" cy="${y(final)}" r="4" fill="#b3261e"/>`,
    `<text class="final" x="${x(input.to) - 8}" y="${y(final) - 10}" text-anchor="end" font-size="13" font-weight="bold" fill="#1d2330">${escapeXml(money(final))}</text>`,
    '</svg>',
  ];
  return parts.join('\n');
}
