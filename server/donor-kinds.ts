// Who gives: a person, or an organisation of some kind; and what an organisation says about itself beside its
// name (a contact, a business registration number), read alike on the donate form and finance's offline form.
import type { DonorType } from './tables/donors.table';

/** Every kind of donor, a person first: the order finance's choices and filters show them in. */
export const donorTypes: readonly DonorType[] = ['person', 'enterprise', 'chamber_of_commerce', 'charity_federation', 'foundation'];

export type OrganisationType = Exclude<DonorType, 'person'>;

/** The kinds an organisation giving online chooses from. */
export const organisationTypes = donorTypes.filter((type): type is OrganisationType => type !== 'person');

export const isOrganisationType = (value: string): value is OrganisationType => (organisationTypes as readonly string[]).includes(value);

export const contactNameLength = 100;
export const businessRegistrationLength = 40;

/**
 * A business registration number as typed, or null for none; undefined when it cannot be one. Read loosely,
 * since Hong Kong's (12345678-000-03-24-A), the mainland's unified credit codes and others all differ:
 * letters, digits, spaces, - and / up to 40, with a letter or digit in it. Full-width characters, as a
 * Chinese keyboard types them, count as their ASCII selves; runs of spaces as one.
 */
export function readBusinessRegistration(typed: string): string | null | undefined {
  const number = typed.normalize('NFKC').replace(/\s+/g, ' ').trim();
  if (number === '') return null;
  return number.length <= businessRegistrationLength && /^[A-Za-z0-9 /-]+$/.test(number) && /[A-Za-z0-9]/.test(number) ? number : undefined;
}

/** A contact's name (one line already), or null for none; undefined when too long. */
export function readContactName(typed: string): string | null | undefined {
  const name = typed.trim();
  if (name === '') return null;
  return name.length <= contactNameLength ? name : undefined;
}
