// What a reader of the other Chinese script sees of text a person wrote in one: characters converted as Hong
// Kong writes them, the writer's words kept, text already in the reader's script left alone, and addresses never touched.
import { draftTraditional } from '../../dev/traditional-catalogs';
import { scriptOf, toSimplified, toTraditional } from '../../server/chinese';
import { convertImpactHtml, convertKeepingAddresses, renderImpactMarkdown } from '../../server/impact/post';
import { localize, localizeWithLanguage, type LocalizedText } from '../../server/locale';

describe('converting what people wrote between Simplified and Traditional Chinese', () => {
  it('changes the characters of a person’s words, never the words: 保存 is theirs to keep, not our Save button', () => {
    expect(toTraditional('请保存好您的收据')).toBe('請保存好您的收據');
    expect(toTraditional('货币代码')).toBe('貨幣代碼');
    expect(toTraditional('邮件和包裹')).toBe('郵件和包裹');
    expect(toTraditional('医院的文件、设备和信息，刷新了我们的认识')).toBe('醫院的文件、設備和信息，刷新了我們的認識');
    // Our own sentences are drafted with Hong Kong's words for an interface.
    expect(draftTraditional('请保存设置，再刷新页面')).toBe('請儲存設定，再重新載入頁面');
    expect(draftTraditional('我们会给您发送一封邮件：“确认”')).toBe('我們會給您發送一封電郵：「確認」');
  });

  it('writes the characters Hong Kong types: 說 稅 戶 閱 顎, with 着 台 了 as the writer wrote them', () => {
    expect(toTraditional('说话、税务、阅读、面条、账户、用户、账号')).toBe('說話、稅務、閱讀、麵條、帳戶、用戶、帳號');
    expect(toTraditional('唇腭裂儿童在腭裂修复后')).toBe('唇顎裂兒童在顎裂修復後');
    expect(toTraditional('为了纪念，平台看着著名的台风')).toBe('為了紀念，平台看着著名的颱風');
    expect(toTraditional('了解更多，一目了然')).toBe('了解更多，一目了然');
    expect(toTraditional('湿地污染')).toBe('濕地污染');
    // 只 is "only" unless a number counts with it.
    expect(toTraditional('这只能说明，链接最多只可使用一次；一只猫，一只有病的猫')).toBe('這只能說明，鏈接最多只可使用一次；一隻貓，一隻有病的貓');
  });

  it('leaves text already in Traditional characters as it is, in either set of forms', () => {
    for (const traditional of ['紀念', '帳戶', '說話', '裡面', '裏面', '紀念的日子', '懷念的人', '帳户', '税務', '看著', '唇顎裂', '衞生署']) {
      expect(toTraditional(traditional)).toBe(traditional);
    }
    for (const simplified of ['纪念的日子', '什么', '他是著名的医生', '唇腭裂']) expect(toSimplified(simplified)).toBe(simplified);
  });

  it('reads either set of Hong Kong’s forms back into Simplified, with the palate’s 腭', () => {
    expect(toSimplified('說話、説話、稅務、税務、帳戶、帳户')).toBe('说话、说话、税务、税务、帐户、帐户');
    expect(toSimplified('為唇顎裂兒童提供手術及覆診。')).toBe('为唇腭裂儿童提供手术及覆诊。');
    expect(toSimplified('衞生署和衛生署')).toBe('卫生署和卫生署');
    expect(toSimplified('裡面和裏面，看着和看著')).toBe('里面和里面，看着和看着');
  });

  it('tells which script a text is written in, by which characters outnumber the others', () => {
    expect(scriptOf('')).toBeUndefined();
    expect(scriptOf('The May mission, 2026')).toBeUndefined();
    expect(scriptOf('团队为 152 名儿童做了手术')).toBe('zh-CN');
    expect(scriptOf('團隊為 152 名兒童做了手術')).toBe('zh-HK');
    expect(scriptOf('紀念')).toBe('zh-HK');
    expect(scriptOf('帳戶')).toBe('zh-HK');
    expect(scriptOf('什么')).toBe('zh-CN');
    // A Traditional character or two in Simplified text, and Hong Kong's 皇后 and 台: the majority decides.
    expect(scriptOf('他是著名的医生，来自臺灣的医院')).toBe('zh-CN');
    expect(scriptOf('皇后大道的台灣餐廳')).toBe('zh-HK');
    // Hong Kong's official forms are Simplified's too: 税 counts for neither, 務 decides.
    expect(scriptOf('税務')).toBe('zh-HK');
    // Characters both scripts write alike read the same either way.
    expect(scriptOf('大人')).toBe('zh-CN');
  });

  it('keeps addresses in text and Markdown as written while converting the words around them', () => {
    expect(convertKeepingAddresses('详见[年度报告](https://example.org/报告/年度报告.pdf "年度报告")，或访问 https://example.org/关于我们 了解', 'zh-HK')).toBe(
      '詳見[年度報告](https://example.org/报告/年度报告.pdf "年度報告")，或訪問 https://example.org/关于我们 了解',
    );
    expect(convertKeepingAddresses('[参考][1]\n\n[1]: https://example.org/参考资料\n\n[相对](/campaigns/说明)', 'zh-HK')).toBe('[參考][1]\n\n[1]: https://example.org/参考资料\n\n[相對](/campaigns/说明)');
  });

  it('converts an update’s HTML body’s text and image descriptions, never its tags, addresses or code', () => {
    const html = renderImpactMarkdown('## 手术之后\n\n详见[报告](https://example.org/报告 "年度报告")。\n\n<a href="https://example.org/里面">里面</a>\n\n![术后的小美](https://photos.example.org/小美.jpg)\n\n`代码里面`');
    const converted = convertImpactHtml(html, 'zh-HK');
    expect(converted).toBe(
      [
        '<h3>手術之後</h3>',
        '<p>詳見<a href="https://example.org/%E6%8A%A5%E5%91%8A" title="年度報告" rel="nofollow noopener">報告</a>。</p>',
        '<p><a href="https://example.org/里面" rel="nofollow noopener">裡面</a></p>',
        '<p><img src="https://photos.example.org/%E5%B0%8F%E7%BE%8E.jpg" alt="術後的小美" /></p>',
        '<p><code>代码里面</code></p>',
      ].join('\n'),
    );
  });
});

