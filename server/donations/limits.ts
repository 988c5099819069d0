// How many gifts one network, and one address on one network, may start in a while: each opens a Checkout Session.

// Generous on purpose: at a fundraising dinner a whole room gives at once through the venue's one address.
export const donationAttempts = { perWindow: 300, windowSeconds: 600 };

// One person gives a few times at most; a script trying cards under one address gives many. Counted per
// address *and network*: someone typing a donor's address elsewhere spends their own allowance, not the donor's.
export const emailAttempts = { perWindow: 20, windowSeconds: 60 * 60 };
