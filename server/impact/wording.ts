// What impact emails and the unsubscribe page say, in each language we write to donors in.
import type { Locale } from '../locale';

export interface ImpactWording {
  subject: (campaign: string, title: string) => string;
  greeting: (name: string) => string;
  friend: string;
  intro: (campaign: string) => string;
  figures: string;
  photos: string;
  photoAlt: (index: number, title: string) => string;
  readOnline: string;
  why: (campaign: string) => string;
  unsubscribe: string;
  unsubscribeTitle: string;
  unsubscribeQuestion: (email: string) => string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  unsubscribedBody: (email: string) => string;
  invalidLink: string;
}

const en: ImpactWording = {
  subject: (campaign, title) => `${campaign}: ${title}`,
  greeting: (name) => `Dear ${name},`,
  friend: 'friend',
  intro: (campaign) => `Here is what your gift to ${campaign} has done.`,
  figures: 'In numbers',
  photos: 'Photos',
  photoAlt: (index, title) => `Photo ${index} from “${title}”`,
  readOnline: 'Read it on the campaign page',
  why: (campaign) => `You receive this because you gave to ${campaign}. We write only when there is news of what your gift did.`,
  unsubscribe: 'Stop impact updates',
  unsubscribeTitle: 'Stop impact updates?',
  unsubscribeQuestion: (email) => `We will stop sending news of what gifts did to ${email}. Receipts for your gifts will still be sent.`,
  unsubscribeButton: 'Stop impact updates',
  unsubscribedTitle: 'You will receive no more impact updates',
  unsubscribedBody: (email) => `We have stopped sending impact updates to ${email}. Thank you for your support.`,
  invalidLink: 'This unsubscribe link is not valid. Please use the link in your latest email.',
};

const zhCN: ImpactWording = {
  subject: (campaign, title) => `${campaign}：${title}`,
  greeting: (name) => `亲爱的${name}：`,
  friend: '朋友',
  intro: (campaign) => `感谢您支持${campaign}，以下是您的捐款带来的改变。`,
  figures: '成果数字',
  photos: '照片',
  photoAlt: (index, title) => `“${title}”的第${index}张照片`,
  readOnline: '在项目页面阅读',
  why: (campaign) => `您收到此邮件，是因为您曾捐款支持${campaign}。我们只在有成果消息时才会来信。`,
  unsubscribe: '不再接收成果报告',
  unsubscribeTitle: '不再接收成果报告？',
  unsubscribeQuestion: (email) => `我们将不再向 ${email} 发送捐款成果报告。捐款收据仍会照常发送。`,
  unsubscribeButton: '不再接收成果报告',
  unsubscribedTitle: '您将不再收到成果报告',
  unsubscribedBody: (email) => `我们已停止向 ${email} 发送成果报告。感谢您的支持。`,
  invalidLink: '此退订链接无效，请使用最新邮件中的链接。',
};

const wordings: Record<Locale, ImpactWording> = { en, 'zh-CN': zhCN };

export function impactWordingFor(locale: string): { locale: Locale; wording: ImpactWording } {
  return locale === 'zh-CN' ? { locale: 'zh-CN', wording: wordings['zh-CN'] } : { locale: 'en', wording: wordings.en };
}
