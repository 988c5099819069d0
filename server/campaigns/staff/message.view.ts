// The dashboard's "Messages" section: each recent donor message, whether the campaign page shows it, and
// what staff may do with it, in the staff member's language.
import { translate } from '../../i18n/messages';
import type { Locale } from '../../locale';
import { formatMoney } from '../../money';
import type { Campaign } from '../../tables/campaigns.table';
import type { StaffMessageRow } from './message.repository';

type MessageState = 'shown' | 'hidden' | 'awaiting';

function stateOf(row: StaffMessageRow, holds: boolean): MessageState {
  if (row.message_hidden_at) return 'hidden';
  return holds && !row.message_approved_at ? 'awaiting' : 'shown';
}

export function messagesView(campaign: Campaign, rows: StaffMessageRow[], locale: Locale) {
  const holds = campaign.hold_messages;
  return {
    holds,
    list: rows.map((row) => {
      const state = stateOf(row, holds);
      return {
        id: row.id,
        // Staff see the name even of an anonymous gift; the page does not.
        name: row.donor_name ?? translate(locale, 'campaignStaff.messages.noName'),
        anonymous: row.anonymous,
        amount: formatMoney(row, locale),
        givenAt: row.succeeded_at,
        message: row.message,
        state,
        stateLabel: translate(locale, `campaignStaff.messages.state.${state}`),
        canHide: state !== 'hidden',
        canShow: state === 'hidden',
        canApprove: holds && state === 'awaiting',
      };
    }),
  };
}
