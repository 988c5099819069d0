// The hosted pages a donor's browser opens instead of Stripe's: Checkout's payment page and the
// billing portal's card page. Plain server-rendered forms, no script, every value escaped.
import { Router, type Request, type Response } from 'express';
import type Stripe from 'stripe';
import { formatMoney } from '../../server/money';
import type { Account } from './account';
import { returnUrlOf } from './billing-portal';
import { findTestCard } from './cards';
import { choiceOf, payCheckoutSession } from './checkout-payment';
import { expireDueSessions } from './checkout';
import { setCardOnFile } from './customers';
import { StripeApiError } from './errors';
import { Html, html } from './html';
import { pageTextFor, type PageText } from './page-text';

const style = `
body { font: 16px/1.5 system-ui, sans-serif; background: #f6f8fa; color: #1f2328; margin: 0; }
main { max-width: 26rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
h1 { font-size: 1.25rem; margin: 0 0 1rem; }
.amount { font-size: 2rem; font-weight: 600; margin: 0; }
.items { padding: 0; list-style: none; color: #57606a; }
label { display: block; font-weight: 600; margin-top: 1rem; }
input { width: 100%; box-sizing: border-box; font: inherit; padding: .5rem; margin: .25rem 0; border: 1px solid #d0d7de; border-radius: 6px; }
button { font: inherit; padding: .5rem 1.25rem; margin: .5rem .5rem 0 0; border-radius: 6px; border: 0; background: #0969da; color: #fff; cursor: pointer; }
.wallets button { background: #24292f; }
.hint { color: #57606a; font-size: .875rem; }
.error { color: #cf222e; font-weight: 600; }
`;

function page(text: PageText, title: string, body: Html): string {
  return html`<!doctype html>
<html lang="${text.lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${new Html(style)}</style></head>
<body><main>
${body}
</main></body>
</html>`.text;
}

function amountOf(account: Account, session: Stripe.Checkout.Session, text: PageText): string {
  const amount = formatMoney({ amount: session.amount_total ?? 0, currency: (session.currency ?? account.settlement.currency).toUpperCase() }, text.numberLocale);
  const recurring = account.store.notes(session.id).lineItems?.find((item) => item.price?.recurring)?.price?.recurring;
  return recurring ? `${amount} ${text.every(recurring.interval)}` : amount;
}

function itemsOf(account: Account, session: Stripe.Checkout.Session): Html[] {
  return (account.store.notes(session.id).lineItems ?? []).map((item) => {
    const product = item.price ? account.store.find('product', String(item.price.product)) : undefined;
    const quantity = item.quantity && item.quantity > 1 ? `${item.quantity} × ` : '';
    return html`<li><strong>${quantity}${item.description}</strong>${product?.description ? html`<br>${product.description}` : ''}</li>`;
  });
}

function payPage(account: Account, session: Stripe.Checkout.Session, text: PageText, error?: string): string {
  const action = `/pay/${session.id}`;
  const methods = session.payment_method_types;
  let body: Html;
  if (session.status !== 'open') {
    const message = session.status === 'expired' ? text.expired : session.payment_status === 'paid' ? text.paid : text.processing;
    body = html`<h1>${text.paymentHeading}</h1><p class="amount">${amountOf(account, session, text)}</p><p>${message}</p>`;
  } else {
    body = html`<h1>${text.paymentHeading}</h1>
<p class="amount">${amountOf(account, session, text)}</p>
<ul class="items">${itemsOf(account, session)}</ul>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
${methods.includes('card')
  ? html`<form method="post" action="${action}">
<label for="card_number">${text.cardNumber}</label>
<input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" required>
<p class="hint">${text.testCards}</p>
<button type="submit">${text.pay}</button>
</form>`
  : ''}
${methods.includes('alipay') || methods.includes('wechat_pay')
  ? html`<form method="post" action="${action}" class="wallets">
${methods.includes('alipay') ? html`<button type="submit" name="payment_method" value="alipay">${text.alipay}</button>` : ''}
${methods.includes('wechat_pay') ? html`<button type="submit" name="payment_method" value="wechat_pay">${text.wechatPay}</button>` : ''}
</form>`
  : ''}
${session.cancel_url ? html`<p><a href="${session.cancel_url}">${text.cancel}</a></p>` : ''}`;
  }
  return page(text, text.paymentHeading, body);
}

