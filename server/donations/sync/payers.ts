// Who paid and for what, when a payment reaches us from Stripe without our own record of it.
import type Stripe from 'stripe';
import type { StripeReads } from './stripe-reads';
import type { Db } from '../../database';
import type { Campaign } from '../../tables/campaigns.table';
import type { Donor } from '../../tables/donors.table';
import { findCampaignBySlug } from '../../campaigns/campaign.repository';
import { findDonorByStripeCustomer, findOrCreateDonor, linkDonorToStripeCustomer } from '../donation.repository';
import { idOf } from '../../stripe/ids';

/** The campaign a payment names in its metadata, or the general fund when it names none we know. */
export async function campaignForPayment(db: Db, slug: string | undefined, generalFundSlug: string): Promise<Campaign> {
  const named = slug ? await findCampaignBySlug(db, slug) : undefined;
  if (named) return named;
  const general = await findCampaignBySlug(db, generalFundSlug);
  if (!general) throw new Error(`no campaign "${generalFundSlug}" (GENERAL_FUND_SLUG) to count a payment that names no campaign`);
  return general;
}

/** Remembers the donor's Stripe customer, unless another donor already has it. */
export async function linkStripeCustomer(db: Db, donorId: number, customer: string | Stripe.Customer | Stripe.DeletedCustomer | null): Promise<void> {
  const customerId = idOf(customer);
  if (customerId) await linkDonorToStripeCustomer(db, donorId, customerId);
}

export async function donorForCustomer(db: Db, stripe: StripeReads, customer: string | Stripe.Customer | Stripe.DeletedCustomer | null, fallbackEmail?: string | null): Promise<Donor | undefined> {
  const customerId = idOf(customer);
  if (customerId) {
    const known = await findDonorByStripeCustomer(db, customerId);
    if (known) return known;
  }
  const found = customerId ? await stripe.customer(customerId) : undefined;
  const email = (found && !found.deleted ? found.email : null) ?? fallbackEmail;
  if (!email) return undefined;
  // Not the customer's name: whoever made the customer chose it; a paid gift names the donor.
  const donor = await findOrCreateDonor(db, { email });
  if (customerId) await linkStripeCustomer(db, donor.id, customerId);
  return donor;
}
