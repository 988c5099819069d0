// Reading server-rendered pages in tests the way a donor sees them: what a field holds, what is said beside it.

/** Undoes Handlebars' escaping (&amp; &lt; &gt; &quot; &#x27; &#x60; &#x3D;), for comparing with what was typed. */
export function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_m, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The value an <input id="…"> is filled with, as the browser reads it; undefined when there is no such input. */
export function inputValue(html: string, id: string): string | undefined {
  const tag = new RegExp(`<input id="${escapeRegExp(id)}"[^>]*>`).exec(html)?.[0];
  if (tag === undefined) return undefined;
  const value = /\svalue="([^"]*)"/.exec(tag)?.[1];
  return value === undefined ? '' : decodeEntities(value);
}

export function textareaValue(html: string, id: string): string | undefined {
  const value = new RegExp(`<textarea id="${escapeRegExp(id)}"[^>]*>([^<]*)</textarea>`).exec(html)?.[1];
  return value === undefined ? undefined : decodeEntities(value);
}

/** The option a <select id="…"> shows as chosen. */
export function selectedOption(html: string, id: string): string | undefined {
  const select = new RegExp(`<select id="${escapeRegExp(id)}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1];
  if (select === undefined) return undefined;
  const value = /<option value="([^"]*)"\s+selected\s*>/.exec(select)?.[1];
  return value === undefined ? undefined : decodeEntities(value);
}

/** The radio of `name` that is checked. */
export function checkedRadio(html: string, name: string): string | undefined {
  const value = new RegExp(`<input type="radio" name="${escapeRegExp(name)}" value="([^"]*)"\\s+checked\\s*>`).exec(html)?.[1];
  return value === undefined ? undefined : decodeEntities(value);
}

export function isChecked(html: string, name: string): boolean {
  return new RegExp(`<input type="checkbox" name="${escapeRegExp(name)}"[^>]*\\schecked\\s*>`).test(html);
}

/** The message shown beside a field (`<p class="field-error" id="FIELD-error">`), decoded; undefined when none. */
export function fieldError(html: string, field: string): string | undefined {
  const message = new RegExp(`<p class="field-error" id="${escapeRegExp(field)}-error">([^<]*)</p>`).exec(html)?.[1];
  return message === undefined ? undefined : decodeEntities(message);
}

/** Every field that has a message beside it. */
export function fieldsInError(html: string): string[] {
  return [...html.matchAll(/<p class="field-error" id="([\w-]+)-error">/g)].map((m) => m[1]!);
}

/** The <a href> targets on a page, decoded. */
export function links(html: string): string[] {
  return [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((m) => decodeEntities(m[1]!));
}
