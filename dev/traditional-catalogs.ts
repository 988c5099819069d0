// Drafts each catalog's missing Traditional Chinese (Hong Kong) sentences from its Simplified ones, so a key
// added in English and Simplified Chinese reaches Hong Kong readers too. What it writes is a draft: read it
// and correct it before committing (the catalogs are static so the type check sees every key).
//   npm run catalogs:traditional
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toTraditional } from '../server/chinese';

const folder = join(__dirname, '..', 'server', 'i18n');

// The words Hong Kong uses for an interface, where Simplified Chinese uses others: for our own sentences only.
// toTraditional changes characters alone, as a person's 保存 (keep), 文件 (document) and 邮件 (post) must stay
// theirs; in a sentence of ours they are the button's 儲存, the upload's 檔案 and the email's 電郵. Matched
// on toTraditional's output, longer words first (電子郵件地址 before 電子郵件); Hong Kong quotes with 「」.
const hongKongWords: ReadonlyArray<readonly [string, string]> = [
  ['電子郵件地址', '電郵地址'],
  ['電子郵箱', '電郵'],
  ['電子郵件', '電郵'],
  ['郵件', '電郵'],
  ['郵箱', '電郵'],
  ['退出登錄', '登出'],
  ['登錄', '登入'],
  ['當前', '目前'],
  ['隻能', '只能'],
  ['隻可', '只可'],
  ['隻有', '只有'],
  ['存儲', '儲存'],
  ['命令行', '命令列'],
  ['不匹配', '不符'],
  ['賬單', '帳單'],
  ['轉賬', '轉帳'],
  ['到賬', '到帳'],
  ['對賬', '對帳'],
  ['默認', '預設'],
  ['鏈接', '連結'],
  ['視頻', '影片'],
  ['打印', '列印'],
  ['短信', '短訊'],
  ['設置', '設定'],
  ['保存', '儲存'],
  ['搜索', '搜尋'],
  ['導出', '匯出'],
  ['導入', '匯入'],
  ['屏幕', '螢幕'],
  ['激活', '啟用'],
  ['信息', '資料'],
  ['個字符', '個字'],
  ['字符', '字元'],
  ['聯繫', '聯絡'],
  ['幣種', '貨幣'],
  ['在線', '網上'],
  ['刷新', '重新載入'],
  ['粘貼', '貼上'],
  ['字段', '欄位'],
  ['標籤頁', '分頁'],
  ['小組件', '小工具'],
  ['代碼', '程式碼'],
  ['導航', '導覽'],
  ['設備', '裝置'],
  ['加載', '載入'],
  ['響應', '回應'],
  ['文件', '檔案'],
  ['“', '「'],
  ['”', '」'],
];

/** A sentence of ours, from Simplified Chinese, as Hong Kong would write it on a screen. */
export function draftTraditional(simplified: string): string {
  let drafted = toTraditional(simplified);
  for (const [word, hongKong] of hongKongWords) drafted = drafted.split(word).join(hongKong);
  return drafted;
}

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
  const lines = keys.map((key) => `  ${quoted(key)}: ${quoted(kept[key] ?? draftTraditional(catalog.zhCN![key]!))},`);
  const block = `export const zhHK: Record<keyof typeof en, string> = {\n${lines.join('\n')}\n};\n`;
  const path = join(folder, file);
  const source = readFileSync(path, 'utf8');
  const existing = /export const zhHK[^]*?\n};\n/.exec(source);
  // A function as the replacement, so that a sentence holding $& or $' is written as it is, not expanded.
  writeFileSync(path, existing ? source.replace(existing[0], () => block) : `${source.trimEnd()}\n\n${block}`);
  return missing.length;
}

async function main() {
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts') && name !== 'messages.ts')) {
    const drafted = await draftCatalog(file);
    if (drafted > 0) console.log(`${file}: drafted ${drafted} Traditional Chinese sentences; read them before committing`);
  }
}

if (require.main === module) void main();
