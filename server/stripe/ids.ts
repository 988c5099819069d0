// Stripe gives a related object as its id, or as the object itself when it was expanded.

/** The id of a related object, however Stripe gave it; null when there is none. */
export function idOf(value: string | { id: string }): string;
export function idOf(value: string | { id: string } | null | undefined): string | null;
export function idOf(value: string | { id: string } | null | undefined): string | null {
  return typeof value === 'string' ? value : (value?.id ?? null);
}
