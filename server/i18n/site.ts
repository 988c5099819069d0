// What every public page shares: the header, the footer, the language switch. The organisation's own
// name, address, registration and contact come from its configuration (server/organisation.ts), not from here.
export const en = {
  'site.skip': 'Skip to content',
  'site.nav.main': 'Main',
  'site.nav.campaigns': 'Campaigns',
  'site.nav.account': 'Your giving',
  'site.language': 'Language',
  'site.footer': 'Free surgery and care for children born with a cleft lip or palate.',
  'site.footer.label': 'About {organisation}',
  'site.footer.contact': 'Contact us:',
  'site.footer.privacy': 'Privacy policy',
} as const;

export const zhCN: Record<keyof typeof en, string> = {
  'site.skip': '跳至正文',
  'site.nav.main': '主导航',
  'site.nav.campaigns': '募捐项目',
  'site.nav.account': '我的捐款',
  'site.language': '语言',
  'site.footer': '为唇腭裂儿童提供免费手术和护理。',
  'site.footer.label': '关于{organisation}',
  'site.footer.contact': '联系我们：',
  'site.footer.privacy': '隐私政策',
};

export const zhHK: Record<keyof typeof en, string> = {
  'site.skip': '跳至正文',
  'site.nav.main': '主導覽',
  'site.nav.campaigns': '募捐項目',
  'site.nav.account': '我的捐款',
  'site.language': '語言',
  'site.footer': '為唇顎裂兒童提供免費手術和護理。',
  'site.footer.label': '關於{organisation}',
  'site.footer.contact': '聯絡我們：',
  'site.footer.privacy': '隱私政策',
};