describe('localizeWithLanguage: the text a reader reads, and the language it is in', () => {
  const [en, zhCN, zhHK] = ['English', '简体中文的说明', '繁體中文的說明'];

  it('gives the reader’s own, else the other script converted (their language now), else English, else what there is', () => {
    const cases: Array<[LocalizedText | null | undefined, 'en' | 'zh-CN' | 'zh-HK', { text: string; lang: 'en' | 'zh-CN' | 'zh-HK' | undefined }]> = [
      [{ en, 'zh-CN': zhCN, 'zh-HK': zhHK }, 'zh-HK', { text: zhHK, lang: 'zh-HK' }],
      [{ en, 'zh-CN': zhCN }, 'zh-HK', { text: '簡體中文的說明', lang: 'zh-HK' }],
      [{ en, 'zh-HK': zhHK }, 'zh-CN', { text: '繁体中文的说明', lang: 'zh-CN' }],
      [{ en, 'zh-CN': zhCN }, 'en', { text: en, lang: 'en' }],
      [{ en }, 'zh-HK', { text: en, lang: 'en' }],
      [{ 'zh-CN': zhCN }, 'en', { text: zhCN, lang: 'zh-CN' }],
      [{ 'zh-HK': zhHK }, 'en', { text: zhHK, lang: 'zh-HK' }],
      [{ en: '', 'zh-HK': zhHK }, 'en', { text: zhHK, lang: 'zh-HK' }],
      [{}, 'zh-CN', { text: '', lang: undefined }],
      [null, 'en', { text: '', lang: undefined }],
      [undefined, 'zh-HK', { text: '', lang: undefined }],
    ];
    for (const [text, locale, expected] of cases) {
      expect({ text, locale, read: localizeWithLanguage(text, locale) }).toEqual({ text, locale, read: expected });
      expect(localize(text, locale)).toBe(expected.text);
    }
  });

  it('converts with the conversion it is given, for text that is not plain, such as HTML', () => {
    const body = { 'zh-CN': '<p><a href="https://example.org/说明">说明</a></p>' };
    expect(localizeWithLanguage(body, 'zh-HK', convertImpactHtml)).toEqual({ text: '<p><a href="https://example.org/说明" rel="nofollow noopener">說明</a></p>', lang: 'zh-HK' });
  });
});
