// The catalogs are merged into one table (server/i18n/messages.ts), so a key two area files both define
// silently takes the later file's sentence: the campaign page's sharing box once read "What your gifts
// achieved" that way. Every key belongs to one file.
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = path.join(__dirname, '../../server/i18n');
const areas = readdirSync(dir).filter((file) => file.endsWith('.ts') && file !== 'messages.ts');

describe('the catalogs', () => {
  it('define each key in one area file only, in each of the three languages', () => {
    const owners = new Map<string, string[]>();
    for (const file of areas) {
      const catalog = require(path.join(dir, file)) as Record<'en' | 'zhCN' | 'zhHK', Record<string, string>>;
      expect(Object.keys(catalog.zhCN).sort()).toEqual(Object.keys(catalog.en).sort());
      expect(Object.keys(catalog.zhHK).sort()).toEqual(Object.keys(catalog.en).sort());
      for (const key of Object.keys(catalog.en)) owners.set(key, [...(owners.get(key) ?? []), file]);
    }
    expect(areas.length).toBeGreaterThan(10);
    expect([...owners].filter(([, files]) => files.length > 1)).toEqual([]);
  });
});
