// After the gift: the thank-you page the donor returns to from Checkout, and the printable receipt's page.
export const en = {
  'thanks.title': 'Thank you',
  'thanks.titlePending': 'Confirming your gift',
  'thanks.heading': 'Thank you',
  'thanks.headingNamed': 'Thank you, {name}',
  'thanks.giftOnce': 'your gift of {amount}',
  'thanks.giftMonth': 'your gift of {amount} every month',
  'thanks.giftYear': 'your gift of {amount} every year',
  'thanks.confirmed': 'Confirmed:',
  'thanks.confirmedBefore': '{gift} to ',
  'thanks.confirmedAfter': ' has been received.',
  'thanks.receiptComing': 'Your receipt is on its way by email.',
  'thanks.pending': 'Pending:',
  'thanks.pendingBody': 'we are confirming {gift} to {campaign} with our payment provider. This page updates by itself.',
  'thanks.failedHeading': 'Your gift did not go through',
  'thanks.failedBefore': 'Nothing was taken from your account. ',
  'thanks.failedLink': 'Try again',
  'thanks.failedAfter': ', perhaps with another card.',

  'receipt.print': 'To keep a copy, use your browser’s Print command and choose “Save as PDF”.',
} as const;

export const zhCN: Record<keyof typeof en, string> = {
  'thanks.title': '感谢您的捐款',
  'thanks.titlePending': '正在确认您的捐款',
  'thanks.heading': '谢谢您！',
  'thanks.headingNamed': '{name}，谢谢您！',
  'thanks.giftOnce': '捐款 {amount}',
  'thanks.giftMonth': '每月捐款 {amount}',
  'thanks.giftYear': '每年捐款 {amount}',
  'thanks.confirmed': '已确认：',
  'thanks.confirmedBefore': '我们已收到您给',
  'thanks.confirmedAfter': '的{gift}。',
  'thanks.receiptComing': '收据将通过电子邮件发送给您。',
  'thanks.pending': '确认中：',
  'thanks.pendingBody': '我们正在与支付服务商确认您给{campaign}的{gift}。本页面会自动刷新。',
  'thanks.failedHeading': '您的捐款未能完成',
  'thanks.failedBefore': '您的账户没有被扣款。您可以',
  'thanks.failedLink': '再试一次',
  'thanks.failedAfter': '，也可以换一张银行卡。',

  'receipt.print': '如需保存副本，请使用浏览器的“打印”功能，并选择“另存为 PDF”。',
};
