// Simplified and Traditional Chinese from one another, by OpenCC's dictionaries (opencc-js) rather than a table
// of our own: for text a person wrote in one script only (a campaign's story, an impact update, an organisation's
// name, the receipt's wording) shown to a reader of the other. Only characters change, never words: a person's
// 保存, 文件 and 邮件 mean what they wrote (keep, document, post), so they become 保存, 文件 and 郵件. Hong Kong's
// words for our own interface (儲存, 檔案, 電郵) are dev/traditional-catalogs.ts's, for drafting the catalogs.
import { Converter, ConverterFactory, Locale, type ConverterFunction } from 'opencc-js';

export type ChineseScript = 'zh-CN' | 'zh-HK';

// Which Traditional forms. OpenCC's 'hk' variant writes the forms of Hong Kong's official character list
// (説 閲 税 户 脱 麪 牀 羣 峯 啓 齶), which Hong Kong's schools teach but its keyboards and websites mostly
// do not type: the Big5 forms 說 閱 稅 戶 脫 麵 床 群 峰 啟 顎 are what Hong Kong reads on screens (稅務局,
// 帳戶, 唇顎裂), and what our catalogs and the demo data write. Its 'tw' variant writes those, and changes
// only characters ('twp' would add Taiwan's words: 軟體, 資訊). The few characters where 'tw' writes as
// Taiwan does and Hong Kong does not are then written as Hong Kong writes them (hongKongForms).
let simplifiedToTaiwanForms: ConverterFunction | undefined;
// Hong Kong's text mixes both sets of forms (説 and 說, 衞 and 衛): read the Hong Kong variants back
// first, then Taiwan's, so that either becomes Simplified, and 顎 the Simplified 腭 of 唇腭裂 (OpenCC's
// 'hk' reading gives 颚, the jaw, not the palate).
let traditionalToSimplified: ConverterFunction | undefined;

/**
 * [as the Simplified text wrote it, as OpenCC's Taiwan forms write it, as Hong Kong writes it]: 'tw' turns
 * the particle 着 into 著 (Hong Kong: 看着, 着急, keeping 著 for 著名), 台 into 臺 (Hong Kong: 平台, 台灣,
 * 電台), 了 into 瞭 (Hong Kong: 了解, 一目了然), and writes 溼 and 汙 for Hong Kong's 濕 and 污. Decided by
 * the Simplified character, so that 著名, 颱風, 檯燈 and 瞭望 are left as converted.
 */
const hongKongForms: ReadonlyArray<readonly [string, string, string]> = [
  ['着', '著', '着'],
  ['台', '臺', '台'],
  ['了', '瞭', '了'],
  ['湿', '溼', '濕'],
  ['污', '汙', '污'],
];

/**
 * Slips OpenCC makes in ordinary prose. It reads 这只能 and 最多只可 as "this [animal] can" and "many [animals]
 * may" (這隻能, 最多隻可), where they mean "this can only" and "at most only": before 能 可 有 要 是, 隻 is
 * only a measure word after a number (一隻有病的貓), so elsewhere it is 只. And 账户 and 账号 become 賬戶 and
 * 賬號, where Hong Kong writes 帳戶 and 帳號 (账单 and 转账 stay 賬單 and 轉賬, as Hong Kong writes both).
 */
const characterFixes: ReadonlyArray<readonly [RegExp, string]> = [
  [/(?<![\d一二兩三四五六七八九十百千萬幾])隻(?=[能可有要是])/gu, '只'],
  [/賬(?=[戶號])/gu, '帳'],
];

// Hong Kong's official forms read as OpenCC's standard ones (税 → 稅, 説 → 說): a small table, for scriptOf.
let hongKongFormsToStandard: ConverterFunction | undefined;

function loadConverters() {
  simplifiedToTaiwanForms ??= Converter({ from: 'cn', to: 'tw' });
  traditionalToSimplified ??= ConverterFactory(Locale.from.hk, Locale.from.tw, Locale.to.cn);
  hongKongFormsToStandard ??= ConverterFactory(Locale.from.hk);
  return { toTaiwanForms: simplifiedToTaiwanForms, toSimplifiedForms: traditionalToSimplified, fromHongKongForms: hongKongFormsToStandard };
}

