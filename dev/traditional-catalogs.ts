// Drafts each catalog's missing Traditional Chinese (Hong Kong) sentences from its Simplified ones, so a key
// added in English and Simplified Chinese reaches Hong Kong readers too. What it writes is a draft: read it
// and correct it before committing (the catalogs are static so the type check sees every key).
//   npm run catalogs:traditional
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toTraditional } from '../server/chinese';

const folder = join(__dirname, '..', 'server', 'i18n');

function quoted(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

async function draftCatalog(file: string): Promise<number> {
  const catalog = (await import(join(folder, file))) as { en?: object; zhCN?: Record<string, string>; zhHK?: Record<string, string> };
  if (!catalog.en || !catalog.zhCN) return 0;
  const kept = catalog.zhHK ?? {};
  const keys = Object.keys(catalog.en);
  const missing = keys.filter((key) => kept[key] === undefined);
  if (missing.length === 0) return 0;
  const lines = keys.map((key) => `  ${quoted(key)}: ${quoted(kept[key] ?? toTraditional(catalog.zhCN![key]!))},`);
  const block = `export const zhHK: Record<keyof typeof en, string> = {\n${lines.join('\n')}\n};\n`;
  const path = join(folder, file);
  const source = readFileSync(path, 'utf8');
  const existing = /export const zhHK[^]*?\n};\n/.exec(source);
  writeFileSync(path, existing ? source.replace(existing[0], block) : `${source.trimEnd()}\n\n${block}`);
  return missing.length;
}

async function main() {
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts') && name !== 'messages.ts')) {
    const drafted = await draftCatalog(file);
    if (drafted > 0) console.log(`${file}: drafted ${drafted} Traditional Chinese sentences; read them before committing`);
  }
}

void main();
