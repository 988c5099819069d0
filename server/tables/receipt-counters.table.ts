

/** The last receipt number issued in a year. */
export interface ReceiptCounterTable {
  year: number;
  last_sequence: number;
}
