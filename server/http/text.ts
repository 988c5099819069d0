// Text typed into a form or a query: control characters (NUL above all, which Postgres refuses in text)
// are dropped and the ends trimmed; anything that is not a string reads as empty. A one-line field (a
// name, an email, a title) goes through oneLine, so that it can never start a new line in a receipt,
// an email or a CSV file; only a field a person writes in a textarea goes through cleanText.

// C0 controls but the whitespace ones (tab, LF, VT, FF, CR), DEL, C1 controls but NEL (a line break),
// and the bidi embeddings, overrides and isolates that can make a name read backwards or reorder the
// text after it: nothing a person means to type, and all invisible.
const invisibleControls = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F\u202A-\u202E\u2066-\u2069]/g;
// The line breaks other than CR and LF: VT, FF, NEL, and Unicode's line and paragraph separators.
const otherLineBreaks = /[\u000B\u000C\u0085\u2028\u2029]/g;
// Any run of spaces and line breaks, NEL included (JavaScript's \s leaves it out).
const whitespaceRuns = /[\s\u0085]+/g;

/** What an email address must look like, wherever one is typed. */
export const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An address typed for an image or a link that every visitor's browser may load: https, with a host. */
export function isHttpsUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' && url.hostname !== '';
}

/** A multi-line field: its line breaks stay, as LF or CR LF, the ones every reader of the text (an email's text part, a CSV file) understands. */
export function cleanText(value: unknown): string {
  return typeof value === 'string' ? value.replace(invisibleControls, '').replace(otherLineBreaks, '\n').trim() : '';
}

/** A one-line field: every run of whitespace, line breaks included, is one space; control characters are dropped. */
export function oneLine(value: unknown): string {
  return typeof value === 'string' ? value.replace(invisibleControls, '').replace(whitespaceRuns, ' ').trim() : '';
}
