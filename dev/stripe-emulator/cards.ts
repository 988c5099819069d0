// The test card numbers the hosted pages and helpers accept, with what each one does when charged.
export interface CardDecline {
  code: 'card_declined';
  decline_code: string;
  message: string;
}

export interface TestCard {
  number: string;
  brand: string;
  last4: string;
  funding: 'credit' | 'debit';
  country: string;
  /** Set when charging this card fails. */
  decline?: CardDecline;
  /**
   * What a refund of a charge on this card does, as Stripe's refund test cards: `pending` stays pending until
   * /_emulator/refunds/:id/succeed or /fail says; `fails` begins succeeded and fails a moment later.
   */
  refund?: 'pending' | 'fails';
}

const testCards: TestCard[] = [
  { number: '4242424242424242', brand: 'visa', last4: '4242', funding: 'credit', country: 'US' },
  { number: '5555555555554444', brand: 'mastercard', last4: '4444', funding: 'credit', country: 'US' },
  { number: '4000000000007726', brand: 'visa', last4: '7726', funding: 'credit', country: 'US', refund: 'pending' },
  { number: '4000000000005126', brand: 'visa', last4: '5126', funding: 'credit', country: 'US', refund: 'fails' },
  {
    number: '4000000000000002',
    brand: 'visa',
    last4: '0002',
    funding: 'credit',
    country: 'US',
    decline: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  },
  {
    number: '4000000000009995',
    brand: 'visa',
    last4: '9995',
    funding: 'credit',
    country: 'US',
    decline: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  },
];

/** The test card a person typed, with or without spaces and dashes; undefined for any other number. */
export function findTestCard(typed: string): TestCard | undefined {
  const digits = typed.replace(/[\s-]/g, '');
  return testCards.find((card) => card.number === digits);
}

export const useATestCard = 'Use a test card such as 4242 4242 4242 4242.';
