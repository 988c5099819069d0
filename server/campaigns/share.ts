// How a campaign is passed on: links for WhatsApp, Facebook and email, the address to copy, and a QR code to scan in WeChat.
import QRCode from 'qrcode';
import { translate } from '../i18n/messages';
import type { Locale } from '../locale';

/** The campaign's address as one channel shares it; utm_source=share-<channel> lets the dashboard count what sharing brought. */
export function sharedAddress(siteUrl: string, slug: string, channel: string): string {
  return `${siteUrl}/campaigns/${encodeURIComponent(slug)}?utm_source=share-${channel}`;
}

const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// Drawing a code costs more than the rest of the page, and a campaign's address rarely changes: the last
// few are kept. Bounded, since without BASE_URL the address follows the request's Host header.
const drawnCodes = new Map<string, Promise<string>>();
const codesKept = 64;

/** The QR code as inline SVG: paths only, no script or style, so the strict CSP shows it as it is. */
function qrCodeSvg(address: string, label: string): Promise<string> {
  const key = `${label}\n${address}`;
  let drawn = drawnCodes.get(key);
  if (!drawn) {
    drawn = QRCode.toString(address, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }).then((svg) =>
      svg.replace('<svg ', `<svg class="qr-code" role="img" aria-label="${escapeAttribute(label)}" `),
    );
    drawn.catch(() => drawnCodes.delete(key));
    if (drawnCodes.size >= codesKept) drawnCodes.delete(drawnCodes.keys().next().value!);
    drawnCodes.set(key, drawn);
  }
  return drawn;
}

export interface ShareLinks {
  whatsapp: string;
  facebook: string;
  email: string;
  copy: string;
  /** Trusted markup from the qrcode package, for {{{…}}}. */
  wechatQr: string;
}

export async function shareLinks(siteUrl: string, slug: string, title: string, locale: Locale): Promise<ShareLinks> {
  const message = translate(locale, 'share.message', { title });
  const whatsapp = `${message} ${sharedAddress(siteUrl, slug, 'whatsapp')}`;
  const emailBody = `${message}\n\n${sharedAddress(siteUrl, slug, 'email')}`;
  return {
    whatsapp: `https://wa.me/?text=${encodeURIComponent(whatsapp)}`,
    facebook: `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(sharedAddress(siteUrl, slug, 'facebook'))}`,
    email: `mailto:?subject=${encodeURIComponent(title)}&body=${encodeURIComponent(emailBody)}`,
    copy: sharedAddress(siteUrl, slug, 'link'),
    wechatQr: await qrCodeSvg(sharedAddress(siteUrl, slug, 'wechat'), translate(locale, 'share.qrLabel', { title })),
  };
}

/** What the page's <head> tells link previews (WhatsApp, WeChat, Facebook): absolute addresses only. */
export function linkPreview(siteUrl: string, slug: string, title: string, description: string, imageUrl: string | null) {
  const image = imageUrl === null ? null : imageUrl.startsWith('/') ? `${siteUrl}${imageUrl}` : imageUrl;
  return { title, description, url: `${siteUrl}/campaigns/${encodeURIComponent(slug)}`, image };
}
