// The error page, and the common reasons a public page is not found.
export const en = {
  'errors.notFoundTitle': 'Page not found',
  'errors.title': 'Something went wrong',
  'errors.internal': 'Something went wrong on our side. It has been logged; please try again in a moment.',
  'errors.reference': 'Reference:',
  'errors.back': 'Back to the campaigns',
  'errors.nothingHere': 'Nothing lives at {path}.',
  'errors.tooLarge': 'The request body is too large.',
  'errors.tooManyFields': 'The form has too many fields.',
  'errors.unreadable': 'The request could not be read.',
  'errors.fieldsNeedAttention': 'Some fields need attention.',
  'errors.campaignNotFound': 'There is no campaign at this address.',
  'errors.giftNotFound': 'We could not find that gift. If you were charged, your receipt is on its way by email.',
  'errors.receiptLinkInvalid': 'This receipt link is not valid. Please use the link in your receipt email.',
  'errors.csrfFailed': 'This form has expired or did not come from our site. Please go back, reload the page and try again.',
} as const;

export const zhCN: Record<keyof typeof en, string> = {
  'errors.notFoundTitle': '找不到此页面',
  'errors.title': '出错了',
  'errors.internal': '我们这边出了点问题，已记录在案，请稍后再试。',
  'errors.reference': '错误编号：',
  'errors.back': '返回募捐项目',
  'errors.nothingHere': '{path} 没有对应的页面。',
  'errors.tooLarge': '提交的内容过大。',
  'errors.tooManyFields': '提交的表单字段过多。',
  'errors.unreadable': '无法读取提交的内容。',
  'errors.fieldsNeedAttention': '有些字段需要修改。',
  'errors.campaignNotFound': '此地址没有对应的募捐项目。',
  'errors.giftNotFound': '找不到这笔捐款。如果您已被扣款，收据将通过电子邮件发送给您。',
  'errors.receiptLinkInvalid': '此收据链接无效，请使用收据邮件中的链接。',
  'errors.csrfFailed': '此表单已过期，或并非来自本网站。请返回上一页，刷新后再试一次。',
};
