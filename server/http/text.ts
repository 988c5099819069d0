// Text typed into a form or a query: control characters (NUL above all, which Postgres refuses in text)
// are dropped and the ends trimmed; anything that is not a string reads as empty.

// Every C0 control but tab, line feed and carriage return, and DEL.
const controlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function cleanText(value: unknown): string {
  return typeof value === 'string' ? value.replace(controlCharacters, '').trim() : '';
}
