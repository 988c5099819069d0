// The words on the hosted pages, in English and Chinese: the pages a donor sees instead of Stripe's.
import type { Request } from 'express';

export interface PageText {
  lang: string;
  /** The locale amounts are formatted in. */
  numberLocale: string;
  paymentHeading: string;
  cardNumber: string;
  pay: string;
  alipay: string;
  wechatPay: string;
  cancel: string;
  declined: string;
  useTestCard: string;
  testCards: string;
  paid: string;
  expired: string;
  processing: string;
  cardHeading: string;
  currentCard: string;
  updateCard: string;
  cardUpdated: string;
  back: string;
  notFound: string;
  every(interval: string): string;
}

const english: PageText = {
  lang: 'en',
  numberLocale: 'en',
  paymentHeading: 'Smilefund test payment',
  cardNumber: 'Card number',
  pay: 'Pay',
  alipay: 'Alipay',
  wechatPay: 'WeChat Pay',
  cancel: 'Cancel',
  declined: 'Your card was declined.',
  useTestCard: 'Use a test card such as 4242 4242 4242 4242.',
  testCards: 'Test mode: 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined.',
  paid: 'This payment is complete.',
  expired: 'This payment page has expired.',
  processing: 'Your payment is being confirmed.',
  cardHeading: 'Update your card',
  currentCard: 'Card on file',
  updateCard: 'Update card',
  cardUpdated: 'Your card has been updated.',
  back: 'Return',
  notFound: 'This page does not exist.',
  every: (interval) => `/ ${interval}`,
};

const intervalsHans: Record<string, string> = { day: '天', week: '周', month: '月', year: '年' };
const intervalsHant: Record<string, string> = { day: '天', week: '週', month: '月', year: '年' };

// Wallet buttons keep their Latin names, so no other button's name contains the word on the pay button.
const simplified: PageText = {
  lang: 'zh-Hans',
  numberLocale: 'zh-CN',
  paymentHeading: 'Smilefund 测试付款',
  cardNumber: '卡号',
  pay: '支付',
  alipay: 'Alipay',
  wechatPay: 'WeChat Pay',
  cancel: '取消',
  declined: '您的银行卡被拒绝。',
  useTestCard: '请使用测试卡，例如 4242 4242 4242 4242。',
  testCards: '测试模式：4242 4242 4242 4242 付款成功；4000 0000 0000 0002 被拒绝。',
  paid: '此付款已完成。',
  expired: '此付款页面已过期。',
  processing: '正在确认您的付款。',
  cardHeading: '更新您的银行卡',
  currentCard: '当前银行卡',
  updateCard: '更新银行卡',
  cardUpdated: '您的银行卡已更新。',
  back: '返回',
  notFound: '此页面不存在。',
  every: (interval) => `/ ${intervalsHans[interval] ?? interval}`,
};

const traditional: PageText = {
  ...simplified,
  lang: 'zh-Hant',
  numberLocale: 'zh-HK',
  paymentHeading: 'Smilefund 測試付款',
  cardNumber: '卡號',
  declined: '您的銀行卡被拒絕。',
  useTestCard: '請使用測試卡，例如 4242 4242 4242 4242。',
  testCards: '測試模式：4242 4242 4242 4242 付款成功；4000 0000 0000 0002 被拒絕。',
  paid: '此付款已完成。',
  expired: '此付款頁面已過期。',
  processing: '正在確認您的付款。',
  cardHeading: '更新您的銀行卡',
  currentCard: '目前銀行卡',
  updateCard: '更新銀行卡',
  cardUpdated: '您的銀行卡已更新。',
  notFound: '此頁面不存在。',
  every: (interval) => `/ ${intervalsHant[interval] ?? interval}`,
};

function textFor(tag: string): PageText | undefined {
  const lower = tag.toLowerCase();
  if (lower === 'zh-hk' || lower === 'zh-tw' || lower === 'zh-mo' || lower.startsWith('zh-hant')) return traditional;
  if (lower === 'zh' || lower.startsWith('zh-')) return simplified;
  if (lower === 'en' || lower.startsWith('en-')) return english;
  return undefined;
}

/** English unless the session asks for Chinese; `auto` follows the browser, as Stripe's pages do. */
export function pageTextFor(locale: string | null, req: Request): PageText {
  if (locale && locale !== 'auto') return textFor(locale) ?? english;
  if (locale === 'auto') {
    for (const tag of req.acceptsLanguages()) {
      const found = textFor(tag);
      if (found) return found;
    }
  }
  return english;
}