function cardPage(account: Account, session: Stripe.BillingPortal.Session, text: PageText, message?: { error?: string; done?: string }): string {
  const customer = account.store.get('customer', session.customer);
  const current = account.store.notes(customer.id).card;
  const card = current ? findTestCard(current) : undefined;
  const back = returnUrlOf(session);
  return page(
    text,
    text.cardHeading,
    html`<h1>${text.cardHeading}</h1>
${card ? html`<p>${text.currentCard}: ${card.brand} •••• ${card.last4}</p>` : ''}
${message?.error ? html`<p class="error" role="alert">${message.error}</p>` : ''}
${message?.done ? html`<p role="status">${message.done}</p>` : ''}
<form method="post" action="/billing/${session.id}">
<label for="card_number">${text.cardNumber}</label>
<input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" required>
<p class="hint">${text.testCards}</p>
<button type="submit">${text.updateCard}</button>
</form>
${back ? html`<p><a href="${back}">${text.back}</a></p>` : ''}`,
  );
}

function notFound(res: Response, req: Request): void {
  const text = pageTextFor(null, req);
  res.status(404).type('html').send(page(text, text.notFound, html`<p>${text.notFound}</p>`));
}

function successUrl(session: Stripe.Checkout.Session): string {
  return session.success_url ? session.success_url.replace(/\{CHECKOUT_SESSION_ID\}/g, session.id) : `/pay/${session.id}`;
}

export function pageRoutes(account: Account): Router {
  const routes = Router();
  const sessionOf = (req: Request) => account.store.find('checkout.session', String(req.params.id));
  const portalOf = (req: Request) => account.store.find('billing_portal.session', String(req.params.id));

  routes.get('/pay/:id', (req, res) => {
    expireDueSessions(account);
    const session = sessionOf(req);
    if (!session) return notFound(res, req);
    res.type('html').send(payPage(account, session, pageTextFor(session.locale, req)));
  });
  routes.post('/pay/:id', (req, res) => {
    const session = sessionOf(req);
    if (!session) return notFound(res, req);
    const text = pageTextFor(session.locale, req);
    const body = req.body as { card_number?: string; payment_method?: string };
    try {
      const result = payCheckoutSession(account, session, choiceOf({ card_number: body.card_number ?? '', payment_method: body.payment_method }));
      if (result.status === 'declined') return void res.status(402).type('html').send(payPage(account, session, text, text.declined));
      res.redirect(303, successUrl(session));
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      const message = error.details.code === 'invalid_number' ? text.useTestCard : error.message;
      res.status(400).type('html').send(payPage(account, session, text, message));
    }
  });
  routes.get('/billing/:id', (req, res) => {
    const session = portalOf(req);
    if (!session) return notFound(res, req);
    res.type('html').send(cardPage(account, session, pageTextFor(session.locale, req)));
  });
  routes.post('/billing/:id', (req, res) => {
    const session = portalOf(req);
    if (!session) return notFound(res, req);
    const text = pageTextFor(session.locale, req);
    const card = findTestCard(String((req.body as { card_number?: string }).card_number ?? ''));
    if (!card) return void res.status(400).type('html').send(cardPage(account, session, text, { error: text.useTestCard }));
    setCardOnFile(account, account.store.get('customer', session.customer), card);
    const back = returnUrlOf(session);
    if (back) res.redirect(303, back);
    else res.type('html').send(cardPage(account, session, text, { done: text.cardUpdated }));
  });
  return routes;
}
