// Simplified and Traditional Chinese from one another, by OpenCC's dictionaries (opencc-js) rather than a table
// of our own: for text a person wrote in one script only (a campaign's story, an organisation's name) shown to
// a reader of the other, and for drafting the Traditional catalogs from the Simplified ones (dev/traditional-catalogs.ts).
import { Converter, type ConverterFunction } from 'opencc-js';

// Words Hong Kong writes differently, not only in another script: OpenCC's Hong Kong variant converts
// characters, and these follow it, longer words first (电子邮件地址 before 电子邮件); Hong Kong quotes with 「」.
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
  ['賬户', '帳戶'],
  ['賬號', '帳號'],
  ['賬單', '帳單'],
  ['轉賬', '轉帳'],
  ['到賬', '到帳'],
  ['用户', '用戶'],
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
  ['唇齶裂', '唇顎裂'],
  ['“', '「'],
  ['”', '」'],
];

let simplifiedToHongKong: ConverterFunction | undefined;
let traditionalToSimplified: ConverterFunction | undefined;

/** Simplified Chinese as Hong Kong writes it. The dictionaries load on first use (about 0.4 s), so only a process that needs them pays. */
export function toTraditional(text: string): string {
  simplifiedToHongKong ??= Converter({ from: 'cn', to: 'hk' });
  let converted = simplifiedToHongKong(text);
  for (const [word, hongKong] of hongKongWords) converted = converted.split(word).join(hongKong);
  return converted;
}

/** Traditional Chinese (Hong Kong's or Taiwan's) in Simplified characters. */
export function toSimplified(text: string): string {
  traditionalToSimplified ??= Converter({ from: 'hk', to: 'cn' });
  return traditionalToSimplified(text);
}
