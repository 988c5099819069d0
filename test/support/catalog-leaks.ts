// Finds sentences of another language's catalog in what one language's reader was shown: an English label
// on a Chinese page, or a Simplified sentence on a Traditional one.
import { messages } from '../../server/i18n/messages';
import { locales, type Locale } from '../../server/locale';
import { decodeEntities } from './html';

/** The literal pieces of every sentence (the text between its {placeholders}), long enough to mean something. */
function fragments(locale: Locale): Set<string> {
  const minimum = locale === 'en' ? 12 : 4;
  const pieces = Object.values(messages[locale]).flatMap((template) => template.split(/\{\w+\}/).map((piece) => piece.trim()));
  return new Set(pieces.filter((piece) => piece.length >= minimum));
}

/** The fragments of other languages' sentences found in `shown`, which `locale`'s reader saw; [] when none. */
export function foreignSentences(shown: string, locale: Locale): string[] {
  const text = decodeEntities(shown.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
  const own = [...fragments(locale)].join('\n');
  const found: string[] = [];
  for (const other of locales.filter((code) => code !== locale)) {
    // A fragment the reader's own catalog also holds (a brand name, "WhatsApp") is not foreign.
    for (const piece of fragments(other)) if (!own.includes(piece) && text.includes(piece)) found.push(`${other}: ${piece}`);
  }
  return found;
}
