// What receipts and notices say, in each language we write to donors in.
import type { Locale } from '../locale';

export interface Wording {
  receiptSubject: (number: string, campaign: string) => string;
  receiptHeading: string;
  receiptNumber: string;
  donor: string;
  date: string;
  amount: string;
  campaign: string;
  kind: string;
  once: string;
  month: string;
  year: string;
  paymentMethod: string;
  methods: Record<string, string>;
  dedication: string;
  honour: (name: string) => string;
  memory: (name: string) => string;
  thanks: (name: string) => string;
  printable: string;
  registration: string;
  refundSubject: (campaign: string) => string;
  refundBody: (amount: string, campaign: string, date: string) => string;
  paymentFailedSubject: string;
  paymentFailedBody: (amount: string, campaign: string) => string;
  updateCard: string;
  statementSubject: (year: number) => string;
  statementIntro: (name: string, year: number) => string;
  statementTotal: string;
}

const en: Wording = {
  receiptSubject: (number, campaign) => `Your receipt ${number}: thank you for your gift to ${campaign}`,
  receiptHeading: 'Donation receipt',
  receiptNumber: 'Receipt number',
  donor: 'Donor',
  date: 'Date',
  amount: 'Amount',
  campaign: 'Campaign',
  kind: 'Gift',
  once: 'One-off gift',
  month: 'Monthly gift',
  year: 'Yearly gift',
  paymentMethod: 'Paid by',
  methods: { card: 'Card', alipay: 'Alipay', wechat_pay: 'WeChat Pay', cheque: 'Cheque', bank_transfer: 'Bank transfer', cash: 'Cash' },
  dedication: 'Dedication',
  honour: (name) => `In honour of ${name}`,
  memory: (name) => `In memory of ${name}`,
  thanks: (name) => `Dear ${name}, thank you. Your gift pays for free surgery and care for children born with a cleft lip or palate.`,
  printable: 'Printable receipt',
  registration: 'Registration',
  refundSubject: (campaign) => `Your gift to ${campaign} has been refunded`,
  refundBody: (amount, campaign, date) => `We have refunded ${amount} of your gift to ${campaign} on ${date}. It may take 5 to 10 days to reach your account.`,
  paymentFailedSubject: 'Please update your card: your regular gift could not be taken',
  paymentFailedBody: (amount, campaign) => `We could not take your regular gift of ${amount} to ${campaign}. Your bank may have declined it, or your card may have expired. Please update your card so that your support continues.`,
  updateCard: 'Update your card',
  statementSubject: (year) => `Your giving in ${year}: annual statement`,
  statementIntro: (name, year) => `Dear ${name}, thank you for everything you gave in ${year}. Here is every gift, with its receipt number, for your records.`,
  statementTotal: 'Total',
};

const zhCN: Wording = {
  receiptSubject: (number, campaign) => `您的捐款收据 ${number}：感谢您支持${campaign}`,
  receiptHeading: '捐款收据',
  receiptNumber: '收据编号',
  donor: '捐款人',
  date: '日期',
  amount: '金额',
  campaign: '项目',
  kind: '捐款类型',
  once: '单次捐款',
  month: '每月捐款',
  year: '每年捐款',
  paymentMethod: '支付方式',
  methods: { card: '银行卡', alipay: '支付宝', wechat_pay: '微信支付', cheque: '支票', bank_transfer: '银行转账', cash: '现金' },
  dedication: '献礼',
  honour: (name) => `谨以此捐款向${name}致敬`,
  memory: (name) => `谨以此捐款纪念${name}`,
  thanks: (name) => `亲爱的${name}：衷心感谢您的捐款。您的爱心将为唇腭裂儿童提供免费手术和护理。`,
  printable: '可打印收据',
  registration: '注册信息',
  refundSubject: (campaign) => `您对${campaign}的捐款已退款`,
  refundBody: (amount, campaign, date) => `我们已于${date}退还您对${campaign}的捐款 ${amount}，款项可能需要5至10天到账。`,
  paymentFailedSubject: '请更新您的银行卡：本期定期捐款未能扣款',
  paymentFailedBody: (amount, campaign) => `您对${campaign}的定期捐款 ${amount} 未能成功扣款，可能是银行拒绝了交易或银行卡已过期。请更新银行卡，让您的支持得以延续。`,
  updateCard: '更新银行卡',
  statementSubject: (year) => `您的${year}年度捐款汇总`,
  statementIntro: (name, year) => `亲爱的${name}：感谢您在${year}年的每一笔捐款。以下是全年捐款及收据编号，供您存档。`,
  statementTotal: '合计',
};

const wordings: Record<Locale, Wording> = { en, 'zh-CN': zhCN };

export function wordingFor(locale: string): { locale: Locale; wording: Wording } {
  return locale === 'zh-CN' ? { locale: 'zh-CN', wording: wordings['zh-CN'] } : { locale: 'en', wording: wordings.en };
}