/** Simplified text in Hong Kong's characters, whatever script it is in (scriptOf decides whether it should be converted). */
function convertToTraditional(simplified: string): string {
  const written = Array.from(simplified);
  const converted = Array.from(loadConverters().toTaiwanForms(simplified));
  // OpenCC's dictionaries map each character to one character, so the two line up; if they ever did not,
  // the Taiwan forms are kept rather than put back at the wrong places.
  if (converted.length === written.length) {
    for (const [index, character] of written.entries()) {
      const form = hongKongForms.find(([simplifiedForm, taiwanForm]) => simplifiedForm === character && taiwanForm === converted[index]);
      if (form) converted[index] = form[2];
    }
  }
  let text = converted.join('');
  for (const [slip, fix] of characterFixes) text = text.replace(slip, fix);
  return text;
}

const hanCharacter = /\p{Script=Han}/u;
/**
 * Per Han character: 'simplified' or 'traditional' if only that script writes it so; 'shared' if both do (人,
 * 的, 念, and 税 户, Hong Kong's official forms), or if each script's conversion changes it into another
 * character (么: Simplified's 麼, Traditional's 幺).
 */
const characterScripts = new Map<string, 'simplified' | 'traditional' | 'shared'>();

function characterScript(character: string): 'simplified' | 'traditional' | 'shared' {
  let script = characterScripts.get(character);
  if (!script) {
    // One character at a time, out of its words: 念 is shared though 念书 becomes 唸書.
    const { toSimplifiedForms, fromHongKongForms } = loadConverters();
    const [inSimplified, inTraditional] = [toSimplifiedForms(character), convertToTraditional(character)];
    // A Traditional character may be written in another of its forms (裏 and 裡, 啓 and 啟): still Traditional.
    const traditionalForm = inTraditional === character || toSimplifiedForms(inTraditional) === inSimplified;
    // Hong Kong's official forms 税 户 脱 are also Simplified's: they tell neither script.
    const hongKongForm = fromHongKongForms(character) !== character;
    if (inSimplified !== character && traditionalForm) script = 'traditional';
    else if (inTraditional !== character && inSimplified === character && !hongKongForm) script = 'simplified';
    else script = 'shared';
    characterScripts.set(character, script);
  }
  return script;
}

/**
 * The script `text` is written in: 'zh-HK' when more of its characters are written only in Traditional
 * (說, 紀, 帳) than only in Simplified (说, 纪, 帐), else 'zh-CN' (so too text of shared characters alone,
 * which reads the same in both); undefined when it holds no Han character at all. Counted, not "any
 * Traditional character", as Simplified text may quote a Traditional name, and Hong Kong writes 皇后 and 公里.
 */
export function scriptOf(text: string): ChineseScript | undefined {
  let traditional = 0;
  let simplified = 0;
  let han = false;
  for (const character of text) {
    if (!hanCharacter.test(character)) continue;
    han = true;
    const script = characterScript(character);
    if (script === 'traditional') traditional++;
    else if (script === 'simplified') simplified++;
  }
  if (!han) return undefined;
  return traditional > simplified ? 'zh-HK' : 'zh-CN';
}

/**
 * Simplified Chinese in Traditional characters as Hong Kong types them. Text already in Traditional comes
 * back as it is: OpenCC's phrases are keyed on Simplified, and 紀念的 would otherwise become 紀唸的. The
 * dictionaries load on first use, so only a process that needs them pays.
 */
export function toTraditional(text: string): string {
  return scriptOf(text) === 'zh-CN' ? convertToTraditional(text) : text;
}

/** Traditional Chinese (Hong Kong's forms or Taiwan's) in Simplified characters; Simplified text comes back as it is. */
export function toSimplified(text: string): string {
  return scriptOf(text) === 'zh-HK' ? loadConverters().toSimplifiedForms(text) : text;
}

/** `text` in `script`'s characters. */
export function toScript(text: string, script: ChineseScript): string {
  return script === 'zh-HK' ? toTraditional(text) : toSimplified(text);
}
