import { sql, type Kysely } from 'kysely';
import { Converter, ConverterFactory, Locale, type ConverterFunction } from 'opencc-js';

// Impact updates in each language (issue #16): title, body (Markdown and its sanitised HTML), figure
// labels and photo descriptions become {"en": "...", "zh-CN": "..."}, as campaign texts are.
//
// An update written before knew only one language. A whole row goes under one language, so that its
// title, body and labels stay together as the posting form requires: Chinese when its title or body holds
// a Han character, else 'en'. Chinese is 'zh-HK' when written in Traditional characters, else 'zh-CN':
// Traditional text filed as Simplified would be converted "to Traditional" again for Hong Kong's readers,
// which damages it (紀念的 → 紀唸的). The Han test is JavaScript's \p{Script=Han}, which PostgreSQL's
// regular expressions cannot name.
const hanScript = /\p{Script=Han}/gu;

// Which script, by OpenCC's dictionaries directly rather than server/chinese.ts's scriptOf: db/ imports
// nothing from server/, and this must file old rows tomorrow as it does today, whatever scriptOf becomes.
// The same count in brief: characters only Traditional writes (說 紀 帳) against characters only Simplified
// writes (说 纪 帐); a character each script's conversion changes, or Hong Kong's official forms that
// Simplified shares (税 户), tell neither. Loaded only if some row holds Chinese.
let converters: { toSimplified: ConverterFunction; toTraditional: ConverterFunction; fromHongKongForms: ConverterFunction } | undefined;

function chineseScript(text: string): 'zh-CN' | 'zh-HK' {
  converters ??= {
    toSimplified: ConverterFactory(Locale.from.hk, Locale.from.tw, Locale.to.cn),
    toTraditional: Converter({ from: 'cn', to: 't' }),
    fromHongKongForms: ConverterFactory(Locale.from.hk),
  };
  const { toSimplified, toTraditional, fromHongKongForms } = converters;
  let balance = 0;
  for (const [character] of text.matchAll(hanScript)) {
    const [simplified, traditional] = [toSimplified(character), toTraditional(character)];
    if (simplified !== character && (traditional === character || toSimplified(traditional) === simplified)) balance++;
    else if (traditional !== character && simplified === character && fromHongKongForms(character) === character) balance--;
  }
  return balance > 0 ? 'zh-HK' : 'zh-CN';
}

const languages = sql`array['en', 'zh-CN', 'zh-HK']`;

/** {"label": "x", ...} → {"label": {lang: "x"}, ...} for each element, a null `key` left as it is. */
const wrapEach = (column: 'figures' | 'photos', key: 'label' | 'alt') => sql.raw(`(
  select coalesce(jsonb_agg(case when jsonb_typeof(element -> '${key}') = 'string' then jsonb_set(element, '{${key}}', jsonb_build_object(written_in, element -> '${key}')) else element end order by position), '[]'::jsonb)
  from jsonb_array_elements(${column}) with ordinality as elements(element, position))`);

/** The reverse: {"label": {...}} → {"label": "the row's language, else the first there is"}. */
const unwrapEach = (column: 'figures' | 'photos', key: 'label' | 'alt') => sql.raw(`(
  select coalesce(jsonb_agg(case when jsonb_typeof(element -> '${key}') = 'object' then jsonb_set(element, '{${key}}', coalesce(element -> '${key}' -> written_in, element -> '${key}' -> 'en', element -> '${key}' -> 'zh-CN', element -> '${key}' -> 'zh-HK', 'null'::jsonb)) else element end order by position), '[]'::jsonb)
  from jsonb_array_elements(${column}) with ordinality as elements(element, position))`);

const pick = (column: 'title' | 'body_markdown' | 'body_html') => sql.raw(`coalesce(${column} ->> written_in, ${column} ->> 'en', ${column} ->> 'zh-CN', ${column} ->> 'zh-HK', '')`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table impact_updates add column written_in text not null default 'en'`.execute(db);
  const { rows } = await sql<{ id: number; title: string; body_markdown: string }>`select id, title, body_markdown from impact_updates`.execute(db);
  const filed: Record<'zh-CN' | 'zh-HK', number[]> = { 'zh-CN': [], 'zh-HK': [] };
  for (const row of rows) {
    const text = `${row.title} ${row.body_markdown}`;
    if (text.match(hanScript)) filed[chineseScript(text)].push(row.id);
  }
  for (const [language, ids] of Object.entries(filed)) {
    if (ids.length > 0) await sql`update impact_updates set written_in = ${language} where id = any(${ids})`.execute(db);
  }

  await sql`alter table impact_updates
    drop constraint impact_updates_title_check,
    drop constraint impact_updates_body_markdown_check,
    alter column title type jsonb using jsonb_build_object(written_in, title),
    alter column body_markdown type jsonb using jsonb_build_object(written_in, body_markdown),
    alter column body_html type jsonb using jsonb_build_object(written_in, body_html)`.execute(db);
  await sql`update impact_updates set figures = ${wrapEach('figures', 'label')}, photos = ${wrapEach('photos', 'alt')}`.execute(db);
  await sql`alter table impact_updates drop column written_in`.execute(db);

  // Lengths per language are the posting's to check (server/impact/post.ts); the table keeps the shape.
  await sql`alter table impact_updates
    add constraint impact_updates_title_languages check (jsonb_typeof(title) = 'object' and title <> '{}'::jsonb and title - ${languages} = '{}'::jsonb),
    add constraint impact_updates_body_languages check (jsonb_typeof(body_markdown) = 'object' and body_markdown - ${languages} = '{}'::jsonb and jsonb_typeof(body_html) = 'object' and body_html - ${languages} = '{}'::jsonb)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // One language per row again: English if the update has it, else Simplified, else Traditional.
  await sql`alter table impact_updates
    drop constraint impact_updates_title_languages,
    drop constraint impact_updates_body_languages,
    add column written_in text`.execute(db);
  await sql`update impact_updates set written_in = case when title ? 'en' then 'en' when title ? 'zh-CN' then 'zh-CN' else 'zh-HK' end`.execute(db);
  await sql`update impact_updates set figures = ${unwrapEach('figures', 'label')}, photos = ${unwrapEach('photos', 'alt')}`.execute(db);
  await sql`alter table impact_updates
    alter column title type text using ${pick('title')},
    alter column body_markdown type text using ${pick('body_markdown')},
    alter column body_html type text using ${pick('body_html')}`.execute(db);
  await sql`alter table impact_updates drop column written_in`.execute(db);
  await sql`alter table impact_updates
    add constraint impact_updates_title_check check (length(title) between 1 and 200),
    add constraint impact_updates_body_markdown_check check (length(body_markdown) <= 50000)`.execute(db);
}
