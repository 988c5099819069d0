// Migration 0019: the impact updates posted before languages keep their words, filed under the language they
// are written in, and come back unchanged when the migration is undone.
import { sql } from 'kysely';
import { migrateDown, migrateToLatest } from '../../db/migrate';
import { seedDemoData } from '../../dev/seed';
import { testNow } from '../support/clock';
import { createTestDatabase, type TestDatabase } from '../support/database';

const migration = '0019_impact_update_languages';

async function appliedMigrations(database: TestDatabase): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db);
  return rows.map((row) => row.name);
}

/** Undoes migrations, newest first, until `name` is undone too. */
async function migrateDownThrough(database: TestDatabase, name: string): Promise<void> {
  while ((await appliedMigrations(database)).includes(name)) await migrateDown(database.db);
}

interface OldRow {
  title: string;
  body_markdown: string;
  body_html: string;
  figures: unknown;
  photos: unknown;
}

describe('migration 0019: impact updates in each language', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    // Without the closed rounds' money: migration 0026 cannot be undone while a gift the bank credited in another currency is kept.
    await seedDemoData(database.db, testNow, { closedRoundMoney: false });
  });
  afterAll(() => database.drop());

  const english: OldRow = {
    title: 'The May mission in Kunming',
    body_markdown: 'We operated on **152 children**.',
    body_html: '<p>We operated on <strong>152 children</strong>.</p>',
    figures: [{ label: 'Children operated', value: 152 }],
    photos: [
      { url: 'https://photos.example.org/mei.jpg', alt: 'Mei after her surgery' },
      { url: 'https://photos.example.org/team.jpg', alt: null },
    ],
  };
  // A Latin title (a place name) over a Chinese body: the whole row is Chinese, so its title and body stay together.
  const chinese: OldRow = {
    title: 'Kunming 2026',
    body_markdown: '团队在昆明为 **152 名儿童**做了手术。',
    body_html: '<p>团队在昆明为 <strong>152 名儿童</strong>做了手术。</p>',
    figures: [{ label: '接受手术的儿童', value: 152 }],
    photos: [{ url: 'https://photos.example.org/ward.jpg', alt: '术后的病房' }],
  };

  // Traditional characters: filed under "zh-HK", so that Hong Kong's readers are not shown it converted "to Traditional" again.
  const traditional: OldRow = {
    title: '紀念的日子',
    body_markdown: '團隊在昆明為 **152 名兒童**做了手術，我們的帳戶說明附後。',
    body_html: '<p>團隊在昆明為 <strong>152 名兒童</strong>做了手術，我們的帳戶說明附後。</p>',
    figures: [{ label: '接受手術的兒童', value: 152 }],
    photos: [],
  };

  it('files an English row under "en", a Simplified one under "zh-CN" and a Traditional one under "zh-HK", and its down puts them back as they were', async () => {
    await migrateDownThrough(database, migration);
    const { rows: campaigns } = await sql<{ id: number }>`select id from campaigns where slug = 'speech-therapy-fund'`.execute(database.db);
    const campaignId = campaigns[0]!.id;
    const ids: number[] = [];
    for (const row of [english, chinese, traditional]) {
      const { rows } = await sql<{ id: number }>`
        insert into impact_updates (campaign_id, title, body_markdown, body_html, figures, photos)
        values (${campaignId}, ${row.title}, ${row.body_markdown}, ${row.body_html}, ${JSON.stringify(row.figures)}::jsonb, ${JSON.stringify(row.photos)}::jsonb)
        returning id`.execute(database.db);
      ids.push(rows[0]!.id);
    }

    await migrateToLatest(database.db);
    const select = () => database.db.selectFrom('impact_updates').select(['id', 'title', 'body_markdown', 'body_html', 'figures', 'photos']).where('id', 'in', ids).orderBy('id').execute();
    const [en, zh, hk] = await select();
    expect(en).toEqual({
      id: ids[0],
      title: { en: english.title },
      body_markdown: { en: english.body_markdown },
      body_html: { en: english.body_html },
      figures: [{ label: { en: 'Children operated' }, value: 152 }],
      photos: [
        { url: 'https://photos.example.org/mei.jpg', alt: { en: 'Mei after her surgery' } },
        { url: 'https://photos.example.org/team.jpg', alt: null },
      ],
    });
    expect(zh).toEqual({
      id: ids[1],
      title: { 'zh-CN': chinese.title },
      body_markdown: { 'zh-CN': chinese.body_markdown },
      body_html: { 'zh-CN': chinese.body_html },
      figures: [{ label: { 'zh-CN': '接受手术的儿童' }, value: 152 }],
      photos: [{ url: 'https://photos.example.org/ward.jpg', alt: { 'zh-CN': '术后的病房' } }],
    });
    expect(hk).toEqual({
      id: ids[2],
      title: { 'zh-HK': traditional.title },
      body_markdown: { 'zh-HK': traditional.body_markdown },
      body_html: { 'zh-HK': traditional.body_html },
      figures: [{ label: { 'zh-HK': '接受手術的兒童' }, value: 152 }],
      photos: [],
    });
    // The table refuses an update in no language, or in one it does not speak.
    await expect(database.db.updateTable('impact_updates').set({ title: {} }).where('id', '=', ids[0]!).execute()).rejects.toThrow(/impact_updates_title_languages/);
    await expect(database.db.updateTable('impact_updates').set({ title: { fr: 'Bonjour' } as never }).where('id', '=', ids[0]!).execute()).rejects.toThrow(/impact_updates_title_languages/);

    // Written in several languages since: undone, it keeps English if it has it, else Simplified, else Traditional.
    await database.db
      .updateTable('impact_updates')
      .set({ title: { 'zh-CN': '昆明', 'zh-HK': '昆明（繁）' }, body_markdown: { 'zh-CN': '简体', 'zh-HK': '繁體' }, body_html: { 'zh-CN': '<p>简体</p>', 'zh-HK': '<p>繁體</p>' } })
      .where('id', '=', ids[1]!)
      .execute();
    await migrateDownThrough(database, migration);
    const { rows: undone } = await sql<OldRow & { id: number }>`select id, title, body_markdown, body_html, figures, photos from impact_updates where id = any(${ids}) order by id`.execute(database.db);
    expect(undone[0]).toEqual({ id: ids[0], ...english });
    expect(undone[1]).toEqual({ id: ids[1], title: '昆明', body_markdown: '简体', body_html: '<p>简体</p>', figures: chinese.figures, photos: chinese.photos });
    expect(undone[2]).toEqual({ id: ids[2], ...traditional });
    await expect(sql`update impact_updates set title = '' where id = ${ids[0]}`.execute(database.db)).rejects.toThrow(/impact_updates_title_check/);

    await migrateToLatest(database.db);
    expect((await appliedMigrations(database)).includes(migration)).toBe(true);
  });
});
