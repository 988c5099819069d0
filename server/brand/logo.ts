// The logo the site draws for an organisation that has not given one (ORG_LOGO_URL): its initials on its colour.
import type { Organisation } from '../organisation';

const escapeXml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** "Smile Bridge Foundation" → "SB"; a name without capitalised Latin words gives its first character. */
export function initialsOf(name: string): string {
  const capitals = name.split(/\s+/).filter((word) => /^\p{Lu}/u.test(word)).map((word) => word[0]);
  return capitals.length > 0 ? capitals.slice(0, 2).join('') : [...name.trim()][0] ?? '?';
}

export function drawnLogo(org: Organisation): string {
  const initials = initialsOf(org.name.en);
  const size = initials.length > 1 ? 26 : 34;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img">',
    `<title>${escapeXml(org.name.en)}</title>`,
    `<rect width="64" height="64" rx="14" fill="${org.colour}"/>`,
    `<text x="32" y="33" text-anchor="middle" dominant-baseline="central" fill="#ffffff" font-family="system-ui,-apple-system,'Segoe UI',Arial,sans-serif" font-weight="700" font-size="${size}">${escapeXml(initials)}</text>`,
    '</svg>',
  ].join('');
}

/** The stylesheet that gives site.css the organisation's colour (pages forbid inline styles). */
export function brandStylesheet(org: Organisation): string {
  return `:root { --brand: ${org.colour}; --brand-dark: ${darker(org.colour)}; }\n`;
}

/** The colour a fifth of the way to black: hovers, links and small text on tinted backgrounds. */
function darker(hex: string): string {
  const channel = (i: number) => Math.round(parseInt(hex.slice(i, i + 2), 16) * 0.8).toString(16).padStart(2, '0');
  return `#${channel(1)}${channel(3)}${channel(5)}`;
}
