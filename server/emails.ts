// Which feature writes each email the outbox owes; the worker sends them through this table.
import type { AppContext } from './context';
import { planMovedEmail, signInLinkEmail } from './donors/emails';
import { roundReportEmail } from './missions/rounds/emails';
import { sendOutboxRow, type Composers, type SendOutcome } from './outbox/send';
import { annualStatementEmail, paymentFailedEmail, receiptEmail, refundNoticeEmail } from './receipts/emails';
import { invitationEmail, passwordLinkEmail } from './staff/emails';

const composers: Composers = {
  receipt: receiptEmail,
  refund_notice: refundNoticeEmail,
  payment_failed: paymentFailedEmail,
  annual_statement: annualStatementEmail,
  sign_in_link: signInLinkEmail,
  staff_password_link: passwordLinkEmail,
  staff_invitation: invitationEmail,
  plan_moved: planMovedEmail,
  round_report: roundReportEmail,
};

/** Sends the email outbox row `outboxId` owes, at most once. */
export function sendOwedEmail(ctx: Pick<AppContext, 'db' | 'config' | 'mailer' | 'logger'>, outboxId: number): Promise<SendOutcome> {
  return sendOutboxRow(ctx, composers, outboxId);
}
