// A discrepancy as the reconciliation page shows it: its kind and who resolved it, in the reader's language.
import { translate } from '../../i18n/messages';
import type { Locale } from '../../locale';
import type { DiscrepancyRow } from './reconciliation.repository';

export const discrepancyView = (locale: Locale) => (row: DiscrepancyRow) => ({
  ...row,
  kindLabel: translate(locale, `finance.reconciliation.kind.${row.kind}`),
  resolvedBy: row.resolved_by_name ?? (row.resolved_at ? translate(locale, 'finance.reconciliation.resolvedByRun') : null),
});
