// The page a donor waits on when Stripe is busy (many people giving at once), before going on to pay.
export const en = {
  'waiting.title': 'Opening your payment page',
  'waiting.heading': 'You are in the queue to pay',
  'waiting.body': 'Many people are giving to {organisation} right now, so our secure payment page is opening for each donor in turn. Nothing has been charged yet. Please keep this page open: it moves on to the payment page by itself, usually within a minute.',
  'waiting.giftOnce': 'Your gift: {amount} to {campaign}.',
  'waiting.giftMonth': 'Your gift: {amount} every month to {campaign}.',
  'waiting.giftYear': 'Your gift: {amount} every year to {campaign}.',
  'waiting.place': 'Your place in the queue is kept while this page is open.',
  'waiting.checkNow': 'Check now',
} as const;

export const zhCN: Record<keyof typeof en, string> = {
  'waiting.title': '正在打开付款页面',
  'waiting.heading': '您正在排队付款',
  'waiting.body': '此刻有很多人正在向{organisation}捐款，我们的安全付款页面正依次为每位捐款人打开。您尚未被扣款。请保持此页面打开：它会自动转到付款页面，通常在一分钟内。',
  'waiting.giftOnce': '您的捐款：{amount}，捐给{campaign}。',
  'waiting.giftMonth': '您的捐款：每月{amount}，捐给{campaign}。',
  'waiting.giftYear': '您的捐款：每年{amount}，捐给{campaign}。',
  'waiting.place': '只要此页面保持打开，您的排队位置就会保留。',
  'waiting.checkNow': '立即查看',
};

export const zhHK: Record<keyof typeof en, string> = {
  'waiting.title': '正在開啟付款頁面',
  'waiting.heading': '您正在排隊付款',
  'waiting.body': '此刻有很多人正在向{organisation}捐款，我們的安全付款頁面正逐一為每位捐款人開啟。您尚未被扣款。請保持此頁面開啟：它會自動轉到付款頁面，通常在一分鐘內。',
  'waiting.giftOnce': '您的捐款：{amount}，捐給{campaign}。',
  'waiting.giftMonth': '您的捐款：每月{amount}，捐給{campaign}。',
  'waiting.giftYear': '您的捐款：每年{amount}，捐給{campaign}。',
  'waiting.place': '只要此頁面保持開啟，您的排隊位置便會保留。',
  'waiting.checkNow': '立即查看',
};
