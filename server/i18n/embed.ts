// The donate widget partners put on their own sites, and the page that hands them the code for it.
export const en = {
  'embed.raised': '{raised} raised of {target}',
  'embed.percent': '{percent}% of the target',
  'embed.donors.one': '1 donor',
  'embed.donors.other': '{count} donors',
  'embed.give': 'Give',
  'embed.giveTo': 'to {title}',
  'embed.newTab': '(opens in a new tab)',
  'embed.closed': 'This campaign has closed. Thank you to everyone who gave.',
  'embed.seeCampaign': 'See the campaign',
  'embed.frameTitle': 'Give to {title} on {organisation}',
  'embed.snippet.title': 'Put {title} on your website',
  'embed.snippet.intro': 'Copy this code into your page where the widget should appear. It shows the campaign’s progress, updated every minute, and a button that opens our donate form in a new tab.',
  'embed.snippet.label': 'Code to paste',
  'embed.snippet.preview': 'Preview',
} as const;

export const zhCN: Record<keyof typeof en, string> = {
  'embed.raised': '已筹得 {raised}，目标 {target}',
  'embed.percent': '已达目标的 {percent}%',
  'embed.donors.one': '1 位捐款人',
  'embed.donors.other': '{count} 位捐款人',
  'embed.give': '捐款',
  'embed.giveTo': '给{title}',
  'embed.newTab': '（在新标签页中打开）',
  'embed.closed': '此募捐项目已结束。感谢每一位捐款人。',
  'embed.seeCampaign': '查看募捐项目',
  'embed.frameTitle': '在{organisation}为{title}捐款',
  'embed.snippet.title': '把{title}放到您的网站上',
  'embed.snippet.intro': '将以下代码复制到您网页中要显示小组件的位置。小组件显示募捐进度（每分钟更新），并有一个按钮，可在新标签页中打开我们的捐款表格。',
  'embed.snippet.label': '要粘贴的代码',
  'embed.snippet.preview': '预览',
};
