// What every public page shares: the header, the footer, the language switch.
export const en = {
  'site.name': 'Smilefund',
  'site.skip': 'Skip to content',
  'site.nav.main': 'Main',
  'site.nav.campaigns': 'Campaigns',
  'site.nav.account': 'Your giving',
  'site.language': 'Language',
  'site.footer': 'Smilefund: free surgery and care for children born with a cleft lip or palate.',
} as const;

export const zhCN: Record<keyof typeof en, string> = {
  'site.name': '微笑基金',
  'site.skip': '跳至正文',
  'site.nav.main': '主导航',
  'site.nav.campaigns': '募捐项目',
  'site.nav.account': '我的捐款',
  'site.language': '语言',
  'site.footer': '微笑基金：为唇腭裂儿童提供免费手术和护理。',
};
