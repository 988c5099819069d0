// What an erased donor leaves in records kept for other reasons (a Stripe event as it arrived, an audit entry
// quoting a gift, a refund's reason as finance typed it): every copy of their address, names and words, replaced.

/** What a person typed or was known by, and what each becomes. */
export interface PersonalTexts {
  /** Replaced wherever they appear, whatever the case: an address is too distinctive to match by chance. */
  addresses: string[];
  /** Replaced by the pseudonym where a whole text is one of them, and, in text people typed, where one stands as a word of its own. */
  names: string[];
  /** Replaced by `erased` where a whole text is one of them (trimmed, whatever the case): messages, dedications. */
  words: string[];
  pseudonym: string;
  erased: string;
}

/** Stripe's fields about the payer: their details, card, addresses and the customer they are known by. */
const stripePersonalFields: ReadonlySet<string> = new Set([
  'customer',
  'customer_details',
  'customer_email',
  'customer_name',
  'customer_address',
  'customer_phone',
  'customer_shipping',
  'customer_tax_ids',
  'collected_information',
  'billing_details',
  'receipt_email',
  'shipping',
  'shipping_details',
  'payment_method_details',
]);

const normal = (text: string) => text.trim().toLowerCase();
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Latin letters and digits run on into a word; Chinese characters do not, so a Chinese name is found inside a sentence. */
const runsOn = /[\p{Script=Latin}\p{N}]/u;

function textRedactor(texts: PersonalTexts, namesInText: boolean): (text: string) => string {
  const names = new Set(texts.names.map(normal).filter((name) => name.length > 0));
  const words = new Set(texts.words.map(normal).filter((word) => word.length > 0));
  const addresses = texts.addresses.map(normal).filter((address) => address.length > 0).map((address) => new RegExp(escaped(address), 'giu'));
  // Longest first, so that "Mei Chan" is replaced whole before "Mei" could be.
  const namePatterns = [...names]
    .filter((name) => name.length >= 2)
    .sort((a, b) => b.length - a.length)
    .map((name) => {
      const before = runsOn.test(name[0]!) ? '(?<![\\p{L}\\p{N}])' : '';
      const after = runsOn.test(name[name.length - 1]!) ? '(?![\\p{L}\\p{N}])' : '';
      return new RegExp(`${before}${escaped(name)}${after}`, 'giu');
    });
  return (text) => {
    const whole = normal(text);
    if (names.has(whole)) return texts.pseudonym;
    if (words.has(whole)) return texts.erased;
    let out = addresses.reduce((each, pattern) => each.replace(pattern, texts.erased), text);
    if (namesInText) out = namePatterns.reduce((each, pattern) => each.replace(pattern, texts.pseudonym), out);
    return out;
  };
}

/**
 * `value` with every personal text replaced, the same shape otherwise; `dropKeys` are set to null wherever
 * they are. `namesInText` for what people typed; never for Stripe's objects, whose ids a short name could match.
 */
export function redactPersonalTexts(value: unknown, texts: PersonalTexts, options: { dropKeys?: ReadonlySet<string>; namesInText?: boolean } = {}): unknown {
  const redact = textRedactor(texts, options.namesInText ?? false);
  const dropKeys = options.dropKeys ?? new Set<string>();
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return redact(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([field, child]) => [field, dropKeys.has(field) && child !== null ? null : walk(child)]));
    }
    return node;
  };
  return walk(value);
}

/** Text someone typed (a refund's reason) with the donor's names and address replaced. */
export const redactTypedText = (text: string, texts: PersonalTexts) => textRedactor(texts, true)(text);

/** A stored Stripe event without its payer: what the handlers read (ids, the charge a dispute or refund names) stays. */
export const redactStripeEvent = (payload: unknown, texts: PersonalTexts) => redactPersonalTexts(payload, texts, { dropKeys: stripePersonalFields });

/** An audit entry's record without what it quoted of the donor; who did what stays in the entry itself. */
export const redactAuditRecord = (record: unknown, texts: PersonalTexts) => redactPersonalTexts(record, texts, { namesInText: true });
